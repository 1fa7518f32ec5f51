//! Reading a gateway request like Alipay does: parameters from the URL query and the form body, the
//! common parameters checked, the signature verified with the registered app public key.

use std::collections::BTreeMap;
use std::time::SystemTime;

use alipay_core::encrypt::EncryptKey;
use alipay_core::notify::parse_form_body;
use alipay_core::sign::build_sign_content;
use alipay_core::{Charset, PublicKey, SignType};
use serde_json::{Map, Value};

/// A gateway-level refusal: answered as an unsigned `error_response`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub msg: &'static str,
    pub sub_code: &'static str,
    pub sub_msg: String,
}

fn missing(sub_code: &'static str, what: &str) -> Refusal {
    Refusal { code: "40001", msg: "Missing Required Arguments", sub_code, sub_msg: format!("缺少{what}参数") }
}

fn invalid(sub_code: &'static str, sub_msg: impl Into<String>) -> Refusal {
    Refusal { code: "40002", msg: "Invalid Arguments", sub_code, sub_msg: sub_msg.into() }
}

/// Which protocol a request came in, and so is answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// `gateway.do`: answered in a signed JSON node.
    V2,
    /// `/v3/...`: answered with an HTTP status and signature headers.
    V3,
}

/// A request that passed the gateway's checks (in either protocol).
#[derive(Debug, Clone)]
pub struct GatewayRequest {
    pub method: String,
    pub charset: Charset,
    pub sign_type: SignType,
    pub params: BTreeMap<String, String>,
    pub biz: Map<String, Value>,
    /// The request's content was AES-encrypted: so is the answer.
    pub encrypted: bool,
    /// The protocol it came in.
    pub wire: Wire,
    /// When the client sent it, on the client's clock (its signed `timestamp`).
    pub sent_at: Option<SystemTime>,
    /// When the gateway received it, on the sandbox's clock (set by the sandbox on arrival).
    pub received_at: Option<SystemTime>,
    /// The files of an upload (`multipart/form-data`); empty otherwise.
    pub files: Vec<super::multipart::FilePart>,
}

impl GatewayRequest {
    /// An absolute time the client sent (`time_expire`), on the sandbox's clock: as long after the
    /// request's arrival as it was after the request's own timestamp. The client's clock and the
    /// sandbox's virtual one need not agree (virtual time may run faster): only the client's intent,
    /// "two minutes from now", carries over. A request held up on its way keeps its arrival time.
    pub fn client_time(&self, at: SystemTime) -> SystemTime {
        match (self.sent_at, self.received_at) {
            (Some(sent), Some(received)) => match at.duration_since(sent) {
                Ok(after) => received + after,
                Err(before) => received.checked_sub(before.duration()).unwrap_or(received),
            },
            _ => at,
        }
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str).filter(|v| !v.trim().is_empty())
    }

    /// A business field wherever the request carries it: a top-level parameter (v2 uploads) or a
    /// member of the business content.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.param(name).or_else(|| self.biz_str(name))
    }

    pub fn biz_str(&self, name: &str) -> Option<&str> {
        self.biz.get(name).and_then(Value::as_str).filter(|v| !v.trim().is_empty())
    }
}

/// The charset a request declares (for answering even a request that fails its checks).
pub fn declared_charset(query: &str) -> Charset {
    query.split('&').find_map(|kv| kv.strip_prefix("charset=")).and_then(|c| c.parse().ok()).unwrap_or(Charset::Utf8)
}

/// The method a request names in its URL query, if any.
pub fn declared_method(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "method").map(|(_, v)| v.into_owned())
}

/// The sign type a request names (RSA2 when absent or unknown).
pub fn declared_sign_type(query: &str) -> SignType {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "sign_type")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_default()
}

/// Parses and checks a request. `query` is the URL's query string, `body` the form body; an
/// `encrypt_type=AES` request's content is decrypted with `encrypt_key` after its signature verified.
pub fn read(
    query: &str,
    body: &[u8],
    app_id: &str,
    app_public_key: &PublicKey,
    encrypt_key: Option<&EncryptKey>,
) -> Result<GatewayRequest, Refusal> {
    let mut raw = query.as_bytes().to_vec();
    if !body.is_empty() {
        raw.push(b'&');
        raw.extend_from_slice(body);
    }
    let params = parse_form_body(&raw).map_err(|e| invalid("isv.invalid-parameter", e.message))?;
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.trim().is_empty());
    let method = get("method").ok_or_else(|| missing("isv.missing-method", "method"))?.to_string();
    let got_app_id = get("app_id").ok_or_else(|| missing("isv.missing-app-id", "app_id"))?;
    let sign = get("sign").ok_or_else(|| missing("isv.missing-signature", "sign"))?;
    let sign_type = get("sign_type").ok_or_else(|| missing("isv.missing-signature-type", "sign_type"))?;
    let timestamp = get("timestamp").ok_or_else(|| missing("isv.missing-timestamp", "timestamp"))?;
    let version = get("version").ok_or_else(|| missing("isv.missing-version", "version"))?;
    if got_app_id != app_id {
        return Err(invalid("isv.invalid-app-id", format!("无效的AppID参数: {got_app_id}")));
    }
    let sign_type: SignType = sign_type.parse().map_err(|_| invalid("isv.invalid-signature-type", "无效的签名类型"))?;
    let charset: Charset = get("charset")
        .map_or(Ok(Charset::Utf8), str::parse)
        .map_err(|_| invalid("isv.invalid-charset", "字符集错误"))?;
    if get("format").is_some_and(|f| !f.eq_ignore_ascii_case("json")) {
        return Err(invalid("isv.invalid-format", "无效的数据格式"));
    }
    if alipay_core::clock::parse_shanghai(timestamp).is_none() {
        return Err(invalid("isv.invalid-timestamp", "非法的时间戳参数"));
    }
    if version != "1.0" {
        return Err(invalid("isv.invalid-version", "无效的版本号"));
    }
    let content = build_sign_content(&params);
    let bytes = charset.encode(&content).map_err(|_| invalid("isv.invalid-charset", "字符集错误"))?;
    if app_public_key.verify(&bytes, sign, sign_type, "request").is_err() {
        return Err(invalid(
            "isv.invalid-signature",
            format!("验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：{content}"),
        ));
    }
    let encrypted = match get("encrypt_type") {
        None => false,
        Some("AES") => true,
        Some(_) => return Err(invalid("isv.invalid-encrypt-type", "无效的加密类型")),
    };
    let decrypted: String;
    let biz_text = match (get("biz_content"), encrypted) {
        (Some(cipher), true) => {
            let key = encrypt_key.ok_or_else(|| invalid("isv.invalid-encrypt", "应用未配置接口内容加密密钥"))?;
            let plain = key.decrypt(cipher).map_err(|_| invalid("isv.decryption-error", "解密出错"))?;
            decrypted = charset
                .decode(&plain, "biz_content")
                .map_err(|e| invalid("isv.decryption-error", e.message))?
                .into_owned();
            Some(decrypted.as_str())
        }
        (text, _) => text,
    };
    let biz = match biz_text {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            _ => return Err(invalid("isv.invalid-parameter", "biz_content 不是合法的 JSON 对象")),
        },
    };
    let sent_at = params.get("timestamp").and_then(|t| alipay_core::clock::parse_shanghai(t));
    Ok(GatewayRequest {
        method,
        charset,
        sign_type,
        params,
        biz,
        encrypted,
        wire: Wire::V2,
        sent_at,
        received_at: None,
        files: Vec::new(),
    })
}
