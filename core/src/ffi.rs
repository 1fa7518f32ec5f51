//! What the Kotlin and Swift binding (uniffi) needs besides the models, which derive `uniffi::Record` /
//! `uniffi::Enum` next to their serde and schema derives:
//! * the custom types, handed over as their bridge types: money as its decimal text
//!   (`java.math.BigDecimal`, Swift `Decimal`, by `core/uniffi.toml`), JSON objects and values as their
//!   JSON text, paths as text, string maps as maps;
//! * [`AlipayException`], the one exception, made from [`ErrorInfo`]. It is defined here, beside the
//!   custom types, because an amount Kotlin or Swift hands over that is no amount (`1.001`) fails
//!   while it is lifted, before any binding function runs: uniffi reports such a failure as the
//!   function's own error only when it is of that error type.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::error::{ErrorInfo, ErrorType};
use crate::money::{Amount, Money};
use crate::{Error, ErrorKind};

/// The unknown fields an answer keeps (`extra`), as JSON object text over FFI.
pub type JsonObject = Map<String, Value>;
/// A JSON value, as its text over FFI.
pub type JsonValue = Value;
/// A map of texts (extra request parameters, a notification's fields), as a map over FFI.
pub type StringMap = BTreeMap<String, String>;

uniffi::custom_type!(Money, String, {
    lower: |money| money.to_string(),
    try_lift: |text| text.parse::<Money>().map_err(|e| AlipayException::from(Error::from(e)).into()),
});

uniffi::custom_type!(Amount, String, {
    lower: |amount| amount.to_string(),
    try_lift: |text| text.parse::<Amount>().map_err(|e| AlipayException::from(Error::from(e)).into()),
});

uniffi::custom_type!(JsonObject, String, {
    remote,
    lower: |object| Value::Object(object).to_string(),
    // The empty text (a field left at its default in Kotlin or Swift) is the empty object.
    try_lift: |text| match text.trim() {
        "" => Ok(Map::new()),
        text => match serde_json::from_str(text)? {
            Value::Object(object) => Ok(object),
            _ => Err(uniffi::deps::anyhow::anyhow!("not a JSON object: {text}")),
        },
    },
});

uniffi::custom_type!(JsonValue, String, {
    remote,
    lower: |value| value.to_string(),
    // The empty text is `null`.
    try_lift: |text| if text.trim().is_empty() { Ok(Value::Null) } else { Ok(serde_json::from_str(&text)?) },
});

uniffi::custom_type!(PathBuf, String, {
    remote,
    lower: |path| path.to_string_lossy().into_owned(),
    try_lift: |text| Ok(PathBuf::from(text)),
});

uniffi::custom_type!(StringMap, HashMap<String, String>, {
    remote,
    lower: |map| map.into_iter().collect(),
    try_lift: |map| Ok(map.into_iter().collect()),
});

/// Declares the exception with one variant per error type, each with the record's fields.
macro_rules! exception {
    ($($(#[doc = $doc:literal])* $variant:ident = $error_type:ident,)+) => {
        /// Every error alipay-core reports. `kind` says what to do next; the fields are the core's
        /// error record (`detail` is its message).
        #[derive(Debug, Clone, thiserror::Error, uniffi::Error)]
        #[non_exhaustive]
        pub enum AlipayException {
            $(
                $(#[doc = $doc])*
                #[error("{detail}")]
                $variant {
                    /// The whole message.
                    detail: String,
                    /// What the caller should do.
                    kind: ErrorKind,
                    /// `true` when Alipay may have applied the request although the call failed.
                    outcome_unknown: bool,
                    /// Invalid input: the offending field.
                    field: Option<String>,
                    /// Gateway error: the API method called.
                    method: Option<String>,
                    /// Gateway error: the gateway code, e.g. `40004`.
                    code: Option<String>,
                    /// Gateway error: the gateway message.
                    msg: Option<String>,
                    /// Gateway error: the business reason, e.g. `ACQ.TRADE_NOT_EXIST`.
                    sub_code: Option<String>,
                    /// Gateway error: the human-readable business reason.
                    sub_msg: Option<String>,
                    /// Gateway error: `false` when the answer carried no signature (a hint, never proof).
                    verified: Option<bool>,
                    /// Gateway error, v3: the HTTP status.
                    http_status: Option<u16>,
                    /// Gateway error, v3: Alipay's trace id, for a support request.
                    trace_id: Option<String>,
                },
            )+
        }

        impl From<ErrorInfo> for AlipayException {
            fn from(info: ErrorInfo) -> Self {
                let ErrorInfo {
                    kind, error_type, message, outcome_unknown, field, method, code, msg, sub_code, sub_msg,
                    verified, http_status, trace_id, ..
                } = info;
                match error_type {
                    $(ErrorType::$error_type => AlipayException::$variant {
                        detail: message, kind, outcome_unknown, field, method, code, msg, sub_code, sub_msg,
                        verified, http_status, trace_id,
                    },)+
                }
            }
        }
    };
}

exception! {
    /// The configuration or a key is wrong: retrying cannot help.
    Config = Config,
    /// An argument can never be sent; `field` names it.
    InvalidInput = InvalidInput,
    /// A signature did not verify: never believe the answer.
    Signature = Signature,
    /// Alipay answered with an error code (`code`, `subCode`, `subMsg`).
    Gateway = Gateway,
    /// The HTTP exchange failed; `outcomeUnknown` says whether Alipay may have acted anyway.
    Transport = Transport,
    /// A verified answer, notification or bill could not be decoded.
    Decode = Decode,
    /// The workflow journal could not be read or written.
    Journal = Journal,
    /// A bug in alipay-core (a panic is reported as this, never across the boundary).
    Internal = Internal,
}

impl From<Error> for AlipayException {
    fn from(e: Error) -> Self {
        ErrorInfo::from(&e).into()
    }
}

impl From<crate::error::InvalidInput> for AlipayException {
    fn from(e: crate::error::InvalidInput) -> Self {
        Error::from(e).into()
    }
}

impl From<crate::notify::OrderMismatch> for AlipayException {
    fn from(m: crate::notify::OrderMismatch) -> Self {
        Error::from(m).into()
    }
}
