//! The pure primitives: sign content, signatures, response and notification verification, certificate
//! SNs. Synchronous: each is a few microseconds of CPU.

use std::collections::BTreeMap;

use alipay_core::notify::NotifyRule;
use alipay_core::primitives::NotifyInput;
use napi::Either;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js, to_js, to_value};

/// The exact text a request signature covers: the non-blank parameters, sorted, as `k=v&…`.
#[napi(catch_unwind)]
pub fn build_sign_content(params: BTreeMap<String, String>) -> String {
    alipay_core::primitives::build_sign_content(&params)
}

/// Signs `params` and returns the base64 `sign` (`sign_type` `RSA2` or `RSA`, `charset` `utf-8` or `GBK`).
#[napi(catch_unwind)]
pub fn sign_params(
    params: BTreeMap<String, String>,
    private_key: String,
    sign_type: Option<String>,
    charset: Option<String>,
) -> napi::Result<String> {
    let (sign_type, charset) = (sign_type.unwrap_or_else(|| "RSA2".into()), charset.unwrap_or_else(|| "utf-8".into()));
    alipay_core::primitives::sign_params(&params, &private_key, &sign_type, &charset).map_err(|e| to_js(&e))
}

/// Verifies a raw gateway answer to `method` and returns its node (the core's `ResponseNode` shape).
#[napi(catch_unwind)]
pub fn verify_response(
    raw_body: Buffer,
    method: String,
    alipay_public_key: String,
    sign_type: Option<String>,
    charset: Option<String>,
) -> napi::Result<Value> {
    let (sign_type, charset) = (sign_type.unwrap_or_else(|| "RSA2".into()), charset.unwrap_or_else(|| "utf-8".into()));
    let node = alipay_core::primitives::verify_response(&raw_body, &method, &alipay_public_key, &sign_type, &charset)
        .map_err(|e| to_js(&e))?;
    to_value(&node)
}

/// Verifies a notification (the raw body as a Buffer, or the decoded form as an object) under `rule`
/// `v1` or `v2` with `sign_type` (never the notification's own); the fields its signature covers.
#[napi(catch_unwind)]
pub fn verify_notify(
    notification: Either<Buffer, BTreeMap<String, String>>,
    alipay_public_key: String,
    rule: Option<String>,
    sign_type: Option<String>,
) -> napi::Result<BTreeMap<String, String>> {
    let rule = notify_rule(rule)?;
    let sign_type = sign_type.as_deref().unwrap_or("RSA2");
    alipay_core::primitives::verify_notify(notify_input(&notification), &alipay_public_key, rule, sign_type)
        .map_err(|e| to_js(&e))
}

/// The SN of a certificate (`app_cert_sn`, or the Alipay certificate's).
#[napi(catch_unwind)]
pub fn cert_sn(pem: String) -> napi::Result<String> {
    alipay_core::cert::cert_sn(&pem).map_err(js)
}

/// `alipay_root_cert_sn` of Alipay's root certificate file.
#[napi(catch_unwind)]
pub fn root_cert_sn(pem: String) -> napi::Result<String> {
    alipay_core::cert::root_cert_sn(&pem).map_err(js)
}

/// The core's input from what a web framework hands over: the raw body (`express.raw`, Fastify's
/// buffer; `lib/` turns a string body into its UTF-8 bytes) or the decoded form (`express.urlencoded`).
pub(crate) fn notify_input(notification: &Either<Buffer, BTreeMap<String, String>>) -> NotifyInput<'_> {
    match notification {
        Either::A(body) => NotifyInput::RawBody(body.as_ref().into()),
        Either::B(form) => NotifyInput::Params(form.clone()),
    }
}

/// The notification rule `v1` (the default; trade notifications) or `v2`.
pub(crate) fn notify_rule(rule: Option<String>) -> napi::Result<NotifyRule> {
    rule.as_deref().unwrap_or("v1").parse().map_err(js)
}
