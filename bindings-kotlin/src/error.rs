//! The one exception of the binding: a sealed hierarchy (`AlipayException.Gateway`, …) whose variants
//! carry the core's error record (`ErrorInfo`) as fields, mapped here from every core error.

use alipay_core::error::{ErrorInfo, ErrorType};
use alipay_core::{Error, ErrorKind};

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
                    _ => AlipayException::Internal {
                        detail: message, kind, outcome_unknown, field, method, code, msg, sub_code, sub_msg,
                        verified, http_status, trace_id,
                    },
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

impl From<alipay_core::error::InvalidInput> for AlipayException {
    fn from(e: alipay_core::error::InvalidInput) -> Self {
        Error::from(e).into()
    }
}

impl From<alipay_core::notify::OrderMismatch> for AlipayException {
    fn from(m: alipay_core::notify::OrderMismatch) -> Self {
        Error::from(m).into()
    }
}

/// The result of every fallible export.
pub type Result<T> = std::result::Result<T, AlipayException>;

/// A panic inside an export, as the exception it becomes.
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send>) -> AlipayException {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    Error::Internal(format!("alipay-core panicked (a bug; please report it): {text}")).into()
}

/// `fut`, its panic turned into [`AlipayException::Internal`].
pub(crate) async fn guarded<T>(fut: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(fut).catch_unwind().await.unwrap_or_else(|p| Err(panicked(p)))
}

/// `f`, its panic turned into [`AlipayException::Internal`].
pub(crate) fn guarded_sync<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| Err(panicked(p)))
}
