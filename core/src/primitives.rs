//! The primitives, string in and string out, identical in every language binding: for users debugging
//! signature problems and for cross-language conformance tests.
//!
//! Keys are given as text (PEM or bare base64) and parsed on each call; a long-lived [`crate::Client`]
//! parses them once.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::charset::Charset;
use crate::crypto::SignType;
use crate::error::Error;
use crate::keys::{KeyRole, PrivateKey, PublicKey};
use crate::notify::{self, NotifyRule};
use crate::response::{self, ResponseNode};

pub use crate::sign::build_sign_content;

/// Signs `params` under the request rule and returns the base64 `sign`.
///
/// `sign_type` is `RSA2` or `RSA`; `charset` is `utf-8` or `GBK`.
///
/// # Errors
/// [`Error::Config`] for a bad key, [`Error::InvalidInput`] for an unknown sign type or charset.
pub fn sign_params(
    params: &BTreeMap<String, String>,
    private_key: &str,
    sign_type: &str,
    charset: &str,
) -> Result<String, Error> {
    let key = PrivateKey::from_text(private_key).map_err(|e| e.with_role(KeyRole::AppPrivateKey))?;
    crate::sign::sign_params(params, &key, sign_type.parse()?, charset.parse()?)
}

/// Verifies a raw gateway answer to `method` and returns its node: `raw` is the verified JSON text,
/// `signed` is `false` only for an unsigned error node.
///
/// # Errors
/// As [`crate::response::verify_response`], plus [`Error::Config`] for a bad key.
pub fn verify_response(
    raw_body: &[u8],
    method: &str,
    alipay_public_key: &str,
    sign_type: &str,
    charset: &str,
) -> Result<ResponseNode, Error> {
    let key = PublicKey::from_text(alipay_public_key).map_err(|e| e.with_role(KeyRole::AlipayPublicKey))?;
    let sign_type: SignType = sign_type.parse()?;
    let charset: Charset = charset.parse()?;
    response::verify_response(raw_body, method, &key, sign_type, charset)
}

/// A notification as it arrives: the raw form body, or pairs a framework already decoded. Every
/// binding hands its web framework's notification over as one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifyInput<'a> {
    /// The raw `application/x-www-form-urlencoded` body, decoded here exactly once (in the charset
    /// it names).
    RawBody(Cow<'a, [u8]>),
    /// Already-decoded pairs.
    Params(BTreeMap<String, String>),
}

impl NotifyInput<'_> {
    /// The notification's pairs: the body decoded, or the pairs as given.
    ///
    /// # Errors
    /// [`Error::Decode`] for a body that is not a form in a charset Alipay uses.
    pub fn into_params(self) -> Result<BTreeMap<String, String>, Error> {
        match self {
            NotifyInput::RawBody(body) => Ok(notify::parse_form_body(&body)?),
            NotifyInput::Params(params) => Ok(params),
        }
    }
}

/// Verifies a notification under `rule` with `sign_type` (`RSA2` or `RSA`: the one you configured,
/// never the notification's own) and returns the pairs its signature covers.
///
/// # Errors
/// As [`crate::notify::verify_notify_body`], plus [`Error::Config`] for a bad key and
/// [`Error::InvalidInput`] for an unknown sign type.
pub fn verify_notify(
    input: NotifyInput<'_>,
    alipay_public_key: &str,
    rule: NotifyRule,
    sign_type: &str,
) -> Result<BTreeMap<String, String>, Error> {
    let sign_type: SignType = sign_type.parse()?;
    let key = PublicKey::from_text(alipay_public_key).map_err(|e| e.with_role(KeyRole::AlipayPublicKey))?;
    let verified = match input {
        NotifyInput::RawBody(body) => notify::verify_notify_body(&body, &key, rule, sign_type)?,
        NotifyInput::Params(params) => notify::verify_notify_params(params, &key, rule, sign_type)?,
    };
    Ok(verified.into_params())
}
