//! The primitives, string in and string out (`alipay_core::primitives`): for debugging signatures and
//! for conformance tests replaying the shared vectors.

use std::collections::BTreeMap;

use alipay_core::primitives;
use pyo3::prelude::*;
use serde_json::{Map, Value};

use crate::errors::to_py;
use crate::notification::{notify_input, notify_rule};
use crate::values::answer_to_py;

/// The exact text a request signature covers: the non-empty parameters, sorted, as `k=v&…`.
#[pyfunction]
pub(crate) fn build_sign_content(params: BTreeMap<String, String>) -> String {
    primitives::build_sign_content(&params)
}

/// Signs `params` and returns the base64 `sign` (the GIL is released while it signs).
#[pyfunction]
#[pyo3(signature = (params, private_key, sign_type = "RSA2", charset = "utf-8"))]
pub(crate) fn sign_params(
    py: Python<'_>,
    params: BTreeMap<String, String>,
    private_key: &str,
    sign_type: &str,
    charset: &str,
) -> PyResult<String> {
    py.detach(|| primitives::sign_params(&params, private_key, sign_type, charset)).map_err(to_py)
}

/// Verifies a raw gateway answer to `method` and returns its node (the GIL is released meanwhile).
#[pyfunction]
#[pyo3(signature = (raw_body, method, alipay_public_key, sign_type = "RSA2", charset = "utf-8"))]
pub(crate) fn verify_response(
    py: Python<'_>,
    raw_body: &[u8],
    method: &str,
    alipay_public_key: &str,
    sign_type: &str,
    charset: &str,
) -> PyResult<ResponseNode> {
    let verified = py.detach(|| primitives::verify_response(raw_body, method, alipay_public_key, sign_type, charset));
    let node = verified.map_err(to_py)?;
    Ok(ResponseNode::from(node))
}

/// A verified answer node: `raw` is the JSON text exactly as signed; `signed` is `False` only for an
/// error node Alipay sent unsigned; `data` is the node as a dict, read from `raw` (so numbers keep
/// their exact text).
#[pyclass(module = "alipay_core", frozen)]
pub(crate) struct ResponseNode {
    #[pyo3(get)]
    method: String,
    #[pyo3(get)]
    node_name: String,
    #[pyo3(get)]
    raw: String,
    #[pyo3(get)]
    signed: bool,
    #[pyo3(get)]
    alipay_cert_sn: Option<String>,
    #[pyo3(get)]
    code: String,
    #[pyo3(get)]
    msg: String,
    #[pyo3(get)]
    sub_code: Option<String>,
    #[pyo3(get)]
    sub_msg: Option<String>,
    value: Map<String, Value>,
}

impl From<alipay_core::response::ResponseNode> for ResponseNode {
    fn from(n: alipay_core::response::ResponseNode) -> Self {
        Self {
            code: n.code().to_string(),
            msg: n.msg().to_string(),
            sub_code: n.sub_code().map(str::to_string),
            sub_msg: n.sub_msg().map(str::to_string),
            method: n.method,
            node_name: n.node_name,
            raw: n.raw,
            signed: n.signed,
            alipay_cert_sn: n.alipay_cert_sn,
            value: n.value,
        }
    }
}

#[pymethods]
impl ResponseNode {
    /// The node's fields as a dict (non-integer numbers as `Decimal`, with their text as signed).
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        answer_to_py(py, &self.raw, &self.value)
    }

    fn __repr__(&self) -> String {
        format!("ResponseNode(method={:?}, code={:?}, signed={})", self.method, self.code, self.signed)
    }
}

/// Verifies a notification — the raw form body (`bytes`) or a framework's decoded form (`dict`) —
/// under rule `"v1"` (trade notifications) or `"v2"`, with the `sign_type` you configured (never the
/// notification's own); returns the fields its signature covers. The GIL is released meanwhile.
#[pyfunction]
#[pyo3(signature = (notification, alipay_public_key, rule = "v1", sign_type = "RSA2"))]
pub(crate) fn verify_notify(
    py: Python<'_>,
    notification: &Bound<'_, PyAny>,
    alipay_public_key: &str,
    rule: &str,
    sign_type: &str,
) -> PyResult<BTreeMap<String, String>> {
    let rule = notify_rule(rule)?;
    let input = notify_input(notification)?;
    py.detach(|| primitives::verify_notify(input, alipay_public_key, rule, sign_type)).map_err(to_py)
}

/// The SN of a certificate (`app_cert_sn`, or the Alipay certificate's).
#[pyfunction]
pub(crate) fn cert_sn(pem: &str) -> PyResult<String> {
    alipay_core::cert::cert_sn(pem).map_err(|e| to_py(e.into()))
}

/// `alipay_root_cert_sn` of Alipay's root certificate file.
#[pyfunction]
pub(crate) fn root_cert_sn(pem: &str) -> PyResult<String> {
    alipay_core::cert::root_cert_sn(pem).map_err(|e| to_py(e.into()))
}
