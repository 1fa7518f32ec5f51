//! The client in v3 mode (Alipay's OpenAPI v3 reference): a call becomes `POST /v3/<method as a
//! path>` (or `GET` with the fields in the query), signed in the `Authorization` header; the answer is verified over its
//! `alipay-timestamp`, `alipay-nonce` and raw body with the key of the certificate `alipay-sn` names,
//! decrypted when the call was encrypted, and only then read.

use serde_json::{Map, Value};

use super::Client;
use crate::error::{DecodeError, Error, InvalidInput, SignatureError, TransportError, TransportErrorKind};
use crate::response::ResponseNode;
use crate::transport::{HttpMethod, HttpRequest, HttpResponse};
use crate::v3;

/// A verified v3 answer (HTTP 2xx) from [`Client::execute_v3`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct V3Response {
    /// The HTTP status.
    pub status: u16,
    /// The body as text — the decrypted text when the call was encrypted. Empty when Alipay sent none.
    pub raw: String,
    /// The body parsed (`null` when empty).
    pub body: Value,
    /// Alipay's `alipay-trace-id`, for support requests.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trace_id: Option<String>,
}

/// A v3 request ready to send, and whether its body is encrypted (then so is the answer's).
pub(super) struct Prepared {
    pub(super) request: HttpRequest,
    encrypted: bool,
}

