//! [`Client::upload`]: multipart calls in v2 and v3 (see [`crate::upload`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::multipart::Multipart;
use super::{Client, Protocol, params, parse_node};
use crate::error::{Error, InvalidInput};
use crate::response::{Expected, ResponseNode, check_bound};
use crate::transport::{HttpMethod, HttpRequest};
use crate::upload::{
    MAX_UPLOAD_BYTES, OfflineMaterialImageUploadRequest, OfflineMaterialImageUploadResponse, OpenFileUploadRequest,
    OpenFileUploadResponse, UploadFile, check_name,
};
use crate::v3;

/// The files fit the limit, their names can be sent, and no field is given twice.
fn check(fields: &BTreeMap<String, String>, files: &[UploadFile]) -> Result<(), InvalidInput> {
    if files.is_empty() {
        return Err(InvalidInput::new("files", "an upload sends at least one file"));
    }
    let total: usize = files.iter().map(|f| f.content.len()).sum();
    if total > MAX_UPLOAD_BYTES {
        return Err(InvalidInput::new("files", format!("{total} bytes; at most {MAX_UPLOAD_BYTES} are uploaded")));
    }
    for name in fields.keys() {
        check_name("fields", name)?;
    }
    for file in files {
        file.validate()?;
        if fields.contains_key(&file.field) {
            return Err(InvalidInput::new("files", format!("`{}` is both a text field and a file", file.field)));
        }
    }
    Ok(())
}

impl Client {
    /// Calls a multipart API: `fields` are its text parameters (signed), `files` its files (not
    /// signed: Alipay signs only text), in v2 or v3 as this client speaks. The answer is verified and
    /// must be this call's own, like every other.
    ///
    /// In v2, a field named `biz_content` is the business content; the others are top-level
    /// parameters, as these APIs define them (`biz_code`, `image_type`, …). In v3, every field is a
    /// member of the JSON `data` part.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when there is no file, the files pass [`MAX_UPLOAD_BYTES`], a name
    /// cannot be sent (a quote, a control character), a content type is malformed, a field is one the
    /// client sets itself, or encryption is asked for (Alipay encrypts no upload). Otherwise as
    /// [`Client::execute_raw`].
    pub async fn upload(
        &self,
        method: &str,
        fields: &BTreeMap<String, String>,
        files: &[UploadFile],
    ) -> Result<ResponseNode, Error> {
        check(fields, files)?;
        let config = &self.inner.config;
        if self.options.encrypt.unwrap_or(config.encrypt_by_default) {
            return Err(InvalidInput::new("encrypt", "Alipay encrypts no upload: call it with encryption off").into());
        }
        let expected =
            Expected::from_fields(&fields.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect());
        let observed = crate::observe::ObservedCall::start(method, config.protocol, None);
        let call = async {
            let node = if config.protocol == Protocol::V3 {
                self.upload_v3(method, fields, files).await?
            } else {
                self.upload_v2(method, fields, files).await?
            };
            check_bound(&node, &expected)?;
            Ok(node.into_accepted()?)
        };
        let result = tracing::Instrument::instrument(call, observed.span().clone()).await;
        observed.finish(&result);
        result
    }

    async fn upload_v2(
        &self,
        method: &str,
        fields: &BTreeMap<String, String>,
        files: &[UploadFile],
    ) -> Result<ResponseNode, Error> {
        let config = &self.inner.config;
        let biz_content = fields.get("biz_content").map(String::as_str);
        let mut options = (*self.options).clone();
        for (name, value) in fields.iter().filter(|(n, _)| *n != "biz_content") {
            options.extra_params.insert(name.clone(), value.clone());
        }
        let signed = params::signed_params(config, method, biz_content, &options, &self.timestamp())?;
        let (query, texts) = params::split_for_post(&signed);
        let url = params::url_with_query(config.gateway.url(), &params::form_encode(query, config.charset));
        let mut form = Multipart::new();
        for (name, value) in &texts {
            form.text(name, None, &config.charset.encode(value)?);
        }
        form.files(files)?;
        let (body, content_type) = form.finish();
        let request = HttpRequest {
            method: HttpMethod::Post,
            url,
            headers: vec![("content-type".into(), content_type)],
            body,
            max_body_bytes: Some(crate::transport::MAX_ANSWER_BYTES),
        };
        let response = self.send(request).await?;
        self.verify_answer(&response.body, method).await
    }

    async fn upload_v3(
        &self,
        method: &str,
        fields: &BTreeMap<String, String>,
        files: &[UploadFile],
    ) -> Result<ResponseNode, Error> {
        let route = v3::route(method);
        let data: Map<String, Value> = fields.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect();
        let data = serde_json::to_string(&data).map_err(|e| InvalidInput::new("fields", e.to_string()))?;
        // The signature covers the `data` part's JSON, as the official SDKs sign it; the files are not signed.
        let mut prepared = self.prepare_v3(HttpMethod::Post, &route.path, Some(&data))?;
        let mut form = Multipart::new();
        form.text("data", Some("application/json"), data.as_bytes());
        form.files(files)?;
        let (body, content_type) = form.finish();
        prepared.request.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
        prepared.request.headers.push(("content-type".into(), content_type));
        prepared.request.body = body;
        let answer = self.send_v3(method, prepared).await?;
        Ok(v3::success_node(method, answer.raw)?)
    }

    /// `alipay.open.file.upload`.
    ///
    /// # Errors
    /// As [`Client::upload`].
    pub async fn open_file_upload(&self, request: &OpenFileUploadRequest) -> Result<OpenFileUploadResponse, Error> {
        let fields = BTreeMap::from([("biz_code".to_string(), request.biz_code.clone())]);
        parse_node(self.upload(OpenFileUploadRequest::METHOD, &fields, std::slice::from_ref(&request.file)).await?)
    }

    /// `alipay.offline.material.image.upload`.
    ///
    /// # Errors
    /// As [`Client::upload`].
    pub async fn offline_material_image_upload(
        &self,
        request: &OfflineMaterialImageUploadRequest,
    ) -> Result<OfflineMaterialImageUploadResponse, Error> {
        let mut fields = BTreeMap::from([
            ("image_type".to_string(), request.image_type.clone()),
            ("image_name".to_string(), request.image_name.clone()),
        ]);
        if let Some(pid) = &request.image_pid {
            fields.insert("image_pid".into(), pid.clone());
        }
        let files = std::slice::from_ref(&request.image_content);
        parse_node(self.upload(OfflineMaterialImageUploadRequest::METHOD, &fields, files).await?)
    }
}
