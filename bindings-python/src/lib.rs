//! The Python extension module `alipay_core._native`: thin adapters over alipay-core. Each function
//! converts types and maps errors (in `errors`), nothing more; the Python package `alipay_core`
//! re-exports it.

mod asyncio;
mod client;
mod errors;
mod gate;
mod key_source;
mod logging;
mod notification;
mod primitives;
mod qr;
mod reconcile;
mod runtime;
mod upload;
mod values;
mod workflows;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    logging::forward_to_python_logging()?;
    errors::register(m)?;
    m.add_class::<primitives::ResponseNode>()?;
    m.add_class::<notification::VerifiedNotification>()?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<workflows::NativeWorkflows>()?;
    m.add_class::<workflows::NativePaymentHandle>()?;
    m.add_function(wrap_pyfunction!(errors::_exception_from_info, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::build_sign_content, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::sign_params, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::verify_response, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::verify_notify, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::cert_sn, m)?)?;
    m.add_function(wrap_pyfunction!(primitives::root_cert_sn, m)?)?;
    m.add_function(wrap_pyfunction!(qr::qr_svg, m)?)?;
    m.add_function(wrap_pyfunction!(qr::qr_png, m)?)?;
    m.add_function(wrap_pyfunction!(reconcile::read_orders_csv, m)?)?;
    m.add_function(wrap_pyfunction!(reconcile::read_orders_json, m)?)?;
    m.add_function(wrap_pyfunction!(reconcile::reconciliation_csv, m)?)?;
    // Before the interpreter finalizes, the runtime's threads stop calling into Python and stop.
    m.py().import("atexit")?.call_method1("register", (wrap_pyfunction!(runtime::shutdown, m)?,))?;
    Ok(())
}
