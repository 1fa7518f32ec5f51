//! One error type for every fallible call, and a small [`ErrorKind`] that tells the caller what to do next.
//!
//! The detailed [`Error`] keeps everything a developer needs to debug (the gateway's `code`, `msg`,
//! `sub_code`, `sub_msg`; whether a request may have reached Alipay), while [`ErrorKind`] is the stable,
//! coarse classification a program branches on. Errors never carry private keys or whole response bodies
//! in their `Display` text.

use std::fmt;

use crate::keys::KeyError;

mod info;

pub use info::{ErrorInfo, ErrorType};

/// Everything that can go wrong in alipay-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client or a key is configured wrongly: fix the configuration, retrying will not help.
    #[error("configuration error: {0}")]
    Config(#[from] ConfigError),
    /// A signature could not be made or did not verify. A response that fails verification is never
    /// believed: it may be forged, or the configured Alipay public key may be wrong.
    #[error("signature error: {0}")]
    Signature(#[from] SignatureError),
    /// Alipay answered (verified, or an unsigned error) with a non-success `code`.
    #[error("{0}")]
    Gateway(Box<GatewayError>),
    /// The HTTP exchange failed. [`TransportError::outcome_unknown`] says whether Alipay may have
    /// acted on the request anyway.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// A verified response, a notification or a bill could not be decoded.
    #[error("{0}")]
    Decode(#[from] DecodeError),
    /// The caller passed a value that can never be sent (an amount out of range, a missing field).
    #[error("invalid input: {0}")]
    InvalidInput(#[from] InvalidInput),
    /// The workflow journal could not be read or written. A workflow that fails to record its intent
    /// sends nothing.
    #[error("journal error: {0}")]
    Journal(#[from] crate::journal::JournalError),
    /// A bug in alipay-core (a workflow task panicked). Nothing is hidden: the journal still holds the
    /// workflow, and [`crate::workflow::Workflows::recover`] drives it to its end.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What the caller should do about an [`Error`]. Stable across releases; bindings expose it as-is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// Fix the configuration (keys, app id, gateway). Retrying the same call cannot succeed.
    Config,
    /// Fix the arguments of the call.
    InvalidInput,
    /// A signature did not verify (or none was present on a success), or an error came unsigned. Do not
    /// trust the answer; establish the truth with a verified query, and check the Alipay public key.
    Signature,
    /// Alipay definitely refused the request, in a verified answer (`40004` business failure and
    /// friends): it had no effect.
    Rejected,
    /// Alipay may or may not have applied the request (`20000`, a timeout after sending, a 5xx):
    /// query before acting again, and never reuse the request with different content.
    OutcomeUnknown,
    /// The request never reached Alipay (connection refused, DNS failure): safe to retry as-is.
    NotSent,
    /// A verified answer could not be decoded into the expected shape.
    Decode,
    /// The workflow journal failed (disk full, permissions, a corrupt file): fix the storage.
    Journal,
    /// A bug in alipay-core; please report it.
    Internal,
}

impl ErrorKind {
    /// The stable snake_case name every binding uses: `config`, `invalid_input`, `signature`,
    /// `rejected`, `outcome_unknown`, `not_sent`, `decode`, `journal`, `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Signature => "signature",
            ErrorKind::Rejected => "rejected",
            ErrorKind::OutcomeUnknown => "outcome_unknown",
            ErrorKind::NotSent => "not_sent",
            ErrorKind::Decode => "decode",
            ErrorKind::Journal => "journal",
            ErrorKind::Internal => "internal",
        }
    }
}

impl Error {
    /// The coarse classification of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Config(_) => ErrorKind::Config,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Signature(_) => ErrorKind::Signature,
            // An unsigned error is a hint, not proof that nothing happened: anyone on the way can send one.
            Error::Gateway(g) if !g.verified => ErrorKind::Signature,
            Error::Gateway(g) if g.is_outcome_unknown() => ErrorKind::OutcomeUnknown,
            Error::Gateway(_) => ErrorKind::Rejected,
            Error::Transport(t) if t.outcome_unknown => ErrorKind::OutcomeUnknown,
            Error::Transport(_) => ErrorKind::NotSent,
            Error::Decode(_) => ErrorKind::Decode,
            // Another instance runs the workflow: what became of the trade is its to find out.
            Error::Journal(j) if j.is_held_elsewhere() => ErrorKind::OutcomeUnknown,
            Error::Journal(_) => ErrorKind::Journal,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The gateway error, when Alipay answered with a non-success code.
    pub fn as_gateway(&self) -> Option<&GatewayError> {
        match self {
            Error::Gateway(g) => Some(g),
            _ => None,
        }
    }

    /// `true` when Alipay may have applied the request although the call failed.
    pub fn outcome_unknown(&self) -> bool {
        self.kind() == ErrorKind::OutcomeUnknown
    }
}

impl From<GatewayError> for Error {
    fn from(e: GatewayError) -> Self {
        Error::Gateway(Box::new(e))
    }
}

impl From<Box<GatewayError>> for Error {
    fn from(e: Box<GatewayError>) -> Self {
        Error::Gateway(e)
    }
}

impl From<KeyError> for Error {
    fn from(e: KeyError) -> Self {
        Error::Config(ConfigError::Key(e))
    }
}

/// A configuration mistake, named precisely.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A key could not be used; the inner error says which key and why.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The configured Alipay public key is the app's own public key. Users' most common mistake.
    #[error(
        "the configured Alipay public key is the public half of the app private key; \
         use the Alipay public key (支付宝公钥) shown in the open-platform console, not the app public key (应用公钥)"
    )]
    AppPublicKeyAsAlipayPublicKey,
    /// A required setting was not given.
    #[error("missing required setting `{0}`")]
    Missing(&'static str),
    /// A workflow needs a tokio runtime to run in, and none is current.
    #[error("workflows run on tokio: call them from inside a tokio runtime")]
    NoRuntime,
    /// Not one answer from Alipay verified during a workflow, so its outcome cannot be established and
    /// nothing was cancelled blindly. Almost always a wrong Alipay public key (or someone tampering with
    /// the answers). The workflow stays open in the journal: fix the key, then run `recover()`.
    #[error(
        "{workflow}: none of {answers} answers from Alipay verified; check the Alipay public key \
         (the workflow stays open in the journal for recover())"
    )]
    Unverifiable {
        /// The workflow's journal key, e.g. `trade:T1`.
        workflow: String,
        /// How many answers failed verification.
        answers: u32,
    },
    /// Recovery needs the ISV's `app_auth_token` a workflow ran with, which the journal keeps only as a
    /// fingerprint: pass the token to [`crate::workflow::Workflows::recover_with_tokens`].
    #[error(
        "{workflow} ran for a merchant whose app_auth_token ({token_id}) was not given to recovery; pass it to \
         recover_with_tokens (the workflow stays open in the journal)"
    )]
    AppAuthTokenNeeded {
        /// The workflow's journal key.
        workflow: String,
        /// The token's fingerprint, as journaled.
        token_id: String,
    },
    /// A setting has a value that cannot work.
    #[error("invalid setting `{name}`: {reason}")]
    Invalid {
        /// The setting's name.
        name: &'static str,
        /// Why the value cannot work.
        reason: String,
    },
}