impl Client {
    /// Calls any v3 API: `path` like `/v3/alipay/user/info/share`, `query` pairs appended to it
    /// (form-encoded, in the order given), `body` the JSON body of a `POST`. Works in either protocol
    /// mode; this client's options apply (`app_auth_token` as the `alipay-app-auth-token` header, AES
    /// encryption of the body).
    ///
    /// # Errors
    /// * [`Error::Gateway`] for an HTTP 4xx/5xx v3 error answer (`sub_code` holds the v3 `code`,
    ///   `http_status`, `links` and `trace_id` are set; check `verified`).
    /// * [`Error::Signature`] when the answer does not verify, or a success is unsigned.
    /// * [`Error::Transport`] when no answer came, or a non-2xx one that is not a v3 error.
    /// * [`Error::Decode`] when a verified answer cannot be decrypted or is not JSON.
    /// * [`Error::InvalidInput`] for a `path` that is not under `/v3/`, or a `GET` with a body.
    pub async fn execute_v3(
        &self,
        http_method: HttpMethod,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<V3Response, Error> {
        if !path.starts_with("/v3/") || path.contains(['?', '#']) {
            return Err(
                InvalidInput::new("path", format!("{path:?} is not a v3 path like /v3/alipay/trade/query")).into()
            );
        }
        let mut uri = path.to_string();
        if !query.is_empty() {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.extend_pairs(query);
            uri = format!("{uri}?{}", q.finish());
        }
        let text = match body {
            None | Some(Value::Null) => None,
            Some(v) => Some(serde_json::to_string(v).map_err(|e| InvalidInput::new("body", e.to_string()))?),
        };
        let prepared = self.prepare_v3(http_method, &uri, text.as_deref())?;
        self.send_v3(&format!("{} {path}", http_method.as_str()), prepared).await
    }

    /// Builds the signed v3 request for a call without sending it: `path_and_query` exactly as it will
    /// be sent (it is signed), `body` the JSON text of a `POST` (encrypted here when this client
    /// encrypts).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a `GET` with a body; [`Error::Config`] when encryption is asked for
    /// without an encrypt key.
    pub fn build_v3_request(
        &self,
        http_method: HttpMethod,
        path_and_query: &str,
        body: Option<&str>,
    ) -> Result<HttpRequest, Error> {
        Ok(self.prepare_v3(http_method, path_and_query, body)?.request)
    }

    /// A v2-named method over v3, answered as the node the typed responses read (see
    /// [`crate::v3::success_node`]).
    pub(crate) async fn execute_raw_v3(&self, method: &str, biz_content: Option<&str>) -> Result<ResponseNode, Error> {
        let route = v3::route(method);
        let (uri, body) = self.v3_target(method, &route, biz_content)?;
        let prepared = self.prepare_v3(route.http_method, &uri, body.as_deref())?;
        let answer = self.send_v3(method, prepared).await?;
        Ok(v3::success_node(method, answer.raw)?)
    }

    /// Where a method's business content goes in v3: the body of a `POST` (with the options'
    /// `notify_url`/`return_url`, which v3 carries as body fields), or the query of a `GET`.
    fn v3_target(
        &self,
        method: &str,
        route: &v3::Route,
        biz_content: Option<&str>,
    ) -> Result<(String, Option<String>), Error> {
        if let Some(name) = self.options.extra_params.keys().next() {
            return Err(InvalidInput::new(
                name.clone(),
                "extra parameters are v2 common parameters; a v3 call has none (put business fields in the content)",
            )
            .into());
        }
        let urls = [("notify_url", &self.options.notify_url), ("return_url", &self.options.return_url)];
        let needs_fields = route.http_method == HttpMethod::Get || urls.iter().any(|(_, v)| v.is_some());
        if !needs_fields {
            return Ok((route.path.clone(), biz_content.map(str::to_string)));
        }
        let mut fields = match biz_content.map(serde_json::from_str::<Value>) {
            None => Map::new(),
            Some(Ok(Value::Object(map))) => map,
            Some(_) => {
                return Err(InvalidInput::new("biz_content", format!("{method} over v3 needs a JSON object")).into());
            }
        };
        if route.http_method == HttpMethod::Get {
            let query = v3::query_string(&fields)?;
            let uri = if query.is_empty() { route.path.clone() } else { format!("{}?{query}", route.path) };
            return Ok((uri, None));
        }
        for (name, value) in urls {
            if let Some(v) = value {
                fields.entry(name).or_insert_with(|| Value::String(v.clone()));
            }
        }
        let text = serde_json::to_string(&fields).map_err(|e| InvalidInput::new("biz_content", e.to_string()))?;
        Ok((route.path.clone(), Some(text)))
    }

    pub(super) fn prepare_v3(&self, http_method: HttpMethod, uri: &str, body: Option<&str>) -> Result<Prepared, Error> {
        let config = &self.inner.config;
        if http_method == HttpMethod::Get && body.is_some() {
            return Err(InvalidInput::new("body", "a GET request carries no body").into());
        }
        let mut headers = vec![
            ("accept".to_string(), "application/json".to_string()),
            (v3::HEADER_REQUEST_ID.to_string(), v3::new_nonce().replace('-', "")),
        ];
        let encrypted = body.is_some() && self.options.encrypt.unwrap_or(config.encrypt_by_default);
        let body_text = match body {
            None => String::new(),
            Some(json) if encrypted => {
                let key = config.encrypt_key.as_ref().ok_or(crate::error::ConfigError::Missing("encrypt_key"))?;
                headers.push(("content-type".into(), "text/plain".into()));
                headers.push((v3::HEADER_ENCRYPT_TYPE.into(), "AES".into()));
                headers.push((v3::HEADER_ENCRYPTION_ALGM.into(), "AES".into()));
                key.encrypt(json.as_bytes())
            }
            Some(json) => {
                headers.push(("content-type".into(), "application/json".into()));
                json.to_string()
            }
        };
        if let Some(mode) = &config.cert_mode {
            headers.push((v3::HEADER_ROOT_CERT_SN.into(), mode.alipay_root_cert_sn().to_string()));
        }
        let token = self.options.app_auth_token.as_deref().filter(|t| !t.trim().is_empty());
        if let Some(token) = token {
            headers.push((v3::HEADER_APP_AUTH_TOKEN.into(), token.to_string()));
        }
        let millis = crate::clock::unix_millis(self.inner.clock.now());
        let app_cert_sn = config.cert_mode.as_ref().map(|m| m.app_cert_sn());
        let auth = v3::AuthString::new(&config.app_id, app_cert_sn, &v3::new_nonce(), millis);
        let content = v3::string_to_sign(&auth, http_method.as_str(), uri, &body_text, token);
        headers.push(("authorization".into(), v3::authorization_header(&auth, &config.app_private_key, &content)?));
        let url = format!("{}{uri}", config.gateway.v3_base_url());
        Ok(Prepared {
            request: HttpRequest {
                method: http_method,
                url,
                headers,
                body: body_text.into_bytes(),
                max_body_bytes: Some(crate::transport::MAX_ANSWER_BYTES),
            },
            encrypted,
        })
    }

    /// Sends a prepared request and reads the answer: verified first, then decrypted, then parsed.
    /// `what` names the call in errors (the method, or `POST /v3/...`).
    pub(super) async fn send_v3(&self, what: &str, prepared: Prepared) -> Result<V3Response, Error> {
        let response = self.inner.transport.send(prepared.request).await?;
        crate::observe::record_response(&response);
        let signed = self.verify_v3(&response, what).await?;
        let status = response.status;
        if !(200..300).contains(&status) {
            return Err(match v3::gateway_error(what, status, &response.body, signed) {
                Some(mut refusal) => {
                    refusal.trace_id = response.header(v3::HEADER_TRACE_ID).map(str::to_string);
                    refusal.into()
                }
                None => TransportError::outcome_unknown(
                    TransportErrorKind::Status(status),
                    format!("{what}: HTTP {status} without a v3 error body"),
                )
                .into(),
            });
        }
        if !signed {
            return Err(SignatureError::Missing { what: format!("{what} (v3 answer)") }.into());
        }
        let trace_id = response.header(v3::HEADER_TRACE_ID).map(str::to_string);
        let raw = String::from_utf8(response.body)
            .map_err(|_| DecodeError::new(format!("the v3 answer to {what} is not UTF-8")))?;
        let raw = if prepared.encrypted && !raw.is_empty() { self.decrypt_v3(what, raw)? } else { raw };
        let body = if raw.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&raw).map_err(|e| DecodeError {
                message: format!("the v3 answer to {what} is not JSON: {e}"),
                verified_node: Some(raw.clone()),
            })?
        };
        Ok(V3Response { status, raw, body, trace_id })
    }

    /// Verifies an answer's signature headers. `Ok(false)` when the answer carries no signature at all
    /// (believable for nothing but an error); a signature that does not verify is an error.
    async fn verify_v3(&self, response: &HttpResponse, what: &str) -> Result<bool, Error> {
        let Some(signature) = response.header(v3::HEADER_SIGNATURE) else { return Ok(false) };
        let key = self.alipay_key_for(response.header(v3::HEADER_ALIPAY_SN)).await?;
        v3::verify_response(
            response.header(v3::HEADER_TIMESTAMP),
            response.header(v3::HEADER_NONCE),
            Some(signature),
            &response.body,
            &key,
        )
        .and_then(|()| v3::check_fresh(response.header(v3::HEADER_TIMESTAMP), self.inner.clock.now()))
        .map_err(|e| rename(e, what))?;
        Ok(true)
    }

    fn decrypt_v3(&self, what: &str, ciphertext: String) -> Result<String, Error> {
        let key = self.inner.config.encrypt_key.as_ref().ok_or(crate::error::ConfigError::Missing("encrypt_key"))?;
        let undecryptable = |reason: &str| DecodeError {
            message: format!("the verified v3 answer to {what} {reason}"),
            verified_node: Some(ciphertext.clone()),
        };
        let plain =
            key.decrypt(ciphertext.trim()).map_err(|_| undecryptable("does not decrypt with the encrypt key"))?;
        Ok(String::from_utf8(plain).map_err(|_| undecryptable("decrypts to text that is not UTF-8"))?)
    }
}

/// Names the call in a signature error (`v3 answer` → `alipay.trade.pay (v3 answer)`).
fn rename(e: SignatureError, what: &str) -> SignatureError {
    let named = |w: String| format!("{what} ({w})");
    match e {
        SignatureError::Mismatch { what: w } => SignatureError::Mismatch { what: named(w) },
        SignatureError::Missing { what: w } => SignatureError::Missing { what: named(w) },
        SignatureError::MalformedSign { what: w } => SignatureError::MalformedSign { what: named(w) },
        SignatureError::Stale { what: w, timestamp } => SignatureError::Stale { what: named(w), timestamp },
        other => other,
    }
}
