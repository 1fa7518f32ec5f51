//! The v3 gateway (Alipay's OpenAPI v3 reference): `/v3/<method as a path>`, authenticated by the `Authorization` header,
//! the business JSON as the body (or the query of a `GET`), answered with the verdict in the HTTP status
//! and the signature in headers. Requests are read into the same [`GatewayRequest`] the v2 gateway makes,
//! so the trade book cannot tell the protocols apart.

use std::collections::BTreeMap;

use alipay_core::encrypt::EncryptKey;
use alipay_core::transport::{HttpMethod, HttpResponse};
use alipay_core::v3;
use alipay_core::{Charset, PrivateKey, PublicKey, SignType};
use serde_json::{Map, Value};

use super::METHODS;
use super::answer::Node;
use super::request::{GatewayRequest, Wire};

/// A refusal before any business logic ran: an HTTP status and a v3 error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal { status, code, message: message.into() }
}

/// What arrived: the method, the path and raw query exactly as sent, the headers and the body.
pub struct Incoming<'a> {
    pub http_method: HttpMethod,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Incoming<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The fields of the `Authorization` header: `ALIPAY-SHA256withRSA app_id=…,[app_cert_sn=…,]nonce=…,
/// timestamp=…,sign=…`. The signed auth string is everything before `,sign=`.
struct Authorization<'a> {
    auth_string: &'a str,
    sign: &'a str,
    fields: BTreeMap<&'a str, &'a str>,
}

fn authorization(header: Option<&str>) -> Result<Authorization<'_>, Refusal> {
    let unauthenticated = |m: &str| refuse(401, "invalid-signature", m);
    let header = header.ok_or_else(|| unauthenticated("缺少 Authorization 头"))?;
    let rest = header
        .strip_prefix(v3::AUTH_SCHEME)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| unauthenticated("Authorization 必须以 ALIPAY-SHA256withRSA 开头"))?;
    let (auth_string, sign) = rest.rsplit_once(",sign=").ok_or_else(|| unauthenticated("Authorization 缺少 sign"))?;
    let fields = auth_string.split(',').filter_map(|kv| kv.split_once('=')).collect::<BTreeMap<_, _>>();
    for required in ["app_id", "nonce", "timestamp"] {
        if fields.get(required).is_none_or(|v| v.is_empty()) {
            return Err(refuse(400, "invalid-parameter", format!("Authorization 缺少 {required}")));
        }
    }
    if fields["timestamp"].parse::<u64>().is_err() {
        return Err(refuse(400, "invalid-timestamp", "timestamp 必须是毫秒时间戳"));
    }
    Ok(Authorization { auth_string, sign, fields })
}

/// Reads and checks a v3 request: the method from the path, the signature over
/// `authString\nMETHOD\nrequestUri\nbody\n[appAuthToken\n]`, then the (decrypted) content.
pub fn read(
    incoming: &Incoming<'_>,
    app_id: &str,
    app_public_key: &PublicKey,
    encrypt_key: Option<&EncryptKey>,
) -> Result<GatewayRequest, Refusal> {
    let method = v3::method_of(incoming.path)
        .filter(|m| METHODS.contains(&m.as_str()))
        .ok_or_else(|| refuse(404, "invalid-method", format!("不存在的接口: {}", incoming.path)))?;
    if v3::route(&method).http_method != incoming.http_method {
        return Err(refuse(
            405,
            "invalid-method",
            format!("{} 不支持 {}", incoming.path, incoming.http_method.as_str()),
        ));
    }
    let auth = authorization(incoming.header("authorization"))?;
    if auth.fields["app_id"] != app_id {
        return Err(refuse(400, "invalid-app-id", format!("无效的AppID参数: {}", auth.fields["app_id"])));
    }
    let body_text =
        std::str::from_utf8(incoming.body).map_err(|_| refuse(400, "invalid-parameter", "请求体不是 UTF-8"))?;
    let uri = if incoming.query.is_empty() {
        incoming.path.to_string()
    } else {
        format!("{}?{}", incoming.path, incoming.query)
    };
    let token = incoming.header(v3::HEADER_APP_AUTH_TOKEN).filter(|t| !t.is_empty());
    let signed = v3::AuthString::received(auth.auth_string);
    let content = v3::string_to_sign(&signed, incoming.http_method.as_str(), &uri, body_text, token);
    if app_public_key.verify(content.as_bytes(), auth.sign, SignType::Rsa2, "request").is_err() {
        return Err(refuse(401, "invalid-signature", format!("验签出错，网关生成的验签字符串为：{content:?}")));
    }
    let encrypted = match incoming.header(v3::HEADER_ENCRYPT_TYPE) {
        None => false,
        Some("AES") => true,
        Some(_) => return Err(refuse(400, "invalid-encrypt-type", "无效的加密类型")),
    };
    let plain;
    let json = if encrypted && !body_text.is_empty() {
        let key = encrypt_key.ok_or_else(|| refuse(400, "invalid-encrypt", "应用未配置接口内容加密密钥"))?;
        let bytes = key.decrypt(body_text.trim()).map_err(|_| refuse(400, "decryption-error", "解密出错"))?;
        plain = String::from_utf8(bytes).map_err(|_| refuse(400, "decryption-error", "解密出错"))?;
        plain.as_str()
    } else {
        body_text
    };
    let biz = match incoming.http_method {
        HttpMethod::Get => form_urlencoded::parse(incoming.query.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect::<Map<_, _>>(),
        HttpMethod::Post if json.trim().is_empty() => Map::new(),
        HttpMethod::Post => match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(map)) => map,
            _ => return Err(refuse(400, "invalid-parameter", "请求体不是合法的 JSON 对象")),
        },
    };
    let mut params = BTreeMap::new();
    params.insert("app_id".to_string(), app_id.to_string());
    if let Some(sn) = auth.fields.get("app_cert_sn") {
        params.insert("app_cert_sn".into(), (*sn).to_string());
    }
    if let Some(root) = incoming.header(v3::HEADER_ROOT_CERT_SN) {
        params.insert("alipay_root_cert_sn".into(), root.to_string());
    }
    if let Some(token) = token {
        params.insert("app_auth_token".into(), token.to_string());
    }
    for url in ["notify_url", "return_url"] {
        if let Some(v) = biz.get(url).and_then(Value::as_str) {
            params.insert(url.into(), v.to_string());
        }
    }
    Ok(GatewayRequest {
        method,
        charset: Charset::Utf8,
        sign_type: SignType::Rsa2,
        params,
        biz,
        encrypted,
        wire: Wire::V3,
        sent_at: auth
            .fields
            .get("timestamp")
            .and_then(|t| t.parse::<u64>().ok())
            .and_then(|ms| std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_millis(ms))),
        received_at: None,
        files: Vec::new(),
    })
}