/// Why a signature could not be made or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature does not match the signed content under the configured public key.
    #[error("{what}: the signature does not verify with the configured Alipay public key")]
    Mismatch {
        /// What was being verified (a response node name, "notification").
        what: String,
    },
    /// A success answer came without a signature; only error answers may be unsigned.
    #[error("{what}: the answer has no signature, and only error answers may be unsigned")]
    Missing {
        /// What was being verified.
        what: String,
    },
    /// A notification (or return-url parameters) without a `sign`: nothing says it comes from Alipay.
    #[error("{what}: there is no `sign`, so nothing says it comes from Alipay")]
    Unsigned {
        /// What was being verified.
        what: String,
    },
    /// The `sign` value is not valid base64.
    #[error("{what}: the `sign` value is not valid base64")]
    MalformedSign {
        /// What was being verified.
        what: String,
    },
    /// The message says it was signed with another algorithm than the one configured.
    #[error("{what}: signed with {found}, but the client expects {expected}")]
    SignTypeMismatch {
        /// What was being verified.
        what: String,
        /// The configured sign type.
        expected: String,
        /// The sign type the message declares.
        found: String,
    },
    /// An answer or a notification names an Alipay certificate (`alipay_cert_sn`) that could not be
    /// trusted: a rotated certificate that does not chain to the configured root certificate through
    /// CAs, is outside its validity, names another subject than the configured Alipay certificate, or
    /// arrived in a download answer that does not verify — or one that was not downloaded at all. The
    /// answer or notification is not believed; [`TrustError`](crate::cert::TrustError) says why.
    #[error("Alipay certificate {sn} is not trusted: {reason}")]
    UntrustedCertificate {
        /// The certificate's SN.
        sn: String,
        /// Why.
        reason: crate::cert::TrustError,
    },
    /// A v3 answer whose signed `alipay-timestamp` is further from the client's clock than
    /// [`crate::v3::ANSWER_FRESHNESS`]: an old answer replayed (or a clock set wrong). Not believed.
    #[error("{what}: its alipay-timestamp {timestamp} is not within five minutes of this client's clock")]
    Stale {
        /// What was being verified.
        what: String,
        /// The timestamp it carried.
        timestamp: String,
    },
    /// A verified answer that is not the answer to this request: another order's, another refund's, or
    /// another method's node under this method's name (the signature covers neither the
    /// node's name nor the request). Someone between the client and Alipay replayed a genuine answer;
    /// it is not believed.
    #[error("{method}: the verified answer is not this request's own: {reason}")]
    NotBound {
        /// The method called.
        method: String,
        /// What gives it away.
        reason: String,
    },
    /// The private-key operation failed (should not happen with a key that loaded).
    #[error("signing failed: {0}")]
    SigningFailed(String),
}

