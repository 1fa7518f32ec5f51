//! `alipay_core._native.NativeClient`: the core client, each method a blocking call (GIL released)
//! with an `_async` twin returning an asyncio awaitable. Fields go in and come out as dicts; the
//! Python package wraps them in typed result objects.

use alipay_core::client::{ClientSettings, PageFormat};
use alipay_core::error::InvalidInput;
use alipay_core::fields::{from_fields, to_fields};
use alipay_core::upload::{OfflineMaterialImageUploadRequest, OpenFileUploadRequest};
use alipay_core::{CallOptions, Client, Error};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::{Map, Value};

use crate::asyncio::awaitable;
use crate::errors::to_py;
use crate::key_source::KeySource;
use crate::notification::{VerifiedNotification, notify_input, notify_params, notify_rule};
use crate::primitives::ResponseNode;
use crate::runtime::block_on;
use crate::upload::{file_from_py, files_from_py};
use crate::values::{fields_to_json, json_to_py, optional_text, setting, text, text_pairs};

/// The native client; use `alipay_core.Client` or `alipay_core.AsyncClient`.
#[pyclass(module = "alipay_core._native", frozen)]
pub(crate) struct NativeClient {
    pub(crate) client: Client,
}

#[pymethods]
impl NativeClient {
    /// A client from its settings (the core's `ClientSettings`, as a dict): a key or certificate may
    /// be text, UTF-8 `bytes`, or an `os.PathLike` (read as the setting's `_file`).
    #[new]
    fn new(settings: &Bound<'_, PyDict>) -> PyResult<Self> {
        let mut fields = Map::new();
        for (name, value) in settings.iter() {
            let name = text(&name, "settings")?;
            let key = ClientSettings::KEYS.contains(&name.as_str());
            match key.then(|| KeySource::extract(&value, &name)).transpose()? {
                Some((text, file)) => {
                    fields.insert(name.clone(), text.map_or(Value::Null, Value::String));
                    fields.insert(format!("{name}_file"), file.map_or(Value::Null, Value::String));
                }
                None => {
                    fields.insert(name.clone(), setting(&value, &name)?);
                }
            }
        }
        let settings: ClientSettings = from_fields(Value::Object(fields)).map_err(|e| to_py(e.into()))?;
        Ok(Self { client: settings.build().map_err(to_py)? })
    }

    /// The app id.
    #[getter]
    fn app_id(&self) -> &str {
        &self.client.config().app_id
    }

    /// The gateway URL.
    #[getter]
    fn gateway(&self) -> &str {
        self.client.config().gateway.url()
    }

    /// A view of this client whose calls carry these options.
    #[pyo3(signature = (*, app_auth_token = None, notify_url = None, return_url = None, encrypt = None, params = None))]
    fn with_options(
        &self,
        app_auth_token: Option<&Bound<'_, PyAny>>,
        notify_url: Option<&Bound<'_, PyAny>>,
        return_url: Option<&Bound<'_, PyAny>>,
        encrypt: Option<bool>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut changes = CallOptions::new();
        changes.app_auth_token = optional_text(app_auth_token, "app_auth_token")?;
        changes.notify_url = optional_text(notify_url, "notify_url")?;
        changes.return_url = optional_text(return_url, "return_url")?;
        changes.encrypt = encrypt;
        if let Some(params) = params.filter(|p| !p.is_none()) {
            changes.extra_params = text_pairs(params, "params", "params")?;
        }
        let options = self.client.options().merged(changes);
        Ok(Self { client: self.client.with_options(options) })
    }

    /// The typed call `method` with `fields`; the verified answer's fields.
    fn call(&self, py: Python<'_>, method: String, fields: &Bound<'_, PyDict>) -> PyResult<Py<PyAny>> {
        let fields = fields_to_json(fields)?;
        let client = self.client.clone();
        let answer = block_on(py, async move { client.call_fields(&method, fields).await })?;
        Ok(json_to_py(py, &answer)?.unbind())
    }

