//! The Node.js binding of alipay-core: the native half. `lib/` is the JavaScript package around it
//! (the typed methods, generated from the core's call table, and the error classes).
//!
//! Every function here converts types and maps errors, nothing more. Errors cross as a JS `Error`
//! whose message is the core's error record (`ErrorInfo`) as JSON, prefixed with [`ERROR_PREFIX`], and
//! `lib/errors.js` turns it into the matching error class.

use alipay_core::client::ClientSettings;
use alipay_core::error::ErrorInfo;
use alipay_core::{Client, Error};
use napi_derive::napi;
use serde_json::Value;

/// What starts the message of every error this addon throws; the rest is the `ErrorInfo` JSON.
const ERROR_PREFIX: &str = "alipay-core:";

fn to_js(e: &Error) -> napi::Error {
    let info = serde_json::to_string(&ErrorInfo::from(e)).unwrap_or_else(|_| "{}".into());
    napi::Error::from_reason(format!("{ERROR_PREFIX}{info}"))
}

/// A client, made from the core's `ClientSettings` (an object).
#[napi]
pub struct NativeClient {
    client: Client,
}

#[napi]
impl NativeClient {
    /// A client from its settings; a setting that cannot work throws a `ConfigError` naming it.
    #[napi(constructor)]
    pub fn new(settings: Value) -> napi::Result<Self> {
        let settings: ClientSettings = alipay_core::fields::from_fields(settings).map_err(|e| to_js(&e.into()))?;
        Ok(Self { client: settings.build().map_err(|e| to_js(&e))? })
    }

    /// The typed call `method` with `fields`; the verified answer's fields.
    #[napi]
    pub async fn call(&self, method: String, fields: Value) -> napi::Result<Value> {
        self.client.call_fields(&method, fields).await.map_err(|e| to_js(&e))
    }
}

/// The exact text a request signature covers: the non-blank parameters, sorted, as `k=v&…`.
#[napi]
pub fn build_sign_content(params: std::collections::BTreeMap<String, String>) -> String {
    alipay_core::primitives::build_sign_content(&params)
}

/// Signs `params` and returns the base64 `sign` (`sign_type` `RSA2` or `RSA`, `charset` `utf-8` or `GBK`).
#[napi]
pub fn sign_params(
    params: std::collections::BTreeMap<String, String>,
    private_key: String,
    sign_type: Option<String>,
    charset: Option<String>,
) -> napi::Result<String> {
    let (sign_type, charset) = (sign_type.unwrap_or_else(|| "RSA2".into()), charset.unwrap_or_else(|| "utf-8".into()));
    alipay_core::primitives::sign_params(&params, &private_key, &sign_type, &charset).map_err(|e| to_js(&e))
}

/// Verifies a raw gateway answer to `method` and returns its node (the core's `ResponseNode` shape).
#[napi]
pub fn verify_response(
    raw_body: napi::bindgen_prelude::Buffer,
    method: String,
    alipay_public_key: String,
    sign_type: Option<String>,
    charset: Option<String>,
) -> napi::Result<Value> {
    let (sign_type, charset) = (sign_type.unwrap_or_else(|| "RSA2".into()), charset.unwrap_or_else(|| "utf-8".into()));
    let node = alipay_core::primitives::verify_response(&raw_body, &method, &alipay_public_key, &sign_type, &charset)
        .map_err(|e| to_js(&e))?;
    serde_json::to_value(&node).map_err(|e| to_js(&Error::Internal(e.to_string())))
}

/// Verifies a notification (the raw body as a Buffer, or the decoded form as an object) under `rule`
/// `v1` or `v2` with `sign_type` (never the notification's own); the fields its signature covers.
#[napi]
pub fn verify_notify(
    notification: napi::Either<napi::bindgen_prelude::Buffer, std::collections::BTreeMap<String, String>>,
    alipay_public_key: String,
    rule: Option<String>,
    sign_type: Option<String>,
) -> napi::Result<std::collections::BTreeMap<String, String>> {
    use alipay_core::primitives::{NotifyInput, verify_notify};
    let rule: alipay_core::notify::NotifyRule =
        rule.as_deref().unwrap_or("v1").parse().map_err(|e: alipay_core::error::InvalidInput| to_js(&e.into()))?;
    let input = match &notification {
        napi::Either::A(body) => NotifyInput::RawBody(body.as_ref().into()),
        napi::Either::B(form) => NotifyInput::Params(form.clone()),
    };
    verify_notify(input, &alipay_public_key, rule, sign_type.as_deref().unwrap_or("RSA2")).map_err(|e| to_js(&e))
}

/// The SN of a certificate (`app_cert_sn`, or the Alipay certificate's).
#[napi]
pub fn cert_sn(pem: String) -> napi::Result<String> {
    alipay_core::cert::cert_sn(&pem).map_err(|e| to_js(&e.into()))
}

/// `alipay_root_cert_sn` of Alipay's root certificate file.
#[napi]
pub fn root_cert_sn(pem: String) -> napi::Result<String> {
    alipay_core::cert::root_cert_sn(&pem).map_err(|e| to_js(&e.into()))
}