/// Alipay answered with a `code` other than success (`10000`) or waiting-for-buyer (`10003`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    /// The API method called, e.g. `alipay.trade.pay`.
    pub method: String,
    /// The gateway code, e.g. `40004`.
    pub code: String,
    /// The gateway message, e.g. `Business Failed`.
    pub msg: String,
    /// The business reason, e.g. `ACQ.TRADE_NOT_EXIST`.
    pub sub_code: Option<String>,
    /// The human-readable business reason.
    pub sub_msg: Option<String>,
    /// `false` when the answer carried no signature (allowed for errors only, as Alipay sends
    /// gateway-level errors unsigned). Treat an unverified error as a hint, never as proof of payment state.
    pub verified: bool,
    /// v3 only: the HTTP status of the error answer (v2 answers errors with HTTP 200).
    pub http_status: Option<u16>,
    /// v3 only: the `links` of the error answer — where Alipay documents the problem.
    pub links: Vec<ErrorLink>,
    /// v3 only: Alipay's `alipay-trace-id` of the error answer; quote it in a support request.
    pub trace_id: Option<String>,
}

/// One of the `links` a v3 error answer points to.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
pub struct ErrorLink {
    /// What the link explains.
    pub desc: String,
    /// Where.
    pub url: String,
}

impl GatewayError {
    /// A v2 error: the gateway `code`/`msg` and the business `sub_code`/`sub_msg` of an answer node.
    pub fn v2(
        method: impl Into<String>,
        code: impl Into<String>,
        msg: impl Into<String>,
        sub_code: Option<String>,
        sub_msg: Option<String>,
        verified: bool,
    ) -> Self {
        Self {
            method: method.into(),
            code: code.into(),
            msg: msg.into(),
            sub_code,
            sub_msg,
            verified,
            http_status: None,
            links: Vec::new(),
            trace_id: None,
        }
    }

