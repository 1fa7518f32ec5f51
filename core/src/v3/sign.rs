//! v3 request signing and response verification.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::crypto::SignType;
use crate::error::{Error, SignatureError};
use crate::keys::{PrivateKey, PublicKey};

/// The `Authorization` scheme.
pub const AUTH_SCHEME: &str = "ALIPAY-SHA256withRSA";

/// The signed half of the `Authorization` header:
/// `app_id=…[,app_cert_sn=…],nonce=…,timestamp=<epoch ms>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthString(String);

impl AuthString {
    /// Builds it. `app_cert_sn` only in certificate mode.
    pub fn new(app_id: &str, app_cert_sn: Option<&str>, nonce: &str, timestamp_ms: u64) -> Self {
        let cert = app_cert_sn.map(|sn| format!(",app_cert_sn={sn}")).unwrap_or_default();
        AuthString(format!("app_id={app_id}{cert},nonce={nonce},timestamp={timestamp_ms}"))
    }

    /// The auth string exactly as a received `Authorization` header carries it (everything between
    /// the scheme and `,sign=`), for a gateway checking the signature.
    pub fn received(text: &str) -> Self {
        AuthString(text.to_string())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a v3 request signs: `authString\nMETHOD\nrequestUri\nbody\n`, then `appAuthToken\n` when the
/// request carries one. `request_uri` is the path plus the query exactly as sent; `body` is the HTTP body
/// as sent (the ciphertext when encrypted; empty for a GET).
pub fn string_to_sign(
    auth: &AuthString,
    http_method: &str,
    request_uri: &str,
    body: &str,
    app_auth_token: Option<&str>,
) -> String {
    let mut s = format!("{}\n{http_method}\n{request_uri}\n{body}\n", auth.as_str());
    if let Some(token) = app_auth_token {
        s.push_str(token);
        s.push('\n');
    }
    s
}

/// The `Authorization` header value for a signed request.
///
/// # Errors
/// [`Error::Signature`] if the private key cannot sign.
pub fn authorization_header(
    auth: &AuthString,
    app_private_key: &PrivateKey,
    string_to_sign: &str,
) -> Result<String, Error> {
    let sign = app_private_key.sign(string_to_sign.as_bytes(), SignType::Rsa2)?;
    Ok(format!("{AUTH_SCHEME} {},sign={sign}", auth.as_str()))
}

/// What a v3 answer is signed over: `alipay-timestamp\nalipay-nonce\n<raw body>\n`.
pub fn response_content(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    for part in [timestamp.as_bytes(), b"\n", nonce.as_bytes(), b"\n", body, b"\n"] {
        content.extend_from_slice(part);
    }
    content
}

/// Verifies a v3 answer's `alipay-signature` over its timestamp, nonce and raw body.
///
/// # Errors
/// [`SignatureError::Missing`] when the signature header is absent, [`SignatureError::MalformedSign`],
/// or [`SignatureError::Mismatch`].
pub fn verify_response(
    timestamp: Option<&str>,
    nonce: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    alipay_public_key: &PublicKey,
) -> Result<(), SignatureError> {
    const WHAT: &str = "v3 answer";
    let (Some(timestamp), Some(nonce), Some(signature)) = (timestamp, nonce, signature) else {
        return Err(SignatureError::Missing { what: WHAT.to_string() });
    };
    alipay_public_key.verify(&response_content(timestamp, nonce, body), signature, SignType::Rsa2, WHAT)
}

/// How far an answer's `alipay-timestamp` may be from the client's clock, either way. The signature
/// covers the timestamp, so an older answer is a replay (or a clock set wrong): it is not believed.
pub const ANSWER_FRESHNESS: Duration = Duration::from_secs(5 * 60);

/// Checks that a verified answer's `alipay-timestamp` (Unix milliseconds) is within
/// [`ANSWER_FRESHNESS`] of `now`.
///
/// # Errors
/// [`SignatureError::Stale`] naming the timestamp; [`SignatureError::Missing`] when there is none.
pub fn check_fresh(timestamp: Option<&str>, now: SystemTime) -> Result<(), SignatureError> {
    const WHAT: &str = "v3 answer";
    let Some(text) = timestamp else { return Err(SignatureError::Missing { what: WHAT.to_string() }) };
    let stale = || SignatureError::Stale { what: WHAT.to_string(), timestamp: text.chars().take(32).collect() };
    let millis: u64 = text.trim().parse().map_err(|_| stale())?;
    let sent = UNIX_EPOCH.checked_add(Duration::from_millis(millis)).ok_or_else(stale)?;
    let apart = now.duration_since(sent).unwrap_or_else(|ahead| ahead.duration());
    if apart > ANSWER_FRESHNESS {
        return Err(stale());
    }
    Ok(())
}

/// A fresh nonce in UUID v4 form, as the official SDKs send.
pub fn new_nonce() -> String {
    let mut b = [0u8; 16];
    crate::random::fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}
