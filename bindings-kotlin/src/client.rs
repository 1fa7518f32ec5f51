//! `AlipayClient`: the core's `Client`, made from its `ClientSettings` record. Every typed call is an
//! async method taking the core's request record and returning its verified answer record; page, wap
//! and app pay sign without a call.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use alipay_core::bill::{Bill, BillDownloadUrlQueryRequest, BillDownloadUrlQueryResponse};
use alipay_core::client::{ClientSettings, V3Response};
use alipay_core::ffi::JsonValue;
use alipay_core::response::ResponseNodeShape;
use alipay_core::trade::*;
use alipay_core::transport::HttpMethod;
use alipay_core::upload::{
    OfflineMaterialImageUploadRequest, OfflineMaterialImageUploadResponse, OpenFileUploadRequest,
    OpenFileUploadResponse, UploadFile,
};
use alipay_core::{CallOptions, Client, PageFormat};

use crate::error::{Result, guarded, guarded_sync};
use crate::notification::VerifiedNotification;
use crate::primitives::{NotificationInput, notify_rule};

/// A client for one app. Every answer is verified, and believed only for the request it answers.
#[derive(uniffi::Object)]
pub struct AlipayClient {
    pub(crate) client: Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl AlipayClient {
    /// A client from its settings; a setting that cannot work throws `AlipayException.Config`
    /// naming it.
    #[uniffi::constructor]
    pub fn new(settings: ClientSettings) -> Result<Arc<Self>> {
        guarded_sync(|| Ok(Arc::new(Self { client: settings.build()? })))
    }

    /// The app id.
    pub fn app_id(&self) -> String {
        self.client.config().app_id.clone()
    }

    /// The gateway URL.
    pub fn gateway(&self) -> String {
        self.client.config().gateway.url().to_string()
    }

    /// The same client with `options` (an ISV's `app_auth_token`, `notify_url`, …) laid over its own.
    pub fn with_options(&self, options: CallOptions) -> Arc<Self> {
        Arc::new(Self { client: self.client.with_options(self.client.options().merged(options)) })
    }

    /// Any method, `biz_content` a JSON object's text (or `null`); the verified answer node.
    pub async fn execute(&self, method: String, biz_content: Option<JsonValue>) -> Result<ResponseNodeShape> {
        let biz = biz_content.unwrap_or(JsonValue::Null);
        guarded(async { Ok(ResponseNodeShape::from(&self.client.execute(&method, &biz).await?)) }).await
    }

    /// Any v3 API: `GET` or `POST` `path` (like `/v3/alipay/trade/query`) with `query` pairs and a
    /// JSON `body`; the verified answer.
    pub async fn execute_v3(
        &self,
        http_method: String,
        path: String,
        query: HashMap<String, String>,
        body: Option<JsonValue>,
    ) -> Result<V3Response> {
        guarded(async {
            let http_method: HttpMethod = http_method.parse()?;
            let mut pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            pairs.sort_unstable();
            Ok(self.client.execute_v3(http_method, &path, &pairs, body.as_ref()).await?)
        })
        .await
    }

    /// Any multipart API (`alipay.open.file.upload`, …): `fields` its text parameters (signed; in v2
    /// a `biz_content` field is the business content), `files` its files (not signed); the verified
    /// answer node. No file, more than 50 MiB, or a name that cannot be sent throws
    /// `AlipayException.InvalidInput`.
    pub async fn upload(
        &self,
        method: String,
        fields: HashMap<String, String>,
        files: Vec<UploadFile>,
    ) -> Result<ResponseNodeShape> {
        guarded(async {
            let fields: BTreeMap<String, String> = fields.into_iter().collect();
            Ok(ResponseNodeShape::from(&self.client.upload(&method, &fields, &files).await?))
        })
        .await
    }

    /// `alipay.open.file.upload`: `file` (sent in the field `file_content`) for `biz_code`; its `file_id`.
    pub async fn open_file_upload(&self, biz_code: String, file: UploadFile) -> Result<OpenFileUploadResponse> {
        guarded(async { Ok(self.client.open_file_upload(&OpenFileUploadRequest::new(biz_code, file)).await?) }).await
    }

    /// `alipay.offline.material.image.upload`: `image` (sent in the field `image_content`) of
    /// `image_type` (`jpg`, `jpeg`, `png`, `bmp`, `gif`) named `image_name`, for the partner `image_pid`
    /// (ISVs); its `image_id` and `image_url`.
    #[uniffi::method(default(image_pid = None))]
    pub async fn offline_material_image_upload(
        &self,
        image_type: String,
        image_name: String,
        image: UploadFile,
        image_pid: Option<String>,
    ) -> Result<OfflineMaterialImageUploadResponse> {
        guarded(async {
            let mut request = OfflineMaterialImageUploadRequest::new(image_type, image_name, image);
            request.image_pid = image_pid;
            Ok(self.client.offline_material_image_upload(&request).await?)
        })
        .await
    }

    /// Verifies a notification (the raw body, or the decoded form) under `rule` `v1` (trade
    /// notifications) or `v2`. In certificate mode a rotated Alipay certificate it names is first
    /// fetched and checked.
    pub async fn verify_notification(
        &self,
        notification: NotificationInput,
        rule: String,
    ) -> Result<Arc<VerifiedNotification>> {
        guarded(async {
            let rule = notify_rule(&rule)?;
            let params = notification.to_core().into_params()?;
            Ok(Arc::new(VerifiedNotification::from(self.client.receive_notification_params(params, rule).await?)))
        })
        .await
    }
}

/// The typed calls, one method per row of the core's call table (`alipay_core::for_each_typed_call`).
macro_rules! typed_calls {
    (
        call { $($call:ident: $call_request:ident => $call_response:ident,)+ }
        bill_download { $($bill:ident: $bill_request:ident => $bill_response:ident,)+ }
        page { $($page:ident: $page_request:ident,)+ }
        app_pay { $($app:ident: $app_request:ident,)+ }
    ) => {
        #[uniffi::export(async_runtime = "tokio")]
        impl AlipayClient {
            $(
                /// The typed call of this name: the verified answer to `request`.
                pub async fn $call(&self, request: $call_request) -> Result<$call_response> {
                    guarded(async { Ok(self.client.$call(&request).await?) }).await
                }
            )+
            $(
                /// The bill's download URL asked for, the bill downloaded and parsed.
                pub async fn $bill(&self, request: $bill_request) -> Result<$bill_response> {
                    guarded(async { Ok(self.client.$bill(&request).await?) }).await
                }
            )+
            $(
                /// Signed, not sent: the form (`Form`) or URL (`Url`) to hand to the browser.
                pub fn $page(&self, request: $page_request, format: PageFormat) -> Result<String> {
                    guarded_sync(|| Ok(self.client.$page(&request, format)?))
                }
            )+
            $(
                /// Signed, not sent: the order string for the Alipay mobile SDK.
                pub fn $app(&self, request: $app_request) -> Result<String> {
                    guarded_sync(|| Ok(self.client.$app(&request)?))
                }
            )+
        }
    };
}

alipay_core::for_each_typed_call!(typed_calls);
