//! `NativeClient`: the core's `Client`, made from its `ClientSettings`. Calls resolve Promises on
//! napi's tokio runtime; signing (page pay, app pay) is synchronous CPU work.

use std::collections::BTreeMap;

use alipay_core::client::ClientSettings;
use alipay_core::fields::{from_fields, to_fields};
use alipay_core::transport::HttpMethod;
use alipay_core::upload::{OfflineMaterialImageUploadRequest, OpenFileUploadRequest};
use alipay_core::{CallOptions, Client, PageFormat};
use napi::Either;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{js, to_js, to_value};
use crate::notification::NativeNotification;
use crate::primitives::{notify_input, notify_rule};
use crate::upload::{NativeUploadFile, upload_file, upload_files};

/// A client for one app; `lib/` wraps it as `AlipayClient`.
#[napi]
pub struct NativeClient {
    pub(crate) client: Client,
}

#[napi]
impl NativeClient {
    /// A client from its settings; a setting that cannot work throws a `ConfigError` naming it.
    #[napi(constructor, catch_unwind)]
    pub fn new(settings: Value) -> napi::Result<Self> {
        let settings: ClientSettings = from_fields(settings).map_err(js)?;
        Ok(Self { client: settings.build().map_err(|e| to_js(&e))? })
    }

    /// The app id.
    #[napi(getter)]
    pub fn app_id(&self) -> String {
        self.client.config().app_id.clone()
    }

    /// The gateway URL.
    #[napi(getter)]
    pub fn gateway(&self) -> String {
        self.client.config().gateway.url().to_string()
    }

    /// The same client with `options` (the core's `CallOptions`) laid over its own.
    #[napi(catch_unwind)]
    pub fn with_options(&self, options: Value) -> napi::Result<NativeClient> {
        let changes: CallOptions = from_fields(options).map_err(js)?;
        Ok(Self { client: self.client.with_options(self.client.options().merged(changes)) })
    }

    /// The typed call `method` with `fields`; the verified answer's fields.
    #[napi]
    pub async fn call(&self, method: String, fields: Value) -> napi::Result<Value> {
        self.client.call_fields(&method, fields).await.map_err(|e| to_js(&e))
    }

    /// Page or wap pay as a `form` or `url`; app pay's order string.
    #[napi(catch_unwind)]
    pub fn page(&self, method: String, fields: Value, format: String) -> napi::Result<String> {
        let format: PageFormat = format.parse().map_err(js)?;
        self.client.page_fields(&method, fields, format).map_err(|e| to_js(&e))
    }

    /// The bill's download URL asked for, the bill downloaded and parsed (the core's `Bill`).
    #[napi]
    pub async fn download_bill(&self, fields: Value) -> napi::Result<Value> {
        let request = from_fields(fields).map_err(js)?;
        let bill = self.client.download_bill(&request).await.map_err(|e| to_js(&e))?;
        to_fields(&bill).map_err(js)
    }

    /// Any method, `biz_content` an object (or `null`); the verified answer node (`ResponseNode`).
    #[napi]
    pub async fn execute(&self, method: String, biz_content: Option<Value>) -> napi::Result<Value> {
        let node = self.client.execute(&method, &biz_content.unwrap_or(Value::Null)).await.map_err(|e| to_js(&e))?;
        to_value(&node)
    }

    /// Any v3 API: `GET` or `POST` `path` with `query` pairs and a JSON `body`; the `V3Response`.
    #[napi]
    pub async fn execute_v3(
        &self,
        http_method: String,
        path: String,
        query: Option<Vec<(String, String)>>,
        body: Option<Value>,
    ) -> napi::Result<Value> {
        let http_method: HttpMethod = http_method.parse().map_err(js)?;
        let query = query.unwrap_or_default();
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let answer = self.client.execute_v3(http_method, &path, &pairs, body.as_ref()).await.map_err(|e| to_js(&e))?;
        to_value(&answer)
    }

    /// A multipart call: `method` with its text `fields` (signed) and `files` (not signed); the
    /// verified answer node (`ResponseNode`).
    #[napi]
    pub async fn upload(
        &self,
        method: String,
        fields: Option<BTreeMap<String, String>>,
        files: Vec<NativeUploadFile>,
    ) -> napi::Result<Value> {
        let files = upload_files(files).await?;
        let node = self.client.upload(&method, &fields.unwrap_or_default(), &files).await.map_err(|e| to_js(&e))?;
        to_value(&node)
    }

    /// `alipay.open.file.upload` of `file` for `biz_code`; the `OpenFileUploadResponse`.
    #[napi]
    pub async fn open_file_upload(&self, biz_code: String, file: NativeUploadFile) -> napi::Result<Value> {
        let request = OpenFileUploadRequest::new(biz_code, upload_file(file, "file").await?);
        to_fields(&self.client.open_file_upload(&request).await.map_err(|e| to_js(&e))?).map_err(js)
    }

    /// `alipay.offline.material.image.upload` of `image`; the `OfflineMaterialImageUploadResponse`.
    #[napi]
    pub async fn offline_material_image_upload(
        &self,
        image_type: String,
        image_name: String,
        image: NativeUploadFile,
        image_pid: Option<String>,
    ) -> napi::Result<Value> {
        let mut request =
            OfflineMaterialImageUploadRequest::new(image_type, image_name, upload_file(image, "image").await?);
        request.image_pid = image_pid;
        to_fields(&self.client.offline_material_image_upload(&request).await.map_err(|e| to_js(&e))?).map_err(js)
    }

    /// Verifies a notification (the raw body, or the decoded form) under `rule` `v1` or `v2`. In
    /// certificate mode a rotated Alipay certificate it names is first fetched and checked.
    #[napi]
    pub async fn verify_notification(
        &self,
        notification: Either<Buffer, BTreeMap<String, String>>,
        rule: Option<String>,
    ) -> napi::Result<NativeNotification> {
        let rule = notify_rule(rule)?;
        let params = notify_input(&notification).into_params().map_err(|e| to_js(&e))?;
        let verified = self.client.receive_notification_params(params, rule).await.map_err(|e| to_js(&e))?;
        Ok(NativeNotification::verified(verified))
    }
}
