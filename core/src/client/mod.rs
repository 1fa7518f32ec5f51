//! The client.
//!
//! Every call: typed request → `biz_content` JSON → signed parameters (v2) or a signed v3 request →
//! HTTP through the [`Transport`] → raw bytes → signature verified → only then parsed. A success
//! without a valid signature is an error, never a success.

mod calls;
mod cert_fetch;
mod config;
mod multipart;
mod options;
mod pages;
pub(crate) mod params;
mod settings;
mod upload;
mod v3;
mod verify;

pub use calls::{CallKind, PAGE_METHODS, TYPED_CALLS, TYPED_METHODS, TypedCall};
pub use cert_fetch::CERT_DOWNLOAD_METHOD;
pub use config::{ClientBuilder, ClientConfig, Gateway, Protocol};
pub use options::CallOptions;
pub use pages::PageFormat;
pub use settings::ClientSettings;
pub use v3::V3Response;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::bill::{Bill, BillDownloadUrlQueryRequest, BillDownloadUrlQueryResponse};
use crate::cert::TrustError;
use crate::clock::{Clock, format_shanghai};
use crate::error::{DecodeError, Error, InvalidInput, SignatureError, TransportError, TransportErrorKind};
use crate::notify::{NotifyRule, VerifiedNotification, verify_notify_params};
use crate::response::{Expected, ResponseNode, check_bound};
use crate::trade::*;
use crate::transport::{HttpMethod, HttpRequest, HttpResponse, Transport};

pub(crate) struct Inner {
    pub(crate) config: ClientConfig,
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Serializes downloads of rotated Alipay certificates, and limits those notifications ask for.
    pub(crate) cert_fetch: tokio::sync::Mutex<crate::cert::DownloadGuard>,
}

