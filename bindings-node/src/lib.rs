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
