//! Python values to JSON fields and back (see `alipay_core::fields`).
//!
//! Going in, money may be a `decimal.Decimal`, an `int` (whole yuan) or a `str`; a `float` is refused
//! wherever it appears, with the field named, because a float cannot hold `0.10` exactly. Input is
//! bounded before it costs anything: containers nest at most [`MAX_DEPTH`] levels (a structure that
//! contains itself is named as such), a `Decimal` is measured before it is written out, and text must
//! be valid Unicode (no lone surrogates). Every refusal is `InvalidInput` naming the field.
//!
//! Coming back, every non-integer JSON number becomes a `Decimal`; see [`answer_to_py`] for keeping
//! its exact text.

use std::collections::BTreeMap;

use alipay_core::error::InvalidInput;
use alipay_core::fields::MAX_DEPTH;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

use crate::errors;

/// The longest text a `Decimal` may be written out as (the core reads no longer amount).
const MAX_DECIMAL_TEXT: i128 = 40;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `decimal.Decimal`.
pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// The fields of a call: a mapping of names to values.
pub(crate) fn fields_to_json(fields: &Bound<'_, PyDict>) -> PyResult<Value> {
    Converter::default().value(fields.as_any(), "")
}

/// One value; `path` names it in errors (`goods_detail[0].price`).
pub(crate) fn to_json(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    Converter::default().value(value, path)
}

/// Converts one value tree, remembering the containers it is inside (at most [`MAX_DEPTH`]).
#[derive(Default)]
struct Converter {
    /// The containers from the root down to the current one, by identity.
    inside: Vec<usize>,
}

impl Converter {
    fn value(&mut self, value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
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
        if let Ok(s) = value.cast::<PyString>() {
            return Ok(Value::String(str_text(s, path)?));
        }
        if value.is_instance(decimal_type(value.py())?)? {
            return Ok(Value::String(decimal_text(value, path)?));
        }
        if let Ok(dict) = value.cast::<PyDict>() {
            return self.nested(value, path, |c| {
                let mut map = Map::new();
                for (k, v) in dict.iter() {
                    let name = match k.cast::<PyString>() {
                        Ok(name) => {
                            str_text(name, path).map_err(|_| invalid(path, "has a key that is not valid text"))?
                        }
                        Err(_) => return Err(invalid(path, "has a key that is not a str")),
                    };
                    let child = c.value(&v, &join(path, &name))?;
                    map.insert(name, child);
                }
                Ok(Value::Object(map))
            });
        }
        if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
            return self.nested(value, path, |c| {
                let mut items = Vec::new();
                for (i, item) in value.try_iter()?.enumerate() {
                    items.push(c.value(&item?, &format!("{path}[{i}]"))?);
                }
                Ok(Value::Array(items))
            });
        }
        let type_name = value.get_type().name()?.to_string();
        Err(invalid(
            path,
            &format!("has type {type_name}, which cannot be sent (use str, int, Decimal, bool, dict or list)"),
        ))
    }

    /// Converts a container's content with `convert`, once it is known to be neither too deep nor
    /// inside itself.
    fn nested(
        &mut self,
        container: &Bound<'_, PyAny>,
        path: &str,
        convert: impl FnOnce(&mut Self) -> PyResult<Value>,
    ) -> PyResult<Value> {
        let id = container.as_ptr() as usize;
        if self.inside.contains(&id) {
            return Err(invalid(path, "contains itself (a structure that refers to itself cannot be sent)"));
        }
        if self.inside.len() >= MAX_DEPTH {
            return Err(invalid(path, &format!("nests more than {MAX_DEPTH} levels deep")));
        }
        self.inside.push(id);
        let result = convert(self);
        self.inside.pop();
        result
    }
}

/// A `str` as Rust text; a lone surrogate (which UTF-8 cannot carry) is refused.
fn str_text(s: &Bound<'_, PyString>, path: &str) -> PyResult<String> {
    s.to_cow().map(std::borrow::Cow::into_owned).map_err(|_| {
        invalid(
            path,
            "is not valid Unicode text: it has a lone surrogate (such as \"\\ud800\"), which UTF-8 cannot carry",
        )
    })
}