    /// `call`, awaitable.
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        method: String,
        fields: &Bound<'_, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let fields = fields_to_json(fields)?;
        let client = self.client.clone();
        awaitable(py, async move { client.call_fields(&method, fields).await }, |py, answer| {
            Ok(json_to_py(py, &answer)?.unbind())
        })
    }

    /// Any method, `biz_content` as a dict (or `None`); the verified answer node.
    #[pyo3(signature = (method, biz_content = None))]
    fn execute(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        biz_content: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<ResponseNode> {
        let method = text(method, "method")?;
        let biz = biz_content.map(fields_to_json).transpose()?.unwrap_or(Value::Null);
        let client = self.client.clone();
        let node = block_on(py, async move { client.execute(&method, &biz).await })?;
        Ok(ResponseNode::from(node))
    }

    /// `execute`, awaitable.
    #[pyo3(signature = (method, biz_content = None))]
    fn execute_async<'py>(
        &self,
        py: Python<'py>,
        method: &Bound<'_, PyAny>,
        biz_content: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let method = text(method, "method")?;
        let biz = biz_content.map(fields_to_json).transpose()?.unwrap_or(Value::Null);
        let client = self.client.clone();
        awaitable(py, async move { client.execute(&method, &biz).await }, |_, node| Ok(ResponseNode::from(node)))
    }

    /// Page, wap or app pay: the form (`format="form"`) or URL (`"url"`); app pay's order string.
    /// Signing releases the GIL, so threads sign in parallel.
    fn page(&self, py: Python<'_>, method: &str, fields: &Bound<'_, PyDict>, format: &str) -> PyResult<String> {
        let format: PageFormat = format.parse().map_err(|e: InvalidInput| to_py(e.into()))?;
        let fields = fields_to_json(fields)?;
        py.detach(|| self.client.page_fields(method, fields, format)).map_err(to_py)
    }

    /// The bill's download URL asked for, downloaded and parsed; the bill's fields.
    fn download_bill(&self, py: Python<'_>, fields: &Bound<'_, PyDict>) -> PyResult<Py<PyAny>> {
        let fields = fields_to_json(fields)?;
        let client = self.client.clone();
        let bill = block_on(py, async move { download_bill(client, fields).await })?;
        Ok(json_to_py(py, &bill)?.unbind())
    }

    /// `download_bill`, awaitable.
    fn download_bill_async<'py>(&self, py: Python<'py>, fields: &Bound<'_, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        let fields = fields_to_json(fields)?;
        let client = self.client.clone();
        awaitable(
            py,
            async move { download_bill(client, fields).await },
            |py, bill| Ok(json_to_py(py, &bill)?.unbind()),
        )
    }

    /// A multipart upload: `fields` its text parameters (signed), `files` its files (dicts, see
    /// `upload.rs`); the verified answer node.
    fn upload(
        &self,
        py: Python<'_>,
        method: String,
        fields: &Bound<'_, PyAny>,
        files: &Bound<'_, PyAny>,
    ) -> PyResult<ResponseNode> {
        let (fields, files) = (text_pairs(fields, "fields", "fields")?, files_from_py(py, files)?);
        let client = self.client.clone();
        let node = block_on(py, async move { client.upload(&method, &fields, &files).await })?;
        Ok(ResponseNode::from(node))
    }

    /// `upload`, awaitable.
    fn upload_async<'py>(
        &self,
        py: Python<'py>,
        method: String,
        fields: &Bound<'_, PyAny>,
        files: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (fields, files) = (text_pairs(fields, "fields", "fields")?, files_from_py(py, files)?);
        let client = self.client.clone();
        awaitable(py, async move { client.upload(&method, &fields, &files).await }, |_, node| {
            Ok(ResponseNode::from(node))
        })
    }

    /// `alipay.open.file.upload`: the answer's fields (`file_id`).
    fn open_file_upload(&self, py: Python<'_>, biz_code: String, file: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let request = OpenFileUploadRequest::new(biz_code, file_from_py(py, file, "file")?);
        let client = self.client.clone();
        let answer = block_on(py, async move { to_fields(&client.open_file_upload(&request).await?) })?;
        Ok(json_to_py(py, &answer)?.unbind())
    }

    /// `open_file_upload`, awaitable.
    fn open_file_upload_async<'py>(
        &self,
        py: Python<'py>,
        biz_code: String,
        file: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = OpenFileUploadRequest::new(biz_code, file_from_py(py, file, "file")?);
        let client = self.client.clone();
        awaitable(py, async move { to_fields(&client.open_file_upload(&request).await?) }, |py, answer| {
            Ok(json_to_py(py, &answer)?.unbind())
        })
    }

    /// `alipay.offline.material.image.upload`: the answer's fields (`image_id`, `image_url`).
    #[pyo3(signature = (image_type, image_name, image, image_pid = None))]
    fn offline_material_image_upload(
        &self,
        py: Python<'_>,
        image_type: String,
        image_name: String,
        image: &Bound<'_, PyAny>,
        image_pid: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let request = image_request(py, image_type, image_name, image, image_pid)?;
        let client = self.client.clone();
        let answer = block_on(py, async move { to_fields(&client.offline_material_image_upload(&request).await?) })?;
        Ok(json_to_py(py, &answer)?.unbind())
    }

    /// `offline_material_image_upload`, awaitable.
    #[pyo3(signature = (image_type, image_name, image, image_pid = None))]
    fn offline_material_image_upload_async<'py>(
        &self,
        py: Python<'py>,
        image_type: String,
        image_name: String,
        image: &Bound<'_, PyAny>,
        image_pid: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = image_request(py, image_type, image_name, image, image_pid)?;
        let client = self.client.clone();
        awaitable(py, async move { to_fields(&client.offline_material_image_upload(&request).await?) }, |py, answer| {
            Ok(json_to_py(py, &answer)?.unbind())
        })
    }

    /// Verifies a notification (raw body or decoded form) with the GIL released; in certificate mode
    /// a rotated Alipay certificate it names is first fetched and checked (on the runtime).
    #[pyo3(signature = (notification, rule = "v1"))]
    fn verify_notification(
        &self,
        py: Python<'_>,
        notification: &Bound<'_, PyAny>,
        rule: &str,
    ) -> PyResult<VerifiedNotification> {
        let (input, rule, client) = (notify_input(notification)?, notify_rule(rule)?, self.client.clone());
        // Decoding and verifying are pure CPU work, done without the GIL; only a certificate download
        // (certificate mode, a certificate not seen yet) goes to the runtime.
        let verified = match py.detach(|| client.verify_notification_now(input, rule)).map_err(to_py)? {
            Ok(verified) => verified,
            Err(params) => block_on(py, async move { client.receive_notification_params(params, rule).await })?,
        };
        Ok(verified.into())
    }

    /// `verify_notification`, awaitable.
    #[pyo3(signature = (notification, rule = "v1"))]
    fn verify_notification_async<'py>(
        &self,
        py: Python<'py>,
        notification: &Bound<'_, PyAny>,
        rule: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (params, rule) = notify_params(notification, rule)?;
        let client = self.client.clone();
        awaitable(py, async move { client.receive_notification_params(params, rule).await }, |_, verified| {
            Ok(VerifiedNotification::from(verified))
        })
    }
}

fn image_request(
    py: Python<'_>,
    image_type: String,
    image_name: String,
    image: &Bound<'_, PyAny>,
    image_pid: Option<String>,
) -> PyResult<OfflineMaterialImageUploadRequest> {
    let mut request = OfflineMaterialImageUploadRequest::new(image_type, image_name, file_from_py(py, image, "image")?);
    request.image_pid = image_pid;
    Ok(request)
}

async fn download_bill(client: Client, fields: Value) -> Result<Value, Error> {
    let request = alipay_core::fields::from_fields(fields)?;
    alipay_core::fields::to_fields(&client.download_bill(&request).await?)
}