    /// `true` for `20000` (system error / unknown), a `*SYSTEM_ERROR` reason or, in v3, an HTTP 5xx:
    /// Alipay may have applied the request.
    pub fn is_outcome_unknown(&self) -> bool {
        self.code == "20000"
            || self.sub_code.as_deref().is_some_and(|s| s.ends_with("SYSTEM_ERROR"))
            || self.http_status.is_some_and(|s| s >= 500)
    }
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {} {}", self.method, self.code, self.msg)?;
        if let Some(sub) = &self.sub_code {
            write!(f, " ({sub}")?;
            if let Some(m) = &self.sub_msg {
                write!(f, ": {m}")?;
            }
            write!(f, ")")?;
        }
        if !self.verified {
            write!(f, " [unsigned]")?;
        }
        Ok(())
    }
}

impl std::error::Error for GatewayError {}

/// The HTTP exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HTTP transport failed ({kind}): {message}{}", if *.outcome_unknown { " — the request may have reached Alipay, outcome unknown" } else { " — the request did not reach Alipay" })]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// `true` when the request may have reached Alipay (a timeout after sending, a dropped connection,
    /// a 5xx): the outcome is unknown and must be established by a query.
    pub outcome_unknown: bool,
    /// A short description (no bodies, no secrets).
    pub message: String,
}

impl TransportError {
    /// A failure before any byte reached the server (connect refused, DNS, TLS handshake).
    pub fn not_sent(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self { kind, outcome_unknown: false, message: message.into() }
    }

    /// A failure after the request may have been delivered.
    pub fn outcome_unknown(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self { kind, outcome_unknown: true, message: message.into() }
    }

    /// The answer's body is longer than the request's
    /// [`max_body_bytes`](crate::transport::HttpRequest::max_body_bytes) allows. The request was
    /// delivered, so its outcome counts as unknown (for a bill download that changes nothing).
    pub fn body_too_large(limit: u64) -> Self {
        Self::outcome_unknown(
            TransportErrorKind::BodyTooLarge { limit },
            format!("the answer's body is longer than the limit of {limit} bytes; it was not read further"),
        )
    }
}

/// The kind of an HTTP failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect (refused, DNS, TLS).
    Connect,
    /// The connect or request timeout elapsed.
    Timeout,
    /// The server answered with a non-2xx HTTP status.
    Status(u16),
    /// The connection broke while sending or receiving.
    Io,
    /// The answer's body is longer than the request allows
    /// ([`max_body_bytes`](crate::transport::HttpRequest::max_body_bytes)); it was refused, not truncated.
    BodyTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Anything else (a malformed URL, a proxy error).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportErrorKind::Connect => f.write_str("connect"),
            TransportErrorKind::Timeout => f.write_str("timeout"),
            TransportErrorKind::Status(s) => write!(f, "HTTP {s}"),
            TransportErrorKind::Io => f.write_str("connection"),
            TransportErrorKind::BodyTooLarge { limit } => write!(f, "body over {limit} bytes"),
            TransportErrorKind::Other => f.write_str("other"),
        }
    }
}

/// Something could not be decoded: a response, a notification, a bill.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("decode error: {message}")]
pub struct DecodeError {
    /// What could not be decoded, and why.
    pub message: String,
    /// When the undecodable thing was a *verified* response node, its raw JSON text, so nothing a
    /// verified answer said is lost (a paid trade whose answer has an unexpected shape is still paid).
    pub verified_node: Option<String>,
}

impl DecodeError {
    /// A decode error with a message only.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), verified_node: None }
    }
}

/// An argument that can never be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}`: {reason}")]
pub struct InvalidInput {
    /// The offending field or parameter.
    pub field: String,
    /// Why it is invalid.
    pub reason: String,
}

impl InvalidInput {
    /// An invalid-input error for `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }
}

/// The result type of alipay-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
