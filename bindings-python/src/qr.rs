//! `qr_svg` and `qr_png`: the core's QR images of a text (a precreate `qr_code`).

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::to_py;

/// The QR code of `text` as an SVG document.
#[pyfunction]
pub(crate) fn qr_svg(py: Python<'_>, text: &str) -> PyResult<String> {
    py.detach(|| alipay_core::qr::svg(text)).map_err(to_py)
}

/// The QR code of `text` as a PNG of at most `size` pixels a side (whole pixels per module).
#[pyfunction]
#[pyo3(signature = (text, size = 256))]
pub(crate) fn qr_png<'py>(py: Python<'py>, text: &str, size: u32) -> PyResult<Bound<'py, PyBytes>> {
    let png = py.detach(|| alipay_core::qr::png(text, size)).map_err(to_py)?;
    Ok(PyBytes::new(py, &png))
}
