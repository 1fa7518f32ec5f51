//! Files for `upload`: each a dict `{"field", "file_name", "content_type", "content": bytes}` or
//! `{"field", "path", "content_type"?}` (read by the core, its type guessed when not given).

use alipay_core::upload::UploadFile;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict};

use crate::errors::to_py;
use crate::values::{invalid, optional_text, text};

/// One file from its dict.
pub(crate) fn file_from_py(py: Python<'_>, file: &Bound<'_, PyAny>, path: &str) -> PyResult<UploadFile> {
    let file = file
        .cast::<PyDict>()
        .map_err(|_| invalid(path, "is not a dict of field, file_name, content_type and content or path"))?;
    let get = |name: &str| file.get_item(name);
    let field = match get("field")? {
        Some(v) => text(&v, &format!("{path}.field"))?,
        None => return Err(invalid(&format!("{path}.field"), "is missing")),
    };
    let content_type = optional_text(get("content_type")?.as_ref(), &format!("{path}.content_type"))?;
    if let Some(p) = get("path")?.filter(|p| !p.is_none()) {
        let p: std::path::PathBuf = p.extract().map_err(|_| invalid(&format!("{path}.path"), "is not a path"))?;
        return py.detach(|| UploadFile::from_path(field, p, content_type.as_deref())).map_err(|e| to_py(e.into()));
    }
    let content = match get("content")? {
        Some(c) if c.is_instance_of::<PyBytes>() => c.cast::<PyBytes>()?.as_bytes().to_vec(),
        Some(c) if c.is_instance_of::<PyByteArray>() => c.cast::<PyByteArray>()?.to_vec(),
        _ => return Err(invalid(&format!("{path}.content"), "is not bytes (or give a path)")),
    };
    let file_name = match get("file_name")? {
        Some(v) => text(&v, &format!("{path}.file_name"))?,
        None => return Err(invalid(&format!("{path}.file_name"), "is missing")),
    };
    let content_type = content_type.unwrap_or_else(|| "application/octet-stream".to_string());
    Ok(UploadFile::from_bytes(field, file_name, content_type, content))
}

/// Every file of a list.
pub(crate) fn files_from_py(py: Python<'_>, files: &Bound<'_, PyAny>) -> PyResult<Vec<UploadFile>> {
    let mut out = Vec::new();
    for (i, file) in files.try_iter().map_err(|_| invalid("files", "is not a list of files"))?.enumerate() {
        out.push(file_from_py(py, &file?, &format!("files[{i}]"))?);
    }
    Ok(out)
}