/// A value that must be a `str`, named `field` in errors.
pub(crate) fn text(value: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    match value.cast::<PyString>() {
        Ok(s) => str_text(s, field),
        Err(_) => Err(invalid(field, &format!("is a {}, not a str", type_name(value)))),
    }
}

/// An optional `str` (`None` is `None`).
pub(crate) fn optional_text(value: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<String>> {
    value.filter(|v| !v.is_none()).map(|v| text(v, field)).transpose()
}

/// A mapping of `str` to `str` (a `dict`, Flask's `request.form`: anything with `items()`), named
/// `field`; a value is named by its key, under `prefix` (`params.x`), in errors.
pub(crate) fn text_pairs(mapping: &Bound<'_, PyAny>, field: &str, prefix: &str) -> PyResult<BTreeMap<String, String>> {
    let items = mapping
        .call_method0("items")
        .map_err(|_| invalid(field, &format!("is a {}, not a mapping of str to str", type_name(mapping))))?;
    let mut pairs = BTreeMap::new();
    for item in items.try_iter()? {
        let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        let name = text(&name, field).map_err(|_| invalid(field, "has a name that is not a str of valid text"))?;
        let value = text(&value, &join(prefix, &name))?;
        pairs.insert(name, value);
    }
    Ok(pairs)
}

/// A `Decimal` in plain notation (`Decimal("1E+2")` is sent as `100`). Its size is read from
/// `as_tuple()` first, so `Decimal("1E+1000000000")` is refused at once instead of being written
/// out as a billion digits; NaN and infinities are refused too.
fn decimal_text(value: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    let parts = value.call_method0("as_tuple")?;
    let Ok(exponent) = parts.getattr("exponent")?.extract::<i64>() else {
        return Err(invalid(path, "is not a finite Decimal (NaN or Infinity)"));
    };
    let digits = parts.getattr("digits")?.len()?;
    let (digits, exponent) = (i128::try_from(digits).unwrap_or(i128::MAX), i128::from(exponent));
    // The length of the plain text, sign aside: the digits then the zeros a positive exponent adds,
    // or the digits with a decimal point (and leading zeros) a negative one places.
    let plain = if exponent >= 0 { digits + exponent } else { digits.max(1 - exponent) + 1 };
    if plain > MAX_DECIMAL_TEXT {
        let reason = format!(
            "is a Decimal of {digits} digits with exponent {exponent}: written out it would exceed \
             {MAX_DECIMAL_TEXT} characters, more than any Alipay field holds"
        );
        return Err(invalid(path, &reason));
    }
    let py = value.py();
    py.import("builtins")?.getattr("format")?.call1((value, "f"))?.extract()
}

/// A setting's value (a policy's counts and seconds): a `float` or `Decimal` as a JSON number, since
/// these are not money; anything else as [`to_json`] converts it, and the core names what is wrong.
pub(crate) fn setting(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    if value.is_instance_of::<PyFloat>() || value.is_instance(decimal_type(value.py())?)? {
        let number = value.extract::<f64>().ok().and_then(Number::from_f64);
        return number.map(Value::Number).ok_or_else(|| invalid(path, "is not a finite number"));
    }
    to_json(value, path)
}

/// A verified answer's JSON text as Python: objects as `dict`, arrays as `list`, non-integer numbers
/// as `Decimal` with their exact text (`100.10` stays `100.10`: the text is read again with
/// `json.loads(…, parse_float=Decimal)`, never through a float). Fields the core added to `parsed`
/// that the text lacks (a v3 answer's `code` and `msg`) are added from `parsed`.
pub(crate) fn answer_to_py<'py>(
    py: Python<'py>,
    raw: &str,
    parsed: &Map<String, Value>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = PyDict::new(py);
    options.set_item("parse_float", decimal_type(py)?)?;
    let data = JSON_LOADS.import(py, "json", "loads")?.call((raw,), Some(&options))?;
    let dict = data.cast::<PyDict>()?;
    for (k, v) in parsed {
        if !dict.contains(k)? {
            dict.set_item(k, json_to_py(py, v)?)?;
        }
    }
    Ok(data)
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

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "value".into())
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

/// `InvalidInput` for `path`, the reason completing "it …".
pub(crate) fn invalid(path: &str, reason: &str) -> PyErr {
    let field = if path.is_empty() { "fields" } else { path };
    errors::to_py(InvalidInput::new(field, format!("it {reason}")).into())
}
