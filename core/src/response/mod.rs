//! Verified answers from the v2 gateway: extract the signed text, verify it, and only then parse.

mod binding;
mod extract;

pub use binding::{Expected, OwnRule, SHAPES, Shape, check_bound, shape_of};
pub use extract::{ERROR_RESPONSE, Envelope, extract, response_node_name};

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::charset::Charset;
use crate::crypto::SignType;
use crate::encrypt::EncryptKey;
use crate::error::{ConfigError, DecodeError, Error, GatewayError, SignatureError};
use crate::keys::PublicKey;

/// The `code` of a successful call.
pub const CODE_SUCCESS: &str = "10000";
/// The `code` of `alipay.trade.pay` when the buyer must still confirm (enter a password).
pub const CODE_WAIT_BUYER: &str = "10003";
/// The `code` of a system error: the outcome is unknown.
pub const CODE_UNKNOWN: &str = "20000";

/// A response node whose signature has been checked (or an error node Alipay sent unsigned).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseNode {
    /// The API method, e.g. `alipay.trade.query`.
    pub method: String,
    /// The node name found, e.g. `alipay_trade_query_response` or `error_response`.
    pub node_name: String,
    /// The node's JSON text that verified: exactly as received, or with `\/` unescaped when only that
    /// form verified (see [`verify_response`]); for an AES-encrypted answer, the decrypted JSON of the
    /// verified ciphertext. `value` is parsed from this text.
    pub raw: String,
    /// The node, parsed.
    pub value: Map<String, Value>,
    /// `true` when the signature verified; `false` only for an error node that came without `sign`.
    pub signed: bool,
    /// `alipay_cert_sn` in certificate mode.
    pub alipay_cert_sn: Option<String>,
}

/// A verified node as every binding shows it: the node's text as signed (`raw`), whether it was
/// signed, and its gateway `code`/`msg`/`sub_code`/`sub_msg`; the parsed node is `raw` read again.
// (`ResponseNode` serializes as this, and the Kotlin and Swift binding hands it over.)
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ResponseNode"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi(name = "ResponseNode"))]
#[non_exhaustive]
pub struct ResponseNodeShape {
    /// The API method, e.g. `alipay.trade.query`.
    pub method: String,
    /// The node name found, e.g. `alipay_trade_query_response` or `error_response`.
    pub node_name: String,
    /// The node's JSON text that verified.
    pub raw: String,
    /// `true` when the signature verified; `false` only for an error node that came without `sign`.
    pub signed: bool,
    /// `alipay_cert_sn` in certificate mode.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_cert_sn: Option<String>,
    /// The gateway `code` (`10000` on success).
    pub code: String,
    /// The gateway `msg`.
    pub msg: String,
    /// The business reason of a failure, e.g. `ACQ.TRADE_NOT_EXIST`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_code: Option<String>,
    /// The human-readable reason of a failure.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sub_msg: Option<String>,
}

impl From<&ResponseNode> for ResponseNodeShape {
    fn from(node: &ResponseNode) -> Self {
        ResponseNodeShape {
            method: node.method.clone(),
            node_name: node.node_name.clone(),
            raw: node.raw.clone(),
            signed: node.signed,
            alipay_cert_sn: node.alipay_cert_sn.clone(),
            code: node.code().to_string(),
            msg: node.msg().to_string(),
            sub_code: node.sub_code().map(str::to_string),
            sub_msg: node.sub_msg().map(str::to_string),
        }
    }
}

impl serde::Serialize for ResponseNode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ResponseNodeShape::from(self).serialize(serializer)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ResponseNode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        ResponseNodeShape::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        ResponseNodeShape::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ResponseNodeShape::json_schema(generator)
    }
}

impl ResponseNode {
    fn field(&self, name: &str) -> Option<&str> {
        self.value.get(name).and_then(Value::as_str)
    }

    /// The gateway `code` (`10000` on success).
    pub fn code(&self) -> &str {
        self.field("code").unwrap_or("")
    }

    /// The gateway `msg`.
    pub fn msg(&self) -> &str {
        self.field("msg").unwrap_or("")
    }

    /// The business reason of a failure, e.g. `ACQ.TRADE_NOT_EXIST`.
    pub fn sub_code(&self) -> Option<&str> {
        self.field("sub_code")
    }

    /// The human-readable reason of a failure.
    pub fn sub_msg(&self) -> Option<&str> {
        self.field("sub_msg")
    }

    /// `true` for `10000`, and for `10003` (accepted, waiting for the buyer): the two codes that are not errors.
    pub fn is_accepted(&self) -> bool {
        self.signed && matches!(self.code(), CODE_SUCCESS | CODE_WAIT_BUYER)
    }

    /// Turns a non-accepted node into a [`GatewayError`].
    ///
    /// # Errors
    /// [`GatewayError`] for every code but `10000`/`10003`, and for an unsigned node whatever its code.
    pub fn into_accepted(self) -> Result<Self, Box<GatewayError>> {
        if self.is_accepted() { Ok(self) } else { Err(Box::new(self.to_gateway_error())) }
    }

    /// The node as a [`GatewayError`] (for an error node).
    pub fn to_gateway_error(&self) -> GatewayError {
        GatewayError::v2(
            self.method.clone(),
            self.code(),
            self.msg(),
            self.sub_code().map(str::to_string),
            self.sub_msg().map(str::to_string),
            self.signed,
        )
    }
}

