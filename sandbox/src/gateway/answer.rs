//! Building answers the way Alipay writes them: an ordered node (`code` and `msg` first), `/` escaped
//! as `\/`, signed over the exact node text, the body encoded in the request's charset.

use alipay_core::encrypt::EncryptKey;
use alipay_core::{Amount, Charset, Money, PrivateKey, SignType};
use serde_json::Value;

/// A response node, fields in the order they were added.
#[derive(Debug, Clone, PartialEq)]
pub struct Node(Vec<(String, Value)>);

impl Node {
    /// `{"code":"10000","msg":"Success"}`.
    pub fn success() -> Self {
        Node(vec![("code".into(), "10000".into()), ("msg".into(), "Success".into())])
    }

    /// `{"code":"10003","msg":"order success pay inprocess"}`: waiting for the buyer.
    pub fn waiting() -> Self {
        Node(vec![("code".into(), "10003".into()), ("msg".into(), "order success pay inprocess".into())])
    }

    /// A business failure: `40004` with an `ACQ.*` reason.
    pub fn business_failure(sub_code: &str, sub_msg: &str) -> Self {
        Self::failure("40004", "Business Failed", sub_code, sub_msg)
    }

    /// `20000`: Alipay does not know what happened.
    pub fn system_error() -> Self {
        Self::failure("20000", "Service Currently Unavailable", "isp.unknow-error", "系统繁忙")
    }

    /// Any failure.
    pub fn failure(code: &str, msg: &str, sub_code: &str, sub_msg: &str) -> Self {
        Node(vec![
            ("code".into(), code.into()),
            ("msg".into(), msg.into()),
            ("sub_code".into(), sub_code.into()),
            ("sub_msg".into(), sub_msg.into()),
        ])
    }

    /// Adds a field.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.push((key.to_string(), value.into()));
        self
    }

    /// Adds a field when there is a value.
    pub fn with_opt(self, key: &str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// Adds an amount as Alipay writes it: `"12.30"`.
    pub fn money(self, key: &str, value: impl Into<Amount>) -> Self {
        self.with(key, value.into().to_string())
    }

    /// The fields, in order.
    pub fn fields(&self) -> impl Iterator<Item = (String, Value)> + '_ {
        self.0.iter().cloned()
    }

    /// The `code`.
    pub fn code(&self) -> &str {
        self.0.iter().find(|(k, _)| k == "code").and_then(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// The node's JSON text with `/` escaped as `\/`, as Alipay sends it.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(k).expect("a string serializes"));
            out.push(':');
            out.push_str(&serde_json::to_string(v).expect("a value serializes"));
        }
        out.push('}');
        // Outside strings JSON has no `/`, so this only touches string contents.
        out.replace('/', "\\/")
    }
}

/// Zero yuan, for unpaid amounts.
pub fn zero() -> Amount {
    Amount::ZERO
}

/// `amount` as an [`Amount`].
pub fn amount(m: Money) -> Amount {
    m.into()
}

/// How an answer is sealed: the signing key, the certificate SN it names (certificate mode), and the
/// content-encryption key when the request was encrypted.
pub struct Seal<'a> {
    pub key: &'a PrivateKey,
    pub sign_type: SignType,
    pub charset: Charset,
    pub cert_sn: Option<&'a str>,
    pub encrypt: Option<&'a EncryptKey>,
}

/// A signed answer body: `{"<method>_response":<node>,"sign":"…"}` in `charset`.
pub fn signed_body(method: &str, node: &Node, key: &PrivateKey, sign_type: SignType, charset: Charset) -> Vec<u8> {
    sealed_body(method, node, &Seal { key, sign_type, charset, cert_sn: None, encrypt: None })
}

/// A sealed answer body: `{"<method>_response":<node>[,"alipay_cert_sn":"…"],"sign":"…"}`, the node being
/// the base64 ciphertext string (signed with its quotes) when encrypted.
pub fn sealed_body(method: &str, node: &Node, seal: &Seal<'_>) -> Vec<u8> {
    let node_json = node.to_json();
    let node_bytes = seal.charset.encode(&node_json).unwrap_or_else(|_| node_json.as_bytes().to_vec().into());
    let signed_text = match seal.encrypt {
        Some(key) => format!("\"{}\"", key.encrypt(&node_bytes)),
        None => node_json,
    };
    let bytes = seal.charset.encode(&signed_text).unwrap_or_else(|_| signed_text.as_bytes().to_vec().into());
    let sign = seal.key.sign(&bytes, seal.sign_type).expect("the sandbox key signs");
    let cert = seal.cert_sn.map(|sn| format!(r#","alipay_cert_sn":"{sn}""#)).unwrap_or_default();
    // The node's `/` are escaped; the sign is written as plain base64, as Alipay writes it.
    let body =
        format!(r#"{{"{}":{signed_text}{cert},"sign":"{sign}"}}"#, alipay_core::response::response_node_name(method));
    encode(&body, seal.charset)
}

/// An answer body without `sign` (what a tampered answer looks like):
/// `{"<method>_response":<node>[,"alipay_cert_sn":"…"]}` in `charset`.
pub fn unsigned_body(method: &str, node: &Node, cert_sn: Option<&str>, charset: Charset) -> Vec<u8> {
    let cert = cert_sn.map(|sn| format!(r#","alipay_cert_sn":"{sn}""#)).unwrap_or_default();
    let body = format!(r#"{{"{}":{}{cert}}}"#, alipay_core::response::response_node_name(method), node.to_json());
    encode(&body, charset)
}

/// A gateway-level error (`isv.*`): `error_response`, unsigned, as Alipay sends it.
pub fn error_body(code: &str, msg: &str, sub_code: &str, sub_msg: &str, charset: Charset) -> Vec<u8> {
    let node = Node::failure(code, msg, sub_code, sub_msg).to_json();
    encode(&format!(r#"{{"error_response":{node}}}"#), charset)
}

fn encode(text: &str, charset: Charset) -> Vec<u8> {
    match charset {
        Charset::Utf8 => text.as_bytes().to_vec(),
        Charset::Gbk => crate::gbk::encode(text).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_keep_order_and_escape_slashes() {
        let n = Node::success()
            .with("qr_code", "https://qr.alipay.com/bax1")
            .money("total_amount", "1.5".parse::<Money>().expect("m"));
        assert_eq!(
            n.to_json(),
            r#"{"code":"10000","msg":"Success","qr_code":"https:\/\/qr.alipay.com\/bax1","total_amount":"1.50"}"#
        );
    }
}
