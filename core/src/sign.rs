//! The v2 sign content and request signatures (Alipay's 自行实现签名 doc).
//!
//! Sign content: every parameter that is sent except `sign`, pairs with an empty or whitespace-only value
//! dropped (they are not sent either — we sign exactly what is sent), sorted by key in byte order, joined
//! as `key=value` with `&`. Values are raw: not URL-encoded, `biz_content` is the exact JSON text sent.
//! The bytes hashed are that string in the request charset.

use std::collections::BTreeMap;

use crate::charset::Charset;
use crate::crypto::SignType;
use crate::error::{Error, SignatureError};
use crate::keys::PrivateKey;

/// `true` for a value that is neither signed nor sent: empty, or Java whitespace only — the official
/// Java SDK's `StringUtils.isEmpty` rule (Alipay's 自行实现签名 doc), so a request is signed over exactly what the
/// Java SDK would sign. Rust's own notion of whitespace differs: see [`is_java_whitespace`].
pub fn is_blank(value: &str) -> bool {
    value.chars().all(is_java_whitespace)
}

/// Java's `Character.isWhitespace`: the Unicode space, line and paragraph separators except the
/// no-break ones (U+00A0, U+2007, U+202F), and U+0009–U+000D and U+001C–U+001F. Unlike Rust's
/// `char::is_whitespace` it does not count U+0085, and it does count the four information separators.
pub fn is_java_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | '\u{1C}'..='\u{20}'
            | '\u{1680}'
            | '\u{2000}'..='\u{2006}'
            | '\u{2008}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// Builds the sign content of `params` under the request rule: everything except `sign`.
///
/// ```
/// use std::collections::BTreeMap;
/// let params = BTreeMap::from([
///     ("method".to_string(), "alipay.trade.query".to_string()),
///     ("app_id".to_string(), "2021000122671080".to_string()),
///     ("app_auth_token".to_string(), " ".to_string()),
///     ("sign".to_string(), "ignored".to_string()),
/// ]);
/// assert_eq!(alipay_core::sign::build_sign_content(&params), "app_id=2021000122671080&method=alipay.trade.query");
/// ```
pub fn build_sign_content<K: AsRef<str>, V: AsRef<str>>(params: &BTreeMap<K, V>) -> String {
    sign_content_excluding(params.iter().map(|(k, v)| (k.as_ref(), v.as_ref())), &["sign"])
}

/// Builds a sign content from `pairs` (in any order), leaving out the keys in `excluded` and blank values.
pub fn sign_content_excluding<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, excluded: &[&str]) -> String {
    let mut kept: Vec<(&str, &str)> =
        pairs.into_iter().filter(|(k, v)| !excluded.contains(k) && !is_blank(k) && !is_blank(v)).collect();
    kept.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = String::with_capacity(kept.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (k, v)) in kept.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Signs `params` (request rule) with `private_key`, hashing the sign content in `charset`.
/// Returns the base64 `sign` value.
///
/// # Errors
/// [`Error::InvalidInput`] when the content cannot be encoded in `charset` (an emoji under GBK);
/// [`Error::Signature`] if the private-key operation fails.
pub fn sign_params<K: AsRef<str>, V: AsRef<str>>(
    params: &BTreeMap<K, V>,
    private_key: &PrivateKey,
    sign_type: SignType,
    charset: Charset,
) -> Result<String, Error> {
    sign_content(&build_sign_content(params), private_key, sign_type, charset)
}

/// Signs an already built sign content.
///
/// # Errors
/// As [`sign_params`].
pub fn sign_content(
    content: &str,
    private_key: &PrivateKey,
    sign_type: SignType,
    charset: Charset,
) -> Result<String, Error> {
    let bytes = charset.encode(content)?;
    private_key.sign(&bytes, sign_type).map_err(|e: SignatureError| e.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(pairs: &[(&str, &str)]) -> String {
        sign_content_excluding(pairs.iter().copied(), &["sign"])
    }

    #[test]
    fn sorts_by_byte_order_not_locale() {
        assert_eq!(content(&[("b", "2"), ("B", "1"), ("a_b", "3"), ("a", "4")]), "B=1&a=4&a_b=3&b=2");
    }

    #[test]
    fn drops_empty_and_whitespace_values_and_sign() {
        assert_eq!(content(&[("a", ""), ("b", "  \t"), ("c", "x"), ("sign", "zzz")]), "c=x");
    }

    #[test]
    fn keeps_values_raw() {
        assert_eq!(content(&[("u", "https://e.com/n?a=1&b=2"), ("s", "a+b c")]), "s=a+b c&u=https://e.com/n?a=1&b=2");
    }
}
