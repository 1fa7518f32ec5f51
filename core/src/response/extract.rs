//! Finding the signed text in a v2 answer (Alipay's 同步返回验签 doc).
//!
//! An answer looks like `{"alipay_trade_pay_response":{…},"alipay_cert_sn":"…","sign":"…"}`. The
//! signature covers the *exact bytes* of the node's value as Alipay sent them — `\/` escapes, spacing
//! and key order included — so the node is located with a JSON tokenizer that returns the raw text of
//! each top-level value (serde_json's `RawValue`), never re-serialized. Strings, escapes and braces inside
//! strings are handled by the tokenizer; a node that appears twice is rejected, since an attacker could
//! otherwise get one copy verified and another one parsed.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::DecodeError;

/// The name of the node that carries gateway-level errors when the method node is absent.
pub const ERROR_RESPONSE: &str = "error_response";

/// The parts of an answer that matter for verification, borrowed from the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The node found: `<method with . → _>_response`, or `error_response`.
    pub node_name: String,
    /// The exact signed text: the node's object from `{` to its matching `}`, or — for an AES-encrypted
    /// answer — the JSON string token *including* its quotes.
    pub signed_text: &'a str,
    /// `true` when the node is a JSON string (an encrypted answer).
    pub encrypted: bool,
    /// The decoded `sign` value, when present.
    pub sign: Option<String>,
    /// The decoded `alipay_cert_sn` value (certificate mode), when present.
    pub alipay_cert_sn: Option<String>,
}

/// The node name of `method`: `alipay.trade.pay` → `alipay_trade_pay_response`.
pub fn response_node_name(method: &str) -> String {
    let mut name = method.replace('.', "_");
    name.push_str("_response");
    name
}

/// Extracts the node of `method` (or the `error_response` fallback) with its exact signed text.
///
/// # Errors
/// [`DecodeError`] when the text is not one JSON object, a top-level key appears twice, neither node is
/// present, or the node is neither an object nor a string.
pub fn extract<'a>(body: &'a str, method: &str) -> Result<Envelope<'a>, DecodeError> {
    let entries = parse_top_level(body)?;
    let node_name = response_node_name(method);
    let chosen = [node_name.as_str(), ERROR_RESPONSE]
        .into_iter()
        .find_map(|name| entries.iter().find(|(k, _)| k == name).map(|(k, v)| (k.to_string(), *v)));
    let Some((node_name_found, raw)) = chosen else {
        return Err(DecodeError::new(format!("the answer has neither `{node_name}` nor `{ERROR_RESPONSE}`")));
    };
    let signed_text = raw.get();
    let encrypted = match signed_text.as_bytes().first() {
        Some(b'{') => false,
        Some(b'"') => true,
        _ => return Err(DecodeError::new(format!("`{node_name_found}` is neither an object nor a string"))),
    };
    Ok(Envelope {
        node_name: node_name_found,
        signed_text,
        encrypted,
        sign: string_entry(&entries, "sign")?,
        alipay_cert_sn: string_entry(&entries, "alipay_cert_sn")?,
    })
}

fn string_entry(entries: &[(Cow<'_, str>, &RawValue)], key: &str) -> Result<Option<String>, DecodeError> {
    match entries.iter().find(|(k, _)| k == key) {
        None => Ok(None),
        Some((_, raw)) if raw.get() == "null" => Ok(None),
        Some((_, raw)) => serde_json::from_str::<String>(raw.get())
            .map(Some)
            .map_err(|_| DecodeError::new(format!("`{key}` is not a string"))),
    }
}

type Entries<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

/// Tokenizes the top-level object into (key, raw value) pairs, refusing duplicate keys.
fn parse_top_level(body: &str) -> Result<Entries<'_>, DecodeError> {
    let mut de = serde_json::Deserializer::from_str(body);
    let entries = de
        .deserialize_map(EntriesVisitor)
        .map_err(|e| DecodeError::new(format!("the answer is not a JSON object: {e}")))?;
    de.end().map_err(|e| DecodeError::new(format!("trailing data after the answer's JSON object: {e}")))?;
    Ok(entries)
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Entries<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries: Entries<'de> = Vec::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(serde::de::Error::custom(format!("the key `{key}` appears twice")));
            }
            let value: &'de RawValue = map.next_value()?;
            entries.push((key, value));
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicated_root_node_is_rejected() {
        let body = r#"{"alipay_trade_query_response":{"code":"10000"},"alipay_trade_query_response":{"code":"40004"},"sign":"x"}"#;
        let err = extract(body, "alipay.trade.query").expect_err("duplicate must fail");
        assert!(err.message.contains("appears twice"), "{}", err.message);
    }

    #[test]
    fn falls_back_to_error_response() {
        let body =
            r#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}}"#;
        let env = extract(body, "alipay.trade.pay").expect("error_response found");
        assert_eq!(env.node_name, "error_response");
        assert_eq!(env.sign, None);
    }

    #[test]
    fn sign_with_escaped_slashes_is_decoded() {
        let body = r#"{"alipay_trade_query_response":{"code":"10000"},"sign":"ab\/cd=="}"#;
        assert_eq!(extract(body, "alipay.trade.query").expect("ok").sign.as_deref(), Some("ab/cd=="));
    }

    #[test]
    fn garbage_and_trailing_data_are_rejected() {
        assert!(extract("<html>502</html>", "alipay.trade.query").is_err());
        assert!(extract(r#"{"alipay_trade_query_response":{}} x"#, "alipay.trade.query").is_err());
        assert!(extract(r#"{"alipay_trade_query_response":42}"#, "alipay.trade.query").is_err());
    }
}
