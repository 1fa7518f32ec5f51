//! An error as every language binding shows it: one flat, serializable record, so that Python, Node
//! and Kotlin build their exceptions from the same fields and classify them the same way.

use serde::{Deserialize, Serialize};

use super::{Error, ErrorKind, ErrorLink};

/// Which error it is: the exception class a binding raises (`ConfigError`, `GatewayError`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorType {
    /// [`Error::Config`].
    Config,
    /// [`Error::InvalidInput`].
    InvalidInput,
    /// [`Error::Signature`].
    Signature,
    /// [`Error::Gateway`].
    Gateway,
    /// [`Error::Transport`].
    Transport,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::Journal`].
    Journal,
    /// [`Error::Internal`].
    Internal,
}

/// An [`Error`] as a record: what to do about it (`kind`), what it is (`error_type`), its message,
/// and the fields of the errors that have them (`None` elsewhere). Never holds a secret: it is
/// made of the error's own public fields and its message, which never quote a key or token. A
/// binding that hands an error back to the core (an outcome's cause) passes this record.
///
/// ```
/// use alipay_core::error::{ErrorInfo, ErrorType, InvalidInput};
/// use alipay_core::{Error, ErrorKind};
///
/// let info = ErrorInfo::from(&Error::from(InvalidInput::new("total_amount", "is a float")));
/// assert_eq!((info.kind, info.error_type), (ErrorKind::InvalidInput, ErrorType::InvalidInput));
/// assert_eq!(info.field.as_deref(), Some("total_amount"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct ErrorInfo {
    /// What the caller should do.
    pub kind: ErrorKind,
    /// Which error it is.
    pub error_type: ErrorType,
    /// The whole message.
    pub message: String,
    /// `true` when Alipay may have applied the request although the call failed: query before acting.
    pub outcome_unknown: bool,
    /// Invalid input: the offending field.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub field: Option<String>,
    /// Gateway error: the API method called.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub method: Option<String>,
    /// Gateway error: the gateway code, e.g. `40004`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code: Option<String>,
    /// Gateway error: the gateway message.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub msg: Option<String>,
    /// Gateway error: the business reason, e.g. `ACQ.TRADE_NOT_EXIST`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_code: Option<String>,
    /// Gateway error: the human-readable business reason.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_msg: Option<String>,
    /// Gateway error: `false` when the answer carried no signature (a hint, never proof).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub verified: Option<bool>,
    /// Gateway error, v3: the HTTP status.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub http_status: Option<u16>,
    /// Gateway error, v3: where Alipay documents the problem.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub links: Vec<ErrorLink>,
    /// Gateway error, v3: Alipay's trace id of the answer, for a support request.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trace_id: Option<String>,
    /// Decode error: the verified node that could not be decoded, as its raw JSON text.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub verified_node: Option<String>,
}

impl From<&Error> for ErrorInfo {
    fn from(e: &Error) -> Self {
        let mut info = ErrorInfo {
            kind: e.kind(),
            error_type: ErrorType::Internal,
            message: e.to_string(),
            outcome_unknown: e.outcome_unknown(),
            field: None,
            method: None,
            code: None,
            msg: None,
            sub_code: None,
            sub_msg: None,
            verified: None,
            http_status: None,
            links: Vec::new(),
            trace_id: None,
            verified_node: None,
        };
        info.error_type = match e {
            Error::Config(_) => ErrorType::Config,
            Error::InvalidInput(i) => {
                info.field = Some(i.field.clone());
                ErrorType::InvalidInput
            }
            Error::Signature(_) => ErrorType::Signature,
            Error::Gateway(g) => {
                info.method = Some(g.method.clone());
                info.code = Some(g.code.clone());
                info.msg = Some(g.msg.clone());
                info.sub_code = g.sub_code.clone();
                info.sub_msg = g.sub_msg.clone();
                info.verified = Some(g.verified);
                info.http_status = g.http_status;
                info.links = g.links.clone();
                info.trace_id = g.trace_id.clone();
                ErrorType::Gateway
            }
            Error::Transport(_) => ErrorType::Transport,
            Error::Decode(d) => {
                info.verified_node = d.verified_node.clone();
                ErrorType::Decode
            }
            Error::Journal(_) => ErrorType::Journal,
            Error::Internal(_) => ErrorType::Internal,
        };
        info
    }
}

impl Serialize for Error {
    /// As its [`ErrorInfo`].
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ErrorInfo::from(self).serialize(serializer)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Error {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        ErrorInfo::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ErrorInfo::json_schema(generator)
    }
}
