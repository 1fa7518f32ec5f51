//! A key or certificate as Python hands it over, split into the core's `ClientSettings` pair: inline
//! text (a `str`, or `bytes` of UTF-8 text) or a file (`os.PathLike`).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::values::invalid;

/// `str`, `bytes` or `os.PathLike`.
pub(crate) struct KeySource;

impl KeySource {
    /// `(inline text, file path)` for the key setting `name`; `None` gives neither.
    pub(crate) fn extract(value: &Bound<'_, PyAny>, name: &str) -> PyResult<(Option<String>, Option<String>)> {
        if value.is_none() {
            return Ok((None, None));
        }
        if value.is_instance_of::<PyString>() {
            return Ok((Some(crate::values::text(value, name)?), None));
        }
        if let Ok(bytes) = value.cast::<PyBytes>() {
            let text =
                std::str::from_utf8(bytes.as_bytes()).map_err(|_| invalid(name, "is bytes that are not UTF-8 text"))?;
            return Ok((Some(text.to_string()), None));
        }
        let os = value.py().import("os")?;
        if value.is_instance(&os.getattr("PathLike")?)? {
            let path = os.call_method1("fspath", (value,))?;
            return Ok((None, Some(crate::values::text(&path, name)?)));
        }
        Err(invalid(name, "is neither text (str or UTF-8 bytes) nor a path (os.PathLike)"))
    }
}
