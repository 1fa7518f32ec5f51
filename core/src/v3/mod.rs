//! The v3 protocol (PROTOCOL §8, seed 000): REST paths under `/v3/`, the business JSON as the body, an
//! `Authorization: ALIPAY-SHA256withRSA …` header, and answers signed over
//! `alipay-timestamp\nalipay-nonce\nbody\n`.
//!
//! This module is the protocol's sans-I/O core: what is signed, the header, what a response must verify
//! over. Signatures are always SHA256withRSA (RSA2).

mod sign;

pub use sign::{
    AUTH_SCHEME, AuthString, authorization_header, new_nonce, response_content, string_to_sign, verify_response,
};