/// The Alipay client. `Send + Sync`, cheap to clone (clones share the configuration and the HTTP
/// connection pool). Build it once with [`Client::builder`] and share it.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: Arc<CallOptions>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("app_id", &self.inner.config.app_id)
            .field("gateway", &self.inner.config.gateway)
            .field("sign_type", &self.inner.config.sign_type)
            .field("charset", &self.inner.config.charset)
            .field("protocol", &self.inner.config.protocol)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self { inner: Arc::new(inner), options: Arc::new(CallOptions::default()) }
    }

    /// A view of this client whose calls carry `options` (an ISV's `app_auth_token`, a `notify_url`…).
    /// Shares everything else, including the connection pool.
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client { inner: Arc::clone(&self.inner), options: Arc::new(options) }
    }

    /// The configuration this client runs with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The options of this view.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The clock this client stamps requests with and workflows wait on.
    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Sends an already-serialized `biz_content` and parses the verified answer (workflows re-send a
    /// journaled request byte for byte with it).
    pub(crate) async fn call_text<T: DeserializeOwned>(&self, method: &str, biz_content: &str) -> Result<T, Error> {
        parse_node(self.execute_raw(method, Some(biz_content)).await?)
    }

    fn timestamp(&self) -> String {
        format_shanghai(self.inner.clock.now())
    }

    /// Builds the signed v2 HTTP request of a call without sending it (whatever the client's protocol;
    /// see [`Client::build_v3_request`] for v3).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a reserved extra parameter or text the charset cannot hold.
    pub fn build_request(&self, method: &str, biz_content: Option<&str>) -> Result<HttpRequest, Error> {
        let config = &self.inner.config;
        let params = params::signed_params(config, method, biz_content, &self.options, &self.timestamp())?;
        let (query, body) = params::split_for_post(&params);
        let url = params::url_with_query(config.gateway.url(), &params::form_encode(query, config.charset));
        let content_type =
            format!("application/x-www-form-urlencoded;charset={}", config.charset.as_str().to_lowercase());
        Ok(HttpRequest {
            method: HttpMethod::Post,
            url,
            headers: vec![("content-type".into(), content_type)],
            body: params::form_encode(body, config.charset).into_bytes(),
            max_body_bytes: Some(crate::transport::MAX_ANSWER_BYTES),
        })
    }

    /// Calls any Alipay method with a raw `biz_content` JSON text and returns the verified node.
    ///
    /// `Ok` only for code `10000` (or `10003`, "waiting for the buyer", which `alipay.trade.pay` uses).
    /// In [`Protocol::V3`] mode the method goes to its v3 path ([`crate::v3::route`]) and the answer is
    /// read into the same node (see [`crate::v3::success_node`]).
    ///
    /// The answer is believed only for this request: for the methods this library knows
    /// ([`crate::response::SHAPES`]) it must repeat the `out_trade_no`, `trade_no`, `out_request_no`
    /// and amounts of `biz_content` and be that method's node; for any method, `error_response` never
    /// carries a success.
    ///
    /// # Errors
    /// * [`Error::Gateway`] for any other code (check [`crate::GatewayError::verified`]).
    /// * [`Error::Signature`] when the answer does not verify, or is not this request's own
    ///   ([`SignatureError::NotBound`]) — never believe it.
    /// * [`Error::Transport`] with `outcome_unknown` when the request may have reached Alipay.
    /// * [`Error::Decode`] when the answer is not an Alipay answer (the request did reach Alipay).
    pub async fn execute_raw(&self, method: &str, biz_content: Option<&str>) -> Result<ResponseNode, Error> {
        self.execute_expecting(method, biz_content, &Expected::from_biz_content(biz_content)).await
    }

    /// [`Client::execute_raw`], with the verified answer checked against `expected` (the request's
    /// identifying fields, and whatever else the caller knows the answer must repeat) before it is
    /// believed — see [`crate::response::check_bound`].
    pub(crate) async fn execute_expecting(
        &self,
        method: &str,
        biz_content: Option<&str>,
        expected: &Expected,
    ) -> Result<ResponseNode, Error> {
        let observed = crate::observe::ObservedCall::start(method, self.inner.config.protocol, biz_content);
        // v2 answers name Alipay's trace in a header; a refusal carries it, as a v3 one does.
        let mut trace_id = None;
        let call = async {
            let node = if self.inner.config.protocol == Protocol::V3 {
                self.execute_raw_v3(method, biz_content).await?
            } else {
                let request = self.build_request(method, biz_content)?;
                let sent = tracing::enabled!(target: "alipay_core::call", tracing::Level::DEBUG)
                    .then(|| params::sign_content_of_request(&request));
                let response = self.send(request).await?;
                trace_id = response.header("trace_id").map(str::to_string);
                let node = self.verify_answer(&response.body, method).await;
                if let (Some(sent), Ok(answer)) = (&sent, &node) {
                    let text = |k: &str| answer.value.get(k).and_then(Value::as_str);
                    if text("sub_code") == Some("isv.invalid-signature") {
                        crate::observe::log_rejected_signature(sent, text("sub_msg"));
                    }
                }
                node?
            };
            check_bound(&node, expected)?;
            Ok(node.into_accepted()?)
        };
        let mut result = tracing::Instrument::instrument(call, observed.span().clone()).await;
        if let (Err(Error::Gateway(g)), Some(id)) = (&mut result, trace_id) {
            g.trace_id.get_or_insert(id);
        }
        observed.finish(&result);
        result
    }

    /// Calls any Alipay method; `biz_content` is serialized as JSON (pass `Value::Null` for none).
    ///
    /// # Errors
    /// As [`Client::execute_raw`].
    pub async fn execute(&self, method: &str, biz_content: &Value) -> Result<ResponseNode, Error> {
        let text = match biz_content {
            Value::Null => None,
            v => Some(serde_json::to_string(v).map_err(|e| InvalidInput::new("biz_content", e.to_string()))?),
        };
        self.execute_raw(method, text.as_deref()).await
    }

    /// Sends a typed request and parses the verified answer.
    ///
    /// The verified answer must be this request's own: it must repeat the request's `out_trade_no`,
    /// `trade_no`, `out_request_no` and amounts wherever it carries them, and be a node of `R::METHOD`
    /// (see [`crate::response::check_bound`]); otherwise it is [`SignatureError::NotBound`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the request fails its checks (nothing is sent); otherwise as
    /// [`Client::execute_raw`].
    pub async fn call<R: ApiRequest>(&self, request: &R) -> Result<R::Response, Error> {
        self.call_expecting(request, &[]).await
    }

    /// [`Client::call`], expecting the answer to also repeat `also` (field, value) — facts the caller
    /// knows beyond the request, like the amount of the trade a query is about.
    pub(crate) async fn call_expecting<R: ApiRequest>(
        &self,
        request: &R,
        also: &[(&str, &str)],
    ) -> Result<R::Response, Error> {
        request.validate()?;
        let biz = serde_json::to_string(request).map_err(|e| InvalidInput::new("biz_content", e.to_string()))?;
        let expected = also
            .iter()
            .fold(Expected::from_biz_content(Some(&biz)), |expected, (field, value)| expected.with(field, *value));
        let node = self.execute_expecting(R::METHOD, Some(&biz), &expected).await?;
        parse_node(node)
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let response = self.inner.transport.send(request).await?;
        crate::observe::record_response(&response);
        if !(200..300).contains(&response.status) {
            return Err(TransportError::outcome_unknown(
                TransportErrorKind::Status(response.status),
                format!("the gateway answered HTTP {}", response.status),
            )
            .into());
        }
        Ok(response)
    }

    /// `alipay.trade.pay`: charge a buyer's payment code. `10003` in the answer means the buyer must
    /// confirm: poll with [`Client::trade_query`] and cancel if they never do.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn trade_pay(&self, request: &TradePayRequest) -> Result<TradePayResponse, Error> {
        self.call(request).await
    }

    /// `alipay.trade.precreate`: a QR code for the buyer to scan.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn trade_precreate(&self, request: &TradePrecreateRequest) -> Result<TradePrecreateResponse, Error> {
        self.call(request).await
    }

    /// `alipay.trade.create`: a trade for a known buyer.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn trade_create(&self, request: &TradeCreateRequest) -> Result<TradeCreateResponse, Error> {
        self.call(request).await
    }

    /// `alipay.trade.query`: a trade's state.
    ///
    /// # Errors
    /// As [`Client::call`]; a trade nobody has paid or scanned yet is `ACQ.TRADE_NOT_EXIST`.
    pub async fn trade_query(&self, request: &TradeQueryRequest) -> Result<TradeQueryResponse, Error> {
        self.call(request).await
    }

    /// `alipay.trade.refund`: refund, idempotent by `out_request_no`.
    ///
    /// # Errors
    /// As [`Client::call`]. When the outcome is unknown, retry with the *same* request.
    pub async fn trade_refund(&self, request: &TradeRefundRequest) -> Result<TradeRefundResponse, Error> {
        self.call(request).await
    }

    /// `alipay.trade.fastpay.refund.query`: one refund's state.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn trade_fastpay_refund_query(
        &self,
        request: &TradeFastpayRefundQueryRequest,
    ) -> Result<TradeFastpayRefundQueryResponse, Error> {
        self.call(request).await
    }

    /// `alipay.trade.cancel`: undo a face-to-face trade (close if unpaid, refund if paid).
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn trade_cancel(&self, request: &TradeCancelRequest) -> Result<TradeCancelResponse, Error> {
        self.call(request).await
    }

    /// `alipay.trade.close`: close an unpaid trade.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn trade_close(&self, request: &TradeCloseRequest) -> Result<TradeCloseResponse, Error> {
        self.call(request).await
    }

    /// `alipay.data.dataservice.bill.downloadurl.query`: the URL of a bill file, valid 30 seconds.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn data_dataservice_bill_downloadurl_query(
        &self,
        request: &BillDownloadUrlQueryRequest,
    ) -> Result<BillDownloadUrlQueryResponse, Error> {
        self.call(request).await
    }

    /// Queries the bill's URL, downloads the zip at once (the URL expires in 30 s), and parses it.
    ///
    /// # Errors
    /// As [`Client::call`]; [`Error::Transport`] when the download fails or is longer than
    /// [`MAX_BILL_DOWNLOAD_BYTES`](crate::bill::MAX_BILL_DOWNLOAD_BYTES) ([`TransportErrorKind::BodyTooLarge`]);
    /// [`Error::Decode`] when the file is not a bill archive or passes the archive limits of
    /// [`parse_bill_zip`](crate::bill::parse_bill_zip).
    pub async fn download_bill(&self, request: &BillDownloadUrlQueryRequest) -> Result<Bill, Error> {
        let answer = self.data_dataservice_bill_downloadurl_query(request).await?;
        let bytes = self.download(&answer.bill_download_url).await?;
        Ok(crate::bill::parse_bill_zip(&bytes)?)
    }

    /// GETs `url` through this client's transport and returns the body, which may be at most
    /// [`MAX_BILL_DOWNLOAD_BYTES`](crate::bill::MAX_BILL_DOWNLOAD_BYTES) long (the transport stops
    /// reading past it).
    ///
    /// # Errors
    /// [`Error::Transport`] on failure or a non-2xx status; of kind
    /// [`TransportErrorKind::BodyTooLarge`] when the body is longer than the limit.
    pub async fn download(&self, url: &str) -> Result<Vec<u8>, Error> {
        let limit = crate::bill::MAX_BILL_DOWNLOAD_BYTES;
        let request = HttpRequest {
            method: HttpMethod::Get,
            url: url.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
            max_body_bytes: Some(limit),
        };
        let body = self.send(request).await?.body;
        // A transport that does not honour the limit still gets no longer body past here.
        if body.len() as u64 > limit {
            return Err(TransportError::body_too_large(limit).into());
        }
        Ok(body)
    }

    /// Verifies an asynchronous notification from the raw form body (trade notifications use
    /// [`NotifyRule::V1`]). The notification must be signed with this client's sign type.
    ///
    /// In certificate mode it must verify with the Alipay certificate its `alipay_cert_sn` names (see
    /// [`crate::notify::verify_cert_notify_params`]); a certificate not seen yet is refused
    /// ([`TrustError::NotSeenYet`]) — [`Client::receive_notification_params`] fetches and checks it.
    ///
    /// # Errors
    /// [`Error::Decode`] or [`Error::Signature`].
    pub fn verify_notification(&self, raw_body: &[u8], rule: NotifyRule) -> Result<VerifiedNotification, Error> {
        self.verify_notification_params(crate::notify::parse_form_body(raw_body)?, rule)
    }

    /// Verifies an asynchronous notification from pairs a web framework already decoded. Downloads
    /// nothing: see [`Client::verify_notification`].
    ///
    /// # Errors
    /// [`Error::Signature`].
    pub fn verify_notification_params(
        &self,
        params: BTreeMap<String, String>,
        rule: NotifyRule,
    ) -> Result<VerifiedNotification, Error> {
        let config = &self.inner.config;
        let Some(mode) = &config.cert_mode else {
            return verify_notify_params(params, &config.alipay_public_key, rule, config.sign_type);
        };
        let named = params.get(crate::notify::ALIPAY_CERT_SN).filter(|sn| !sn.trim().is_empty());
        let keys = match named {
            Some(sn) => vec![mode.key_for(sn).ok_or_else(|| SignatureError::UntrustedCertificate {
                sn: sn.clone(),
                reason: TrustError::NotSeenYet,
            })?],
            None => mode.known_sns().iter().filter_map(|sn| mode.key_for(sn)).collect(),
        };
        crate::notify::verify_cert_notify_params(params, &keys, rule, config.sign_type)
    }

    /// Verifies a notification at once, when that needs no I/O: `Ok(Ok(verified))`; or, in
    /// certificate mode, when it names an Alipay certificate not seen yet, hands its pairs back
    /// (`Ok(Err(params))`) for [`Client::receive_notification_params`], which downloads and checks
    /// that certificate first. A binding verifies on the caller's thread this way, and goes to the
    /// async runtime only for a download.
    ///
    /// # Errors
    /// As [`Client::verify_notification_params`], and [`Error::Decode`] for a body that is not a form.
    #[allow(clippy::type_complexity)]
    pub fn verify_notification_now(
        &self,
        input: crate::primitives::NotifyInput<'_>,
        rule: NotifyRule,
    ) -> Result<Result<VerifiedNotification, BTreeMap<String, String>>, Error> {
        let params = input.into_params()?;
        if self.notification_needs_download(&params) {
            return Ok(Err(params));
        }
        self.verify_notification_params(params, rule).map(Ok)
    }

    /// `true` in certificate mode when the notification names an Alipay certificate not seen yet.
    fn notification_needs_download(&self, params: &BTreeMap<String, String>) -> bool {
        self.inner.config.cert_mode.as_ref().is_some_and(|mode| {
            params
                .get(crate::notify::ALIPAY_CERT_SN)
                .filter(|sn| !sn.trim().is_empty())
                .is_some_and(|sn| mode.key_for(sn).is_none())
        })
    }

    /// Verifies a notification like [`Client::verify_notification_params`], first fetching and
    /// checking a rotated Alipay certificate it names in certificate mode — what a notification
    /// endpoint should call.
    ///
    /// Anyone can send a notification, so a certificate it names is downloaded only when the
    /// notification could be Alipay's: its `sign` must be well formed (base64 of exactly the length of
    /// a signature by a key of the known size), a download of that SN must not have failed in the last
    /// [`FAILED_DOWNLOAD_RETRY_AFTER`](crate::cert::FAILED_DOWNLOAD_RETRY_AFTER), and at most
    /// [`MAX_DOWNLOADS_PER_MINUTE`](crate::cert::MAX_DOWNLOADS_PER_MINUTE) downloads are made per
    /// minute (see [`crate::cert::DownloadGuard`]; time is the client's clock). The certificate is then
    /// admitted as [`Client::admit_alipay_cert`] says.
    ///
    /// # Errors
    /// [`Error::Signature`] for a notification that must not be believed — `UntrustedCertificate` when
    /// the certificate it names cannot be trusted or was not downloaded ([`TrustError`] says why); the
    /// errors of a call when the certificate download fails.
    pub async fn receive_notification_params(
        &self,
        params: BTreeMap<String, String>,
        rule: NotifyRule,
    ) -> Result<VerifiedNotification, Error> {
        if self.notification_needs_download(&params)
            && let Some(mode) = &self.inner.config.cert_mode
            && let Some(sn) = params.get(crate::notify::ALIPAY_CERT_SN)
        {
            Self::check_notification_sign(mode, sn, params.get("sign").map(String::as_str))?;
            self.fetch_alipay_cert_guarded(mode, sn).await?;
        }
        self.verify_notification_params(params, rule)
    }

    /// Certificate mode: makes sure the Alipay certificate `sn` is known, downloading it with
    /// `alipay.open.app.alipaycert.download` and admitting it only if its chain verifies up to the root
    /// certificate through CAs, it is valid now, it names the subject of the configured Alipay
    /// certificate, and the download answer itself verifies and carries that SN. Answers do this by
    /// themselves; [`Client::receive_notification_params`] does it for notifications. As `sn` may come
    /// from anyone, downloads are limited like a notification's (see [`crate::cert::DownloadGuard`]).
    /// Does nothing outside certificate mode.
    ///
    /// # Errors
    /// [`Error::Signature`] (`UntrustedCertificate`) when the certificate cannot be trusted or is not
    /// downloaded now; the errors of a call when the download fails.
    pub async fn admit_alipay_cert(&self, sn: &str) -> Result<(), Error> {
        match &self.inner.config.cert_mode {
            Some(mode) if !sn.is_empty() => self.fetch_alipay_cert_guarded(mode, sn).await.map(|_| ()),
            _ => Ok(()),
        }
    }
}

/// Parses a verified node into a typed answer, keeping the raw node if that fails (nothing is lost).
fn parse_node<T: DeserializeOwned>(node: ResponseNode) -> Result<T, Error> {
    let raw = node.raw;
    serde_json::from_value(Value::Object(node.value)).map_err(|e| {
        DecodeError { message: format!("`{}` has an unexpected shape: {e}", node.node_name), verified_node: Some(raw) }
            .into()
    })
}
