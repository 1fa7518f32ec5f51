//! The v3 protocol (Alipay's OpenAPI v3 reference): REST paths under `/v3/`, the business JSON as the body, an
//! `Authorization: ALIPAY-SHA256withRSA …` header, and answers signed over
//! `alipay-timestamp\nalipay-nonce\nbody\n`.
//!
//! This module is the protocol's sans-I/O core — where a method lives, what is signed, how an answer
//! reads — used by the client in [`crate::client::Protocol::V3`] mode (and by the offline gateway).
//! Signatures are always SHA256withRSA (RSA2).

mod answer;
mod route;
mod sign;

pub use answer::{gateway_error, success_node};
pub use route::{Route, method_of, query_string, route};
pub use sign::{
    ANSWER_FRESHNESS, AUTH_SCHEME, AuthString, authorization_header, check_fresh, new_nonce, response_content,
    string_to_sign, verify_response,
};

/// Request header: a unique id per request.
pub const HEADER_REQUEST_ID: &str = "alipay-request-id";
/// Request header: the ISV's merchant authorization token (signed as the string-to-sign's last line).
pub const HEADER_APP_AUTH_TOKEN: &str = "alipay-app-auth-token";
/// Request header (certificate mode): the Alipay root certificate SN.
pub const HEADER_ROOT_CERT_SN: &str = "alipay-root-cert-sn";
/// Request header: `AES` when the body is encrypted.
pub const HEADER_ENCRYPT_TYPE: &str = "alipay-encrypt-type";
/// Request header the official Node SDK also sends with an encrypted body.
pub const HEADER_ENCRYPTION_ALGM: &str = "alipay-encryption-algm";
/// Answer header: when Alipay signed the answer.
pub const HEADER_TIMESTAMP: &str = "alipay-timestamp";
/// Answer header: the answer's nonce.
pub const HEADER_NONCE: &str = "alipay-nonce";
/// Answer header: the answer's signature.
pub const HEADER_SIGNATURE: &str = "alipay-signature";
/// Answer header (certificate mode): the SN of the Alipay certificate that signed the answer.
pub const HEADER_ALIPAY_SN: &str = "alipay-sn";
/// Answer header: Alipay's trace id, for support requests.
pub const HEADER_TRACE_ID: &str = "alipay-trace-id";
