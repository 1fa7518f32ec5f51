//! Python values to JSON fields and back (see `alipay_core::fields`).
//!
//! Going in, money may be a `decimal.Decimal`, an `int` (whole yuan) or a `str`; a `float` is refused
//! wherever it appears, with the field named, because a float cannot hold `0.10` exactly. Coming back,
//! every non-integer JSON number becomes a `Decimal` from its shortest text, so no float ever reaches
//! the caller.

use alipay_core::error::InvalidInput;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

use crate::errors;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `decimal.Decimal`.
pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// The fields of a call: a mapping of names to values.
pub(crate) fn fields_to_json(fields: &Bound<'_, PyDict>) -> PyResult<Value> {
    let mut map = Map::new();
    for (key, value) in fields.iter() {
        let name: String = key.extract().map_err(|_| PyTypeError::new_err("field names must be str"))?;
        let json = to_json(&value, &name)?;
        map.insert(name, json);
    }
    Ok(Value::Object(map))
}

/// One value; `path` names it in errors (`goods_detail[0].price`).
pub(crate) fn to_json(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    let py = value.py();
    if value.is_none() {
        return Ok(Value::Null);
    }
    if value.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(value.extract()?));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = value.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(invalid(path, "is an integer too large for Alipay"));
    }
    if value.is_instance_of::<PyFloat>() {
        return Err(invalid(
            path,
            "is a float, which cannot hold amounts exactly: pass decimal.Decimal(\"0.10\"), a str or an int",
        ));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(Value::String(value.extract()?));
    }
    if value.is_instance(decimal_type(py)?)? {
        if !value.call_method0("is_finite")?.extract::<bool>()? {
            return Err(invalid(path, "is not a finite Decimal"));
        }
        // Plain notation: `Decimal("1E+2")` is sent as `100`, never in exponent form.
        let text: String = py.import("builtins")?.getattr("format")?.call1((value, "f"))?.extract()?;
        return Ok(Value::String(text));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in dict.iter() {
            let name: String = k.extract().map_err(|_| invalid(path, "has a key that is not a str"))?;
            let child = to_json(&v, &join(path, &name))?;
            map.insert(name, child);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(to_json(&item?, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    let type_name = value.get_type().name()?.to_string();
    Err(invalid(
        path,
        &format!("has type {type_name}, which cannot be sent (use str, int, Decimal, bool, dict or list)"),
    ))
}

/// JSON to Python: objects as `dict`, arrays as `list`, non-integer numbers as `Decimal`.
pub(crate) fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => number_to_py(py, n)?,
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

fn number_to_py<'py>(py: Python<'py>, n: &Number) -> PyResult<Bound<'py, PyAny>> {
    if let Some(i) = n.as_i64() {
        return i.into_bound_py_any(py);
    }
    if let Some(u) = n.as_u64() {
        return u.into_bound_py_any(py);
    }
    decimal_type(py)?.call1((n.to_string(),))
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

fn invalid(path: &str, reason: &str) -> PyErr {
    errors::to_py(InvalidInput::new(path, format!("it {reason}")).into())
}
