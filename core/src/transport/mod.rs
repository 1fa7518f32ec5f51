//! All HTTP goes through one [`Transport`]: reqwest by default, an in-process gateway in tests, or
//! anything a user plugs in (a corporate proxy client, a recorder).

#[cfg(feature = "reqwest")]
mod reqwest_transport;

#[cfg(feature = "reqwest")]
pub use reqwest_transport::ReqwestTransport;

use std::fmt;
use std::time::Duration;

use crate::error::TransportError;
/// A boxed, sendable future (what [`Transport::send`] returns); defined in [`crate::future`].
pub use crate::future::BoxFuture;

/// The HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET (bill downloads).
    Get,
    /// POST (every gateway call).
    Post,
}

impl HttpMethod {
    /// `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

impl std::str::FromStr for HttpMethod {
    type Err = crate::error::InvalidInput;

    /// `GET` or `POST` (either case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Ok(HttpMethod::Get),
            "POST" => Ok(HttpMethod::Post),
            _ => Err(crate::error::InvalidInput::new("http_method", format!("{s:?} is not GET or POST"))),
        }
    }
}

/// A request, fully built: the transport sends it as-is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: HttpMethod,
    /// The absolute URL, query included.
    pub url: String,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body (empty for GET).
    pub body: Vec<u8>,
    /// The most bytes the answer's body may have (`None`: no limit). A transport must refuse a longer
    /// body with [`TransportError::body_too_large`] — never truncate it — and should stop reading as
    /// soon as the limit is passed, so that nothing beyond it is held in memory. API calls set it to
    /// [`MAX_ANSWER_BYTES`], bill downloads to [`MAX_BILL_DOWNLOAD_BYTES`](crate::bill::MAX_BILL_DOWNLOAD_BYTES).
    pub max_body_bytes: Option<u64>,
}

impl HttpRequest {
    /// Fails with [`TransportError::body_too_large`] when `len` bytes of body pass
    /// [`HttpRequest::max_body_bytes`] — for transports to call as the body arrives.
    ///
    /// # Errors
    /// [`TransportError`] of kind [`BodyTooLarge`](crate::error::TransportErrorKind::BodyTooLarge).
    pub fn check_body_len(&self, len: u64) -> Result<(), TransportError> {
        match self.max_body_bytes {
            Some(limit) if len > limit => Err(TransportError::body_too_large(limit)),
            _ => Ok(()),
        }
    }
}

/// The most bytes an answer to an API call may have: real answers are a few kilobytes (a query with
/// a long `fund_bill_list` stays far below 1 MiB). A longer one is refused while it is read, so a
/// hostile gateway or proxy cannot make the client hold an endless body.
pub const MAX_ANSWER_BYTES: u64 = 8 * 1024 * 1024;

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// Response headers (names lowercase).
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends HTTP requests. Implementations must be cheap to share across tasks.
///
/// Report failures honestly: [`TransportError::not_sent`] only when no byte of the request can have
/// reached the server, [`TransportError::outcome_unknown`] otherwise — the client relies on it to tell
/// callers whether a payment may have happened.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends one request.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// Settings for the default transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportSettings {
    /// Time allowed to establish a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, connect included.
    pub request_timeout: Duration,
    /// An HTTP(S) proxy URL, e.g. `http://proxy.internal:3128`.
    pub proxy: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for TransportSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            proxy: None,
            user_agent: concat!("alipay-core/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}
