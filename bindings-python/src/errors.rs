//! The one place core errors become Python exceptions.
//!
//! ```text
//! AlipayError            .kind: "config" | "invalid_input" | "signature" | "rejected" | "outcome_unknown"
//! ├── ConfigError                | "not_sent" | "decode" | "journal" | "internal"
//! ├── InvalidInput       .field
//! │   └── OrderMismatch  .expected .actual   (a verified notification is not for your order)
//! ├── SignatureError
//! ├── GatewayError       .method .code .msg .sub_code .sub_msg .verified .http_status .links
//! ├── TransportError     .outcome_unknown
//! ├── DecodeError        .verified_node
//! └── JournalError
//! ```

use alipay_core::error::{ErrorInfo, ErrorType, InvalidInput as CoreInvalidInput};
use alipay_core::notify::OrderMismatch as CoreOrderMismatch;
use alipay_core::{Error, ErrorKind};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::values::json_to_py;

create_exception!(alipay_core, AlipayError, PyException, "Every error alipay_core raises.");
create_exception!(alipay_core, ConfigError, AlipayError, "The configuration or a key is wrong: retrying cannot help.");
create_exception!(alipay_core, InvalidInput, AlipayError, "An argument can never be sent; `field` names it.");
create_exception!(
    alipay_core,
    OrderMismatch,
    InvalidInput,
    "A verified notification does not match your order (`field`, `expected`, `actual`): do not act on it."
);
create_exception!(alipay_core, SignatureError, AlipayError, "A signature did not verify: never believe the answer.");
create_exception!(alipay_core, GatewayError, AlipayError, "Alipay answered with an error code.");
create_exception!(alipay_core, TransportError, AlipayError, "The HTTP exchange failed; see `outcome_unknown`.");
create_exception!(
    alipay_core,
    DecodeError,
    AlipayError,
    "A verified answer, notification or bill could not be decoded."
);
create_exception!(alipay_core, JournalError, AlipayError, "The workflow journal could not be read or written.");

/// Converts a core error into the matching Python exception, its fields as attributes.
pub(crate) fn to_py(e: Error) -> PyErr {
    exception(&e)
}

/// The Python exception for a core error that is shared (an outcome's cause).
pub(crate) fn exception(e: &Error) -> PyErr {
    from_info(&ErrorInfo::from(e))
}

/// The exception an error record describes: its class by `error_type`, every field of the record
/// as an attribute (`kind`, `message`, `code`, `sub_code`, `field`, …; `None` where it has none).
pub(crate) fn from_info(info: &ErrorInfo) -> PyErr {
    Python::attach(|py| {
        let message = info.message.clone();
        let err = match info.error_type {
            ErrorType::Config => ConfigError::new_err(message),
            ErrorType::InvalidInput => InvalidInput::new_err(message),
            ErrorType::Signature => SignatureError::new_err(message),
            ErrorType::Gateway => GatewayError::new_err(message),
            ErrorType::Transport => TransportError::new_err(message),
            ErrorType::Decode => DecodeError::new_err(message),
            ErrorType::Journal => JournalError::new_err(message),
            _ => AlipayError::new_err(message),
        };
        // Attribute setting on a fresh exception object cannot fail short of memory exhaustion; a
        // failure there must not hide the original error, so it is ignored.
        let _ = set_fields(py, &err, info);
        err
    })
}

/// `_exception_from_info(record)`: the exception a core error record (a dict, as in an outcome's
/// `error`) describes. Used by `alipay_core._model`.
#[pyfunction]
pub(crate) fn _exception_from_info(py: Python<'_>, record: &Bound<'_, PyDict>) -> PyResult<Py<PyAny>> {
    let info: ErrorInfo = serde_json::from_value(crate::values::fields_to_json(record)?)
        .map_err(|e| to_py(CoreInvalidInput::new("record", format!("is not an error record: {e}")).into()))?;
    Ok(from_info(&info).into_value(py).into_any())
}

/// The exception for a notification that does not match the merchant's order: an `InvalidInput`
/// (as the core classifies it) that also says what was expected and what came.
pub(crate) fn order_mismatch(m: &CoreOrderMismatch) -> PyErr {
    let e = Error::from(m.clone());
    Python::attach(|py| {
        let err = OrderMismatch::new_err(e.to_string());
        let _ = set_fields(py, &err, &ErrorInfo::from(&e)).and_then(|()| {
            err.value(py).setattr("expected", &m.expected)?;
            err.value(py).setattr("actual", m.actual.as_deref())
        });
        err
    })
}

/// The error for a blocking call made on one of the runtime's own threads (from an `on_event`
/// callback): tokio cannot wait there, and waiting would stall the workflows the call needs. A
/// `ConfigError` (kind `config`): the program is arranged wrongly, and retrying cannot help.
pub(crate) fn blocking_on_runtime_thread() -> PyErr {
    let mut info = ErrorInfo::from(&Error::Internal(String::new()));
    (info.kind, info.error_type) = (ErrorKind::Config, ErrorType::Config);
    info.message = "a blocking alipay_core call was made on a thread of alipay_core's own runtime (on_event \
                    callbacks run there), where it cannot wait: use the async API (AsyncClient, AsyncWorkflows), \
                    or hand the work to another thread (a queue.Queue, a concurrent.futures executor)"
        .into();
    from_info(&info)
}

fn set_fields(py: Python<'_>, err: &PyErr, info: &ErrorInfo) -> PyResult<()> {
    let value = err.value(py);
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(info) else { return Ok(()) };
    for (name, field) in &fields {
        if name != "message" {
            value.setattr(name.as_str(), json_to_py(py, field)?)?;
        }
    }
    Ok(())
}

/// Adds the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("AlipayError", py.get_type::<AlipayError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("InvalidInput", py.get_type::<InvalidInput>())?;
    m.add("OrderMismatch", py.get_type::<OrderMismatch>())?;
    m.add("SignatureError", py.get_type::<SignatureError>())?;
    m.add("GatewayError", py.get_type::<GatewayError>())?;
    m.add("TransportError", py.get_type::<TransportError>())?;
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add("JournalError", py.get_type::<JournalError>())?;
    Ok(())
}
