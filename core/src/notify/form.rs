//! Decoding an `application/x-www-form-urlencoded` notification body exactly once, in its own charset.

use std::collections::BTreeMap;

use percent_encoding::percent_decode;

use crate::charset::Charset;
use crate::error::DecodeError;

/// Decodes a form body into pairs: `+` is a space, `%XX` a byte, and the bytes of every key and value are
/// decoded in the body's `charset` field (UTF-8 when absent). Decoding happens once — a `%2B` stays a `+`.
///
/// # Errors
/// [`DecodeError`] for an empty body, a key given twice, an unknown charset, or bytes invalid in it.
pub fn parse_form_body(raw: &[u8]) -> Result<BTreeMap<String, String>, DecodeError> {
    let raw = trim_ascii(raw);
    if raw.is_empty() {
        return Err(DecodeError::new("the notification body is empty"));
    }
    let mut byte_pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for part in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match part.iter().position(|&b| b == b'=') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &[][..]),
        };
        byte_pairs.push((form_unescape(k), form_unescape(v)));
    }
    let charset = match byte_pairs.iter().find(|(k, _)| k == b"charset") {
        Some((_, v)) => std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse::<Charset>().ok())
            .ok_or_else(|| DecodeError::new("the notification's `charset` is not utf-8 or GBK"))?,
        None => Charset::Utf8,
    };
    let mut pairs = BTreeMap::new();
    for (k, v) in byte_pairs {
        let key = charset.decode(&k, "a notification key")?.into_owned();
        let value = charset.decode(&v, &format!("the notification field `{key}`"))?.into_owned();
        if pairs.insert(key.clone(), value).is_some() {
            return Err(DecodeError::new(format!("the notification field `{key}` appears twice")));
        }
    }
    Ok(pairs)
}

fn form_unescape(part: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = part.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
    percent_decode(&spaced).collect()
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &b[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_once_plus_is_space_and_percent_2b_is_plus() {
        let p = parse_form_body(b"sign=a%2Bb%2F%3D&subject=a+b%26c&empty=&flag").expect("parses");
        assert_eq!(p["sign"], "a+b/=");
        assert_eq!(p["subject"], "a b&c");
        assert_eq!(p["empty"], "");
        assert_eq!(p["flag"], "");
    }

    #[test]
    fn gbk_bodies_are_decoded_in_gbk() {
        // 测试 in GBK is B2 E2 CA D4.
        let p = parse_form_body(b"charset=GBK&subject=%B2%E2%CA%D4").expect("parses");
        assert_eq!(p["subject"], "测试");
    }

    #[test]
    fn refuses_duplicates_bad_bytes_and_empty_bodies() {
        assert!(parse_form_body(b"a=1&a=2").is_err());
        assert!(parse_form_body(b"charset=utf-8&subject=%B2%E2").is_err());
        assert!(parse_form_body(b"  ").is_err());
        assert!(parse_form_body(b"charset=latin1&a=1").is_err());
    }
}
