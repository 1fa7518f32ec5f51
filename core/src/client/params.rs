//! Building, signing and encoding the parameters of a v2 call — pure functions, no I/O.
//!
//! Layout (Alipay's 公共请求参数, as the official Java SDK lays them out): the common parameters and `sign` go in the URL query; `biz_content`,
//! `app_auth_token` and other text parameters go in the form body. Placement is not signed over.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::charset::Charset;
use crate::error::{ConfigError, Error, InvalidInput};
use crate::sign::{is_blank, sign_params};

use super::ClientConfig;
use super::options::CallOptions;

/// The parameters that travel in the URL query.
const URL_PARAMS: &[&str] = &[
    "app_id",
    "method",
    "format",
    "charset",
    "sign_type",
    "sign",
    "timestamp",
    "version",
    "notify_url",
    "return_url",
    "app_cert_sn",
    "alipay_root_cert_sn",
];

/// Parameters the client sets itself; `extra_params` may not override them.
const RESERVED: &[&str] = &[
    "app_id",
    "method",
    "format",
    "charset",
    "sign_type",
    "sign",
    "timestamp",
    "version",
    "biz_content",
    "encrypt_type",
    "app_cert_sn",
    "alipay_root_cert_sn",
];

/// Builds and signs every parameter of a call. Blank values are neither signed nor sent.
pub(crate) fn signed_params(
    config: &ClientConfig,
    method: &str,
    biz_content: Option<&str>,
    options: &CallOptions,
    timestamp: &str,
) -> Result<BTreeMap<String, String>, Error> {
    let mut params = BTreeMap::new();
    let mut put = |k: &str, v: &str| {
        if !is_blank(v) {
            params.insert(k.to_string(), v.to_string());
        }
    };
    put("app_id", &config.app_id);
    put("method", method);
    put("format", "JSON");
    put("charset", config.charset.as_str());
    put("sign_type", config.sign_type.as_str());
    put("timestamp", timestamp);
    put("version", "1.0");
    if let Some(mode) = &config.cert_mode {
        put("app_cert_sn", mode.app_cert_sn());
        put("alipay_root_cert_sn", mode.alipay_root_cert_sn());
    }
    if let Some(biz) = biz_content {
        if options.encrypt.unwrap_or(config.encrypt_by_default) {
            let key = config.encrypt_key.as_ref().ok_or(ConfigError::Missing("encrypt_key"))?;
            // Encrypt first (the content's bytes in the request charset), then sign the ciphertext.
            put("biz_content", &key.encrypt(&config.charset.encode(biz)?));
            put("encrypt_type", "AES");
        } else {
            put("biz_content", biz);
        }
    }
    for (k, v) in [
        ("app_auth_token", &options.app_auth_token),
        ("notify_url", &options.notify_url),
        ("return_url", &options.return_url),
    ] {
        if let Some(v) = v {
            put(k, v);
        }
    }
    for (k, v) in &options.extra_params {
        if RESERVED.contains(&k.as_str()) {
            return Err(InvalidInput::new(
                k.clone(),
                "is set by the client and cannot be passed as an extra parameter",
            )
            .into());
        }
        put(k, v);
    }
    let sign = sign_params(&params, &config.app_private_key, config.sign_type, config.charset)?;
    params.insert("sign".to_string(), sign);
    Ok(params)
}

/// Borrowed `(name, value)` pairs.
pub(crate) type Pairs<'a> = Vec<(&'a str, &'a str)>;

/// Splits signed parameters into (URL query pairs, form body pairs).
pub(crate) fn split_for_post(params: &BTreeMap<String, String>) -> (Pairs<'_>, Pairs<'_>) {
    params.iter().map(|(k, v)| (k.as_str(), v.as_str())).partition(|(k, _)| URL_PARAMS.contains(k))
}

/// `application/x-www-form-urlencoded` in `charset` (spaces as `+`, like Java's URLEncoder).
pub(crate) fn form_encode<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, charset: Charset) -> String {
    fn gbk(s: &str) -> Cow<'_, [u8]> {
        // Java's GBK, as signed; text GBK cannot hold was refused when it was signed.
        Charset::Gbk.encode(s).unwrap_or(Cow::Borrowed(s.as_bytes()))
    }
    let mut ser = form_urlencoded::Serializer::new(String::new());
    if charset == Charset::Gbk {
        ser.encoding_override(Some(&gbk));
    }
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// `gateway?query`, respecting a query the gateway URL may already have.
pub(crate) fn url_with_query(gateway: &str, query: &str) -> String {
    let sep = if gateway.contains('?') { '&' } else { '?' };
    format!("{gateway}{sep}{query}")
}

/// The sign content of a built v2 request: its query and form parameters but `sign`, sorted, as
/// `k=v&…` (for diagnosing a rejected signature; the text is decoded as UTF-8).
pub(crate) fn sign_content_of_request(request: &crate::transport::HttpRequest) -> String {
    let query = request.url.split_once('?').map_or("", |(_, q)| q);
    let pairs = form_urlencoded::parse(query.as_bytes()).chain(form_urlencoded::parse(&request.body));
    let params: BTreeMap<String, String> =
        pairs.filter(|(k, _)| k != "sign").map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    crate::sign::build_sign_content(&params)
}