/// How a v3 answer is signed: the key, the certificate SN it names (certificate mode), the
/// content-encryption key when the request was encrypted, and the answer's timestamp and nonce.
pub struct V3Seal<'a> {
    pub key: &'a PrivateKey,
    pub cert_sn: Option<&'a str>,
    pub encrypt: Option<&'a EncryptKey>,
    pub timestamp_ms: u64,
    pub nonce: String,
}

/// The v3 answer for a node the trade book wrote in v2 terms: `10000`/`10003` → HTTP 200 with the node's
/// fields (without `code`/`msg`), encrypted when the request was; a failure → its HTTP status with
/// `{"code": <sub_code>, "message": <sub_msg>}`. Signed in headers either way.
pub fn answer(node: &Node, seal: &V3Seal<'_>) -> HttpResponse {
    let fields: Map<String, Value> = node.fields().filter(|(k, _)| !matches!(k.as_str(), "code" | "msg")).collect();
    let (status, body, content_type) = match node.code() {
        "10000" | "10003" => {
            let json = Value::Object(fields).to_string();
            match seal.encrypt {
                Some(key) => (200, key.encrypt(json.as_bytes()), "text/plain"),
                None => (200, json, "application/json"),
            }
        }
        code => {
            let text = |k: &str| fields.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            let error = serde_json::json!({"code": text("sub_code"), "message": text("sub_msg")});
            (error_status(code), error.to_string(), "application/json")
        }
    };
    signed(status, body, content_type, seal)
}

/// A refusal, signed like any answer.
pub fn refusal(r: &Refusal, seal: &V3Seal<'_>) -> HttpResponse {
    let body = serde_json::json!({"code": r.code, "message": r.message}).to_string();
    signed(r.status, body, "application/json", seal)
}

/// The HTTP status of a v2 gateway code.
fn error_status(code: &str) -> u16 {
    match code {
        "20000" => 500,
        "20001" => 401,
        "40006" => 403,
        _ => 400,
    }
}

fn signed(status: u16, body: String, content_type: &str, seal: &V3Seal<'_>) -> HttpResponse {
    let timestamp = seal.timestamp_ms.to_string();
    let content = v3::response_content(&timestamp, &seal.nonce, body.as_bytes());
    let signature = seal.key.sign(&content, SignType::Rsa2).expect("the sandbox key signs");
    let mut headers = vec![
        ("content-type".to_string(), content_type.to_string()),
        (v3::HEADER_TIMESTAMP.to_string(), timestamp),
        (v3::HEADER_NONCE.to_string(), seal.nonce.clone()),
        (v3::HEADER_SIGNATURE.to_string(), signature),
        (v3::HEADER_TRACE_ID.to_string(), seal.nonce.replace('-', "")),
    ];
    if let Some(sn) = seal.cert_sn {
        headers.push((v3::HEADER_ALIPAY_SN.to_string(), sn.to_string()));
    }
    HttpResponse { status, headers, body: body.into_bytes() }
}
