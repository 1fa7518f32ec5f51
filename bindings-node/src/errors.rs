//! The core's errors as JS errors: the message is [`ERROR_PREFIX`] and the `ErrorInfo` record as JSON.

use alipay_core::Error;
use alipay_core::error::ErrorInfo;
use alipay_core::notify::OrderMismatch;
use serde::Serialize;
use serde_json::Value;

/// What starts the message of every error this addon throws; the rest is the `ErrorInfo` JSON.
pub(crate) const ERROR_PREFIX: &str = "alipay-core:";

/// The JS error for a core error.
pub(crate) fn to_js(e: &Error) -> napi::Error {
    record(serde_json::to_value(ErrorInfo::from(e)).unwrap_or(Value::Null))
}

/// `to_js` for anything that converts into a core error.
pub(crate) fn js(e: impl Into<Error>) -> napi::Error {
    to_js(&e.into())
}

/// The JS error for a notification that does not match the merchant's order: the `InvalidInput`
/// record, with what was `expected` and what came (`actual`), so that it becomes an `OrderMismatch`.
pub(crate) fn order_mismatch(m: OrderMismatch) -> napi::Error {
    let (expected, actual) = (m.expected.clone(), m.actual.clone());
    let mut info = serde_json::to_value(ErrorInfo::from(&Error::from(m))).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut info {
        fields.insert("expected".into(), expected.into());
        fields.insert("actual".into(), actual.into());
    }
    record(info)
}

fn record(info: Value) -> napi::Error {
    napi::Error::from_reason(format!("{ERROR_PREFIX}{info}"))
}

/// One of the core's serializable models as a JS value.
pub(crate) fn to_value(model: &impl Serialize) -> napi::Result<Value> {
    serde_json::to_value(model).map_err(|e| to_js(&Error::Internal(e.to_string())))
}

/// The error record of a problem `lib/` finds before anything reaches the core, made by the core so
/// that its shape and message are the core's: `invalid_input` (an argument; `name` is the field),
/// `config` (a client setting; `name` is the setting) or `internal` (a contained panic, `reason` its
/// message).
#[napi_derive::napi(catch_unwind)]
pub fn error_record(error_type: String, name: String, reason: String) -> Value {
    use alipay_core::client::ClientSettings;
    use alipay_core::error::{ConfigError, InvalidInput};
    let error = match error_type.as_str() {
        "invalid_input" => InvalidInput::new(name, reason).into(),
        "config" => match ClientSettings::KEYS.iter().find(|key| **key == name) {
            Some(name) => ConfigError::Invalid { name, reason }.into(),
            None => Error::Internal(format!("no client setting `{name}`: {reason}")),
        },
        _ => Error::Internal(reason),
    };
    serde_json::to_value(ErrorInfo::from(&error)).unwrap_or(Value::Null)
}
