//! A key or certificate as Python hands it over, split into the core's `ClientSettings` pair: inline
//! text (a `str`, or `bytes` of UTF-8 text) or a file (`os.PathLike`).

use std::path::PathBuf;

use alipay_core::error::ConfigError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// `str`, `bytes` or `os.PathLike`.
#[derive(FromPyObject)]
pub(crate) enum KeySource {
    /// The text itself (PEM or bare base64).
    Text(String),
    /// The file's content.
    Bytes(Vec<u8>),
    /// A file to read (`pathlib.Path`, or any `os.PathLike`).
    Path(PathBuf),
}

impl KeySource {
    /// `(inline text, file)`, as the setting `name` takes them.
    pub(crate) fn split(self, name: &'static str) -> PyResult<(Option<String>, Option<PathBuf>)> {
        match self {
            KeySource::Text(text) => Ok((Some(text), None)),
            KeySource::Bytes(bytes) => String::from_utf8(bytes).map(|t| (Some(t), None)).map_err(|_| {
                to_py(ConfigError::Invalid { name, reason: "the bytes are not UTF-8 text".into() }.into())
            }),
            KeySource::Path(path) => Ok((None, Some(path))),
        }
    }

    /// As [`KeySource::split`], for a setting that may be absent.
    pub(crate) fn split_optional(
        source: Option<KeySource>,
        name: &'static str,
    ) -> PyResult<(Option<String>, Option<PathBuf>)> {
        source.map_or(Ok((None, None)), |s| s.split(name))
    }
}
