//! `alipay_core._native.NativeClient`: the core client, each method a blocking call (GIL released)
//! with an `_async` twin returning an asyncio awaitable. Fields go in and come out as dicts; the
//! Python package wraps them in typed result objects.

use alipay_core::client::{ClientSettings, PageFormat};
use alipay_core::error::InvalidInput;
use alipay_core::{CallOptions, Client, Error};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::asyncio::awaitable;
use crate::errors::to_py;
use crate::key_source::KeySource;
use crate::notification::{VerifiedNotification, notify_input, notify_params, notify_rule};
use crate::primitives::ResponseNode;
use crate::runtime::block_on;
use crate::values::{fields_to_json, json_to_py, optional_text, text, text_pairs};

/// The native client; use `alipay_core.Client` or `alipay_core.AsyncClient`.
#[pyclass(module = "alipay_core._native", frozen)]
pub(crate) struct NativeClient {
    pub(crate) client: Client,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (
        app_id, app_private_key, alipay_public_key = None, *, gateway = None, protocol = None,
        sign_type = None, charset = None,
        app_cert = None, alipay_cert = None, alipay_root_cert = None, encrypt_key = None,
        encrypt_by_default = false, connect_timeout = None, timeout = None, proxy = None, user_agent = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        app_id: &Bound<'_, PyAny>,
        app_private_key: KeySource,
        alipay_public_key: Option<KeySource>,
        gateway: Option<&Bound<'_, PyAny>>,
        protocol: Option<&Bound<'_, PyAny>>,
        sign_type: Option<&Bound<'_, PyAny>>,
        charset: Option<&Bound<'_, PyAny>>,
        app_cert: Option<KeySource>,
        alipay_cert: Option<KeySource>,
        alipay_root_cert: Option<KeySource>,
        encrypt_key: Option<&Bound<'_, PyAny>>,
        encrypt_by_default: bool,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        timeout: Option<&Bound<'_, PyAny>>,
        proxy: Option<&Bound<'_, PyAny>>,
        user_agent: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let seconds = |value: Option<&Bound<'_, PyAny>>, field: &str| {
            value.filter(|v| !v.is_none()).map(|v| crate::values::seconds(v, field)).transpose()
        };
        let mut s = ClientSettings::default();
        s.app_id = text(app_id, "app_id")?;
        (s.app_private_key, s.app_private_key_file) = app_private_key.split("app_private_key")?;
        (s.alipay_public_key, s.alipay_public_key_file) =
            KeySource::split_optional(alipay_public_key, "alipay_public_key")?;
        (s.app_cert, s.app_cert_file) = KeySource::split_optional(app_cert, "app_cert")?;
        (s.alipay_cert, s.alipay_cert_file) = KeySource::split_optional(alipay_cert, "alipay_cert")?;
        (s.alipay_root_cert, s.alipay_root_cert_file) =
            KeySource::split_optional(alipay_root_cert, "alipay_root_cert")?;
        s.gateway = optional_text(gateway, "gateway")?;
        s.protocol = optional_text(protocol, "protocol")?;
        s.sign_type = optional_text(sign_type, "sign_type")?;
        s.charset = optional_text(charset, "charset")?;
        s.encrypt_key = optional_text(encrypt_key, "encrypt_key")?;
        s.encrypt_by_default = encrypt_by_default;
        s.connect_timeout = seconds(connect_timeout, "connect_timeout")?;
        s.timeout = seconds(timeout, "timeout")?;
        s.proxy = optional_text(proxy, "proxy")?;
        s.user_agent = optional_text(user_agent, "user_agent")?;
        Ok(Self { client: s.build().map_err(to_py)? })
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

async fn download_bill(client: Client, fields: Value) -> Result<Value, Error> {
    let request = alipay_core::fields::from_fields(fields)?;
    alipay_core::fields::to_fields(&client.download_bill(&request).await?)
}