/// Verifies a raw v2 answer to `method` and returns its node (Alipay's 同步返回验签 doc).
///
/// The signed text is verified as received; if that fails and it contains `\/`, it is verified once more
/// with `\/` replaced by `/` (Alipay escapes slashes, and some gateways sign the unescaped text), and
/// then that text is the one read. A node
/// without `sign` is accepted only when it is an error (it has `sub_code` and a code other than `10000`):
/// a success is never believed without a valid signature.
///
/// # Errors
/// * [`Error::Decode`] when the body is not an Alipay answer (bad charset, not JSON, no node, duplicates).
/// * [`Error::Signature`] when the signature does not verify, or a success has none.
/// * [`Error::Config`] when the answer is AES-encrypted (use [`verify_envelope`] with the key).
pub fn verify_response(
    body: &[u8],
    method: &str,
    alipay_public_key: &PublicKey,
    sign_type: SignType,
    charset: Charset,
) -> Result<ResponseNode, Error> {
    let text = charset.decode(body, "the answer")?;
    let env = extract(&text, method)?;
    verify_envelope(&env, method, alipay_public_key, sign_type, charset, None)
}

/// Verifies an extracted answer (see [`extract`]) with `alipay_public_key` — in certificate mode, the key
/// of the certificate named by [`Envelope::alipay_cert_sn`] — and, for an AES-encrypted answer, decrypts
/// the verified text with `encrypt_key` (Alipay's 接口内容加密 doc). Verification always comes first.
///
/// # Errors
/// As [`verify_response`]; an encrypted answer without `encrypt_key` is [`Error::Config`], and one that
/// does not decrypt is [`Error::Decode`] (with the verified text kept).
pub fn verify_envelope(
    env: &Envelope<'_>,
    method: &str,
    alipay_public_key: &PublicKey,
    sign_type: SignType,
    charset: Charset,
    encrypt_key: Option<&EncryptKey>,
) -> Result<ResponseNode, Error> {
    let what = env.node_name.clone();
    // The text read is the text that verified: with `\/` unescaped when only that form verified.
    let (verified_text, signed) = match &env.sign {
        Some(sign) => (verify_signed_text(env.signed_text, sign, alipay_public_key, sign_type, charset, &what)?, true),
        None => (Cow::Borrowed(env.signed_text), false),
    };
    let node_text = if env.encrypted {
        if !signed {
            return Err(SignatureError::Missing { what }.into());
        }
        let Some(key) = encrypt_key else {
            return Err(ConfigError::Invalid {
                name: "encrypt_key",
                reason: format!("`{what}` is AES-encrypted, and this client has no content-encryption key"),
            }
            .into());
        };
        decrypt_node(&verified_text, key, charset, &what)?
    } else {
        verified_text.into_owned()
    };
    let value: Map<String, Value> = serde_json::from_str(&node_text).map_err(|e| DecodeError {
        message: format!("`{what}` is not a JSON object: {e}"),
        verified_node: signed.then(|| node_text.clone()),
    })?;
    let node = ResponseNode {
        method: method.to_string(),
        node_name: env.node_name.clone(),
        raw: node_text,
        value,
        signed,
        alipay_cert_sn: env.alipay_cert_sn.clone(),
    };
    // Unsigned, it can only be a gateway error: a sub_code, and a code that is neither success nor
    // "waiting for the buyer".
    if !signed && (node.sub_code().is_none() || matches!(node.code(), CODE_SUCCESS | CODE_WAIT_BUYER)) {
        return Err(SignatureError::Missing { what }.into());
    }
    Ok(node)
}

/// The plaintext JSON of a verified encrypted node: the JSON string token, unescaped, decrypted.
fn decrypt_node(token: &str, key: &EncryptKey, charset: Charset, what: &str) -> Result<String, Error> {
    let keep = |message: String| DecodeError { message, verified_node: Some(token.to_string()) };
    let ciphertext: String =
        serde_json::from_str(token).map_err(|e| keep(format!("`{what}` is not a JSON string: {e}")))?;
    let plain = key.decrypt(&ciphertext).map_err(|e| keep(format!("`{what}`: {}", e.message)))?;
    Ok(charset.decode(&plain, what)?.into_owned())
}

/// Verifies the signed text and returns the text that verified: as received, or — when only that
/// verifies — with every `\/` turned into `/`. What is parsed afterwards is exactly what was signed, so
/// an escape added on the way (`\/` → `\\/`) cannot change a value.
fn verify_signed_text<'a>(
    signed_text: &'a str,
    sign: &str,
    key: &PublicKey,
    sign_type: SignType,
    charset: Charset,
    what: &str,
) -> Result<Cow<'a, str>, Error> {
    let first = key.verify(&charset.encode(signed_text)?, sign, sign_type, what);
    match first {
        Ok(()) => Ok(Cow::Borrowed(signed_text)),
        Err(SignatureError::Mismatch { .. }) if signed_text.contains("\\/") => {
            let unescaped = signed_text.replace("\\/", "/");
            key.verify(&charset.encode(&unescaped)?, sign, sign_type, what)?;
            Ok(Cow::Owned(unescaped))
        }
        Err(e) => Err(e.into()),
    }
}
