//! The sandbox itself: configuration, state, the request router, and the library calls tests use to
//! play the buyer, inject faults, move time and read the ground truth.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, SystemTime};

use alipay_core::clock::format_shanghai;
use alipay_core::encrypt::EncryptKey;
use alipay_core::trade::TradeStatus;
use alipay_core::transport::{HttpMethod, HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportSettings};
use alipay_core::{Client, ClientBuilder, Gateway, PrivateKey, PublicKey};
use serde_json::{Value, json};

use crate::bill;
use crate::certs::CertState;
use crate::clock::VirtualClock;
use crate::faults::{Fault, FaultPlan, FaultRule};
use crate::gateway;
use crate::gateway::answer::{self, Node};
use crate::gateway::request::{GatewayRequest, Wire};
use crate::notifier::{self, Delivery};
use crate::rotation::Rotation;
use crate::trades::{Event, Trade, TradeBook, mark_paid};

/// How long a bill download URL stays valid (virtual time).
pub const BILL_URL_VALIDITY: Duration = Duration::from_secs(30);

/// How the sandbox is set up. Keys left out are generated.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The app id it accepts.
    pub app_id: String,
    /// The app's public key, which verifies requests. When `None`, a key pair is generated and its
    /// private half is available from [`Sandbox::app_private_key_pem`].
    pub app_public_key: Option<PublicKey>,
    /// The "Alipay" private key that signs answers and notifications. Generated when `None`.
    pub alipay_private_key: Option<PrivateKey>,
    /// Virtual time runs this many times faster than real time.
    pub speed: f64,
    /// The merchant's user id (`seller_id`).
    pub seller_id: String,
    /// The app's AES content-encryption key (base64), when it has one: encrypted requests are
    /// decrypted with it and answered encrypted.
    pub encrypt_key: Option<String>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            app_id: "2021000000000000".into(),
            app_public_key: None,
            alipay_private_key: None,
            speed: 1.0,
            seller_id: "2088000000000000".into(),
            encrypt_key: None,
        }
    }
}

/// A sandbox error (setup or library calls).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Key generation or loading failed.
    #[error("sandbox keys: {0}")]
    Keys(String),
    /// The server could not start.
    #[error("sandbox server: {0}")]
    Server(String),
    /// No such trade (or QR code).
    #[error("no trade {0}")]
    NoTrade(String),
    /// The trade is not in a state that allows this.
    #[error("trade {out_trade_no} is {status}")]
    WrongState {
        /// The trade.
        out_trade_no: String,
        /// Its state.
        status: String,
    },
}

/// What a scanning buyer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOutcome {
    /// Scans and pays.
    Pay,
    /// Scans, then walks away: the trade exists, unpaid, until it times out.
    Abandon,
}

/// What the sandbox does with a request: answer it, or drop the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// An HTTP answer.
    Http(HttpResponse),
    /// The connection is dropped without an answer.
    Drop,
}

#[derive(Debug, Default)]
struct State {
    book: TradeBook,
    deliveries: Vec<Delivery>,
    notify_seq: u64,
    bills: HashMap<String, BillTicket>,
    bill_seq: u64,
}

#[derive(Debug, Clone)]
struct BillTicket {
    bill_type: String,
    bill_date: String,
    expires_at: SystemTime,
}

pub(crate) struct Inner {
    pub(crate) app_id: String,
    seller_id: String,
    pub(crate) app_public_key: PublicKey,
    app_private_key_pem: Option<String>,
    pub(crate) alipay_key: PrivateKey,
    encrypt_key: Option<EncryptKey>,
    pub(crate) certs: Mutex<Option<CertState>>,
    forger: OnceLock<PrivateKey>,
    clock: VirtualClock,
    state: Mutex<State>,
    faults: Mutex<FaultPlan>,
    /// Requests held up on their way by [`Fault::Hold`], in arrival order.
    held: Mutex<Vec<GatewayRequest>>,
    base_url: Mutex<String>,
    http: ReqwestTransport,
}

/// An offline Alipay gateway. Cheap to clone; clones share state. Dropping the last clone stops its
/// background work (timeouts, notification retries).
///
/// It is also a [`Clock`](alipay_core::clock::Clock) running in its virtual time: give it to a client
/// (`.clock(Arc::new(sandbox.clone()))`, done by [`Sandbox::client_builder`]) and a workflow's 5-second
/// polls take 5 s of virtual time.
#[derive(Clone)]
pub struct Sandbox {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("app_id", &self.inner.app_id).finish_non_exhaustive()
    }
}

impl alipay_core::clock::Clock for Sandbox {
    fn now(&self) -> SystemTime {
        self.inner.clock.now()
    }

    fn sleep(&self, duration: Duration) -> alipay_core::transport::BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(self.inner.clock.real(duration)))
    }
}

impl Sandbox {
    /// Starts a sandbox. Call it inside a tokio runtime: its background task (timeouts, notification
    /// retries) runs there.
    ///
    /// # Errors
    /// [`SandboxError::Server`] outside a tokio runtime; [`SandboxError::Keys`] when key generation fails.
    pub fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| SandboxError::Server("Sandbox::start must be called inside a tokio runtime".into()))?;
        let keys_err = |e: alipay_core::KeyError| SandboxError::Keys(e.to_string());
        let (app_public_key, app_private_key_pem) = match config.app_public_key {
            Some(k) => (k, None),
            None => {
                let pair = alipay_core::keys::generate_rsa2048().map_err(keys_err)?;
                (PublicKey::from_text(&pair.public_pem).map_err(keys_err)?, Some(pair.private_pkcs8_pem))
            }
        };
        let alipay_key = match config.alipay_private_key {
            Some(k) => k,
            None => PrivateKey::from_text(&alipay_core::keys::generate_rsa2048().map_err(keys_err)?.private_pkcs8_pem)
                .map_err(keys_err)?,
        };
        let encrypt_key = match config.encrypt_key.as_deref() {
            Some(text) => Some(EncryptKey::from_base64(text).map_err(|e| SandboxError::Keys(e.to_string()))?),
            None => None,
        };
        let http = ReqwestTransport::new(&TransportSettings {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(5),
            ..TransportSettings::default()
        })
        .map_err(|e| SandboxError::Server(e.to_string()))?;
        let inner = Arc::new(Inner {
            app_id: config.app_id,
            seller_id: config.seller_id,
            app_public_key,
            app_private_key_pem,
            alipay_key,
            encrypt_key,
            certs: Mutex::new(None),
            forger: OnceLock::new(),
            clock: VirtualClock::new(config.speed),
            state: Mutex::new(State::default()),
            faults: Mutex::new(FaultPlan::default()),
            held: Mutex::new(Vec::new()),
            base_url: Mutex::new("http://sandbox.invalid".into()),
            http,
        });
        runtime.spawn(background(Arc::downgrade(&inner)));
        Ok(Sandbox { inner })
    }

    /// The app id the sandbox accepts.
    pub fn app_id(&self) -> &str {
        &self.inner.app_id
    }

    /// The generated app private key (PKCS#8 PEM), when the sandbox generated the app's key pair.
    pub fn app_private_key_pem(&self) -> Option<&str> {
        self.inner.app_private_key_pem.as_deref()
    }

    /// The public key that verifies the sandbox's answers and notifications.
    pub fn alipay_public_key(&self) -> &PublicKey {
        self.inner.alipay_key.public_key()
    }

    /// The seller's user id.
    pub fn seller_id(&self) -> &str {
        &self.inner.seller_id
    }

    /// Virtual now.
    pub fn now(&self) -> SystemTime {
        self.inner.clock.now()
    }

    /// The speed factor of virtual time.
    pub fn speed(&self) -> f64 {
        self.inner.clock.speed()
    }

    /// Moves virtual time forward; timeouts and scheduled payments due by then happen.
    pub fn advance(&self, by: Duration) {
        self.inner.clock.advance(by);
        self.settle();
    }

    /// The base URL the sandbox is reached at (set by [`Sandbox::serve`]; used in bill URLs).
    pub fn base_url(&self) -> String {
        self.inner.base_url.lock().expect("lock").clone()
    }

    pub(crate) fn set_base_url(&self, url: String) {
        *self.inner.base_url.lock().expect("lock") = url;
    }

    /// The gateway URL (`<base>/gateway.do`).
    pub fn gateway_url(&self) -> String {
        format!("{}/gateway.do", self.base_url())
    }

    /// A transport that hands requests straight to this sandbox, in process.
    pub fn transport(&self) -> Arc<dyn Transport> {
        Arc::new(crate::transport::InProcess::new(self.clone()))
    }

    /// A client builder wired to this sandbox in process (app id, keys, transport, and the sandbox's
    /// virtual clock — so workflows poll in virtual time).
    ///
    /// # Errors
    /// [`SandboxError::Keys`] when the sandbox was given an app public key (it has no private half).
    pub fn client_builder(&self) -> Result<ClientBuilder, SandboxError> {
        let pem = self
            .app_private_key_pem()
            .ok_or_else(|| SandboxError::Keys("the app private key is the caller's".into()))?;
        let builder = Client::builder()
            .app_id(self.app_id())
            .app_private_key_text(pem)
            .map_err(|e| SandboxError::Keys(e.to_string()))?
            .alipay_public_key(self.alipay_public_key().clone())
            .gateway(Gateway::Custom(self.gateway_url()))
            .transport(self.transport())
            .clock(Arc::new(self.clone()));
        Ok(builder)
    }

    /// A client wired to this sandbox in process.
    ///
    /// # Errors
    /// As [`Sandbox::client_builder`].
    pub fn client(&self) -> Result<Client, SandboxError> {
        self.client_builder()?.build().map_err(|e| SandboxError::Keys(e.to_string()))
    }

    /// Lets the requests held up by [`Fault::Hold`] reach the gateway now, in the order they were sent,
    /// and returns how many there were. Their answers go nowhere: the client stopped waiting long ago.
    pub fn release_held(&self) -> usize {
        let held = std::mem::take(&mut *self.inner.held.lock().expect("lock"));
        for req in &held {
            self.run(req);
        }
        held.len()
    }

    /// Queues a one-shot fault for the next request to `method` (any method when `None`).
    pub fn inject(&self, method: Option<&str>, fault: Fault) {
        self.inner.faults.lock().expect("lock").inject(method.map(str::to_string), fault);
    }

    /// Random faults, drawn from a generator seeded with `seed` (the same seed replays the same faults).
    pub fn set_random_faults(&self, seed: u64, rules: Vec<FaultRule>) {
        self.inner.faults.lock().expect("lock").set_rules(seed, rules);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.inner.faults.lock().expect("lock").clear();
    }

    /// A trade's current state (the ground truth).
    pub fn trade(&self, out_trade_no: &str) -> Option<Trade> {
        self.with_book(|book, now, events| book.get(out_trade_no, now, events).cloned())
    }

    /// Every trade.
    pub fn trades(&self) -> Vec<Trade> {
        self.settle();
        self.state().book.all()
    }

    /// Every notification and its deliveries.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state().deliveries.clone()
    }

    /// The buyer scans a QR code (the `qr_code` of a precreate, or the `out_trade_no` of a precreated
    /// or created trade) and pays or walks away.
    ///
    /// # Errors
    /// [`SandboxError::NoTrade`] or [`SandboxError::WrongState`] (closed or already paid).
    pub fn scan_qr(&self, code: &str, outcome: ScanOutcome) -> Result<Trade, SandboxError> {
        self.with_book(|book, now, events| match book.by_qr(code, now, events) {
            None => Err(SandboxError::NoTrade(code.to_string())),
            Some(t) if t.status != TradeStatus::WaitBuyerPay => Err(wrong_state(t)),
            Some(t) => {
                t.scanned = true;
                if outcome == ScanOutcome::Pay {
                    mark_paid(t, now, events);
                }
                Ok(t.clone())
            }
        })
    }

    /// Marks a paid trade `TRADE_FINISHED` (as the end of its refund period would).
    ///
    /// # Errors
    /// [`SandboxError::NoTrade`] or [`SandboxError::WrongState`].
    pub fn finish_trade(&self, out_trade_no: &str) -> Result<Trade, SandboxError> {
        self.with_book(|book, now, events| match book.get(out_trade_no, now, events) {
            None => Err(SandboxError::NoTrade(out_trade_no.to_string())),
            Some(t) if t.status != TradeStatus::TradeSuccess => Err(wrong_state(t)),
            Some(t) => {
                t.status = TradeStatus::TradeFinished;
                events.push(Event { trade: t.clone(), refund: None });
                Ok(t.clone())
            }
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().expect("sandbox state lock")
    }

    /// Runs `f` on the trade book at virtual now, under the state lock, then notifies what changed.
    fn with_book<R>(&self, f: impl FnOnce(&mut TradeBook, SystemTime, &mut Vec<Event>) -> R) -> R {
        let now = self.now();
        let mut events = Vec::new();
        let result = f(&mut self.state().book, now, &mut events);
        self.enqueue(events);
        result
    }

    fn settle(&self) {
        self.with_book(|book, now, events| book.settle_all(now, events));
    }

    /// Turns state changes into notifications for trades that have a `notify_url`.
    fn enqueue(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let now = self.now();
        let cert_signer = if events.iter().any(|e| e.trade.cert_mode) { self.current_cert_signer() } else { None };
        let mut state = self.state();
        for event in events {
            let Some(url) = event.trade.notify_url.clone() else { continue };
            let (key, cert_sn) = match (&cert_signer, event.trade.cert_mode) {
                (Some((key, sn)), true) => (key, Some(sn.as_str())),
                _ => (&self.inner.alipay_key, None),
            };
            state.notify_seq += 1;
            let notify_id =
                format!("{}0022{:010}", format_shanghai(now).replace(['-', ' ', ':'], ""), state.notify_seq);
            let params = notifier::notification_params(
                &event,
                &notify_id,
                &self.inner.app_id,
                &self.inner.seller_id,
                now,
                key,
                cert_sn,
            );
            state.deliveries.push(Delivery {
                notify_id,
                notify_url: url,
                out_trade_no: event.trade.out_trade_no.clone(),
                trade_status: event.trade.status.to_string(),
                params,
                attempts: Vec::new(),
                acknowledged: false,
                abandoned: false,
                next_at: Some(now),
                in_flight: false,
            });
        }
    }

    /// Handles one HTTP request: the gateway, bill downloads, and the sandbox-only endpoints.
    pub async fn handle(&self, request: HttpRequest) -> Reply {
        let (path, query) = split_url(&request.url);
        match (request.method, path.as_str()) {
            (_, "/gateway.do") => self.gateway(&query, &request.body).await,
            (method, p) if p.starts_with("/v3/") => {
                let incoming = gateway::v3::Incoming {
                    http_method: method,
                    path: p,
                    query: &query,
                    headers: &request.headers,
                    body: &request.body,
                };
                self.gateway_v3(&incoming).await
            }
            (HttpMethod::Get, p) if p.starts_with("/sandbox/bill/") => {
                self.bill_file(p.trim_start_matches("/sandbox/bill/"))
            }
            (HttpMethod::Post, "/sandbox/qr/scan") => self.http_scan(&request.body),
            (HttpMethod::Get, "/sandbox/notifications") => {
                json_reply(200, &serde_json::to_value(self.deliveries()).unwrap_or_default())
            }
            (HttpMethod::Get, "/sandbox/trades") => {
                json_reply(200, &Value::Array(self.trades().iter().map(crate::view::trade_json).collect()))
            }
            (HttpMethod::Post, "/sandbox/time/advance") => {
                let secs = form_value(&request.body, "seconds").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
                self.advance(Duration::from_secs(secs));
                json_reply(200, &json!({"now": format_shanghai(self.now())}))
            }
            (HttpMethod::Post, "/sandbox/faults") => self.http_fault(&request.body),
            (HttpMethod::Post, "/sandbox/held/release") => json_reply(200, &json!({"released": self.release_held()})),
            (HttpMethod::Post, "/sandbox/certs/rotate") => self.http_rotate(&request.body),
            _ => json_reply(404, &json!({"error": "not found"})),
        }
    }

    /// `POST /sandbox/certs/rotate`: form `variant=<Rotation name>` (or the older `rogue=true`).
    fn http_rotate(&self, body: &[u8]) -> Reply {
        let rogue = form_value(body, "rogue").is_some_and(|v| v == "true");
        let rotation = match form_value(body, "variant") {
            Some(name) => match name.parse::<Rotation>() {
                Ok(rotation) => rotation,
                Err(e) => return json_reply(400, &json!({"error": e.to_string()})),
            },
            None if rogue => Rotation::Rogue,
            None => Rotation::Genuine,
        };
        match self.rotate_alipay_cert_to(rotation) {
            Ok(sn) => json_reply(
                200,
                &json!({"alipay_cert_sn": sn, "rogue": rotation == Rotation::Rogue, "variant": rotation.as_str()}),
            ),
            Err(e) => json_reply(500, &json!({"error": e.to_string()})),
        }
    }

    async fn gateway(&self, query: &str, body: &[u8]) -> Reply {
        let inner = &self.inner;
        let req = match gateway::read_request(
            query,
            body,
            &inner.app_id,
            &inner.app_public_key,
            inner.encrypt_key.as_ref(),
        ) {
            Ok(req) => req,
            Err(gateway::Refused::ErrorResponse(body, charset)) => return answer_reply(body, charset),
            Err(gateway::Refused::InMethodNode { method, charset, sign_type, node }) => {
                return answer_reply(
                    answer::signed_body(&method, &node, &self.inner.alipay_key, sign_type, charset),
                    charset,
                );
            }
        };
        self.answer_request(req).await
    }

    async fn gateway_v3(&self, incoming: &gateway::v3::Incoming<'_>) -> Reply {
        let inner = &self.inner;
        match gateway::v3::read(incoming, &inner.app_id, &inner.app_public_key, inner.encrypt_key.as_ref()) {
            Ok(req) => self.answer_request(req).await,
            Err(refusal) => Reply::Http(gateway::v3::refusal(&refusal, &self.v3_seal(&inner.alipay_key, None, None))),
        }
    }

    /// Serves a request that passed its protocol's checks: certificate checks, faults, the business
    /// method, and the answer in the request's protocol.
    async fn answer_request(&self, mut req: GatewayRequest) -> Reply {
        req.received_at = Some(self.now());
        let signer = match self.cert_seal_for(&req) {
            Ok(signer) => signer,
            Err(refusal) => return self.signed(&req, &refusal, false, None),
        };
        if let Some(body) = self.unsigned_cert_download(&req) {
            return answer_reply(body, req.charset);
        }
        let signer = signer.as_ref().map(|(key, sn)| (key, sn.as_str()));
        let faults = self.inner.faults.lock().expect("lock").draw(&req.method);
        for fault in &faults {
            if let Fault::Latency(d) = fault {
                self.inner.clock.sleep(*d).await;
            }
        }
        let apply = faults.iter().all(|f| f.applies());
        if !apply {
            return match faults.iter().find(|f| !f.applies()) {
                Some(Fault::Hold) => {
                    self.inner.held.lock().expect("lock").push(req);
                    Reply::Drop
                }
                Some(Fault::Http5xx { status, .. }) => text_reply(*status, b"<html>Bad Gateway</html>".to_vec()),
                Some(Fault::SystemError { .. }) => self.signed(&req, &Node::system_error(), false, signer),
                _ => Reply::Drop,
            };
        }
        let node = self.run(&req);
        match faults.iter().find(|f| !matches!(f, Fault::Latency(_))) {
            Some(Fault::DropAfterApply) => Reply::Drop,
            Some(Fault::Http5xx { status, .. }) => text_reply(*status, b"<html>Bad Gateway</html>".to_vec()),
            Some(Fault::SystemError { .. }) => self.signed(&req, &Node::system_error(), false, signer),
            Some(Fault::ForgedSignature) => self.signed(&req, &node, true, signer),
            _ => self.signed(&req, &node, false, signer),
        }
    }

    /// Runs the business method under the state lock.
    fn run(&self, req: &GatewayRequest) -> Node {
        if req.method == "alipay.data.dataservice.bill.downloadurl.query" {
            return self.bill_query(req, self.now());
        }
        if req.method == alipay_core::client::CERT_DOWNLOAD_METHOD {
            return self.cert_download(req);
        }
        self.with_book(|book, now, events| gateway::run_trade_method(book, req, now, events))
    }

    /// Signs an answer: with the current Alipay certificate's key and SN in certificate mode, the plain
    /// Alipay key otherwise (or a forger's key, for the forged-signature fault); encrypted when the request was.
    fn signed(&self, req: &GatewayRequest, node: &Node, forged: bool, cert: Option<(&PrivateKey, &str)>) -> Reply {
        let key = match (forged, cert) {
            (true, _) => self.forger(),
            (false, Some((key, _))) => key,
            (false, None) => &self.inner.alipay_key,
        };
        let cert_sn = cert.map(|(_, sn)| sn);
        let encrypt = if req.encrypted { self.inner.encrypt_key.as_ref() } else { None };
        match req.wire {
            Wire::V2 => {
                let seal = answer::Seal { key, sign_type: req.sign_type, charset: req.charset, cert_sn, encrypt };
                answer_reply(answer::sealed_body(&req.method, node, &seal), req.charset)
            }
            Wire::V3 => Reply::Http(gateway::v3::answer(node, &self.v3_seal(key, cert_sn, encrypt))),
        }
    }

    /// How a v3 answer is signed now: a fresh nonce, the virtual time.
    fn v3_seal<'a>(
        &self,
        key: &'a PrivateKey,
        cert_sn: Option<&'a str>,
        encrypt: Option<&'a EncryptKey>,
    ) -> gateway::v3::V3Seal<'a> {
        let timestamp_ms = alipay_core::clock::unix_millis(self.now());
        gateway::v3::V3Seal { key, cert_sn, encrypt, timestamp_ms, nonce: alipay_core::v3::new_nonce() }
    }

    fn forger(&self) -> &PrivateKey {
        self.inner.forger.get_or_init(|| {
            let pair = alipay_core::keys::generate_rsa2048().expect("key generation");
            PrivateKey::from_text(&pair.private_pkcs8_pem).expect("a generated key loads")
        })
    }

    fn bill_query(&self, req: &GatewayRequest, now: SystemTime) -> Node {
        let bill_type = req.biz_str("bill_type").unwrap_or("");
        let bill_date = req.biz_str("bill_date").unwrap_or("");
        if !matches!(bill_type, "trade" | "signcustomer") {
            return Node::business_failure("isp.bill_type_invalid", "账单类型不支持");
        }
        let today = format_shanghai(now)[..10].to_string();
        let valid_date = match bill_date.len() {
            10 => {
                alipay_core::clock::parse_shanghai(&format!("{bill_date} 00:00:00")).is_some()
                    && bill_date < today.as_str()
            }
            7 => {
                alipay_core::clock::parse_shanghai(&format!("{bill_date}-01 00:00:00")).is_some()
                    && bill_date < &today[..7]
            }
            _ => false,
        };
        if !valid_date {
            return Node::business_failure("isp.bill_not_exist", "账单不存在");
        }
        let token = {
            let mut state = self.state();
            state.bill_seq += 1;
            let token = format!("{}{:06}", bill_date.replace('-', ""), state.bill_seq);
            let ticket = BillTicket {
                bill_type: bill_type.into(),
                bill_date: bill_date.into(),
                expires_at: now + BILL_URL_VALIDITY,
            };
            state.bills.insert(token.clone(), ticket);
            token
        };
        let url = format!(
            "{}/sandbox/bill/{token}?bizType={bill_type}&downloadFileName={}0156_{}.csv.zip",
            self.base_url(),
            self.inner.seller_id,
            bill_date.replace('-', "")
        );
        Node::success().with("bill_download_url", url)
    }

    fn bill_file(&self, token: &str) -> Reply {
        let now = self.now();
        let ticket = self.state().bills.get(token).cloned();
        match ticket {
            Some(t) if t.expires_at >= now => {
                let trades = self.trades();
                let exported = format_shanghai(now);
                let zip = if t.bill_type == "trade" {
                    bill::trade_bill_zip(&trades, &t.bill_date, &self.inner.seller_id, &exported)
                } else {
                    bill::account_bill_zip(&trades, &t.bill_date, &self.inner.seller_id, &exported)
                };
                Reply::Http(HttpResponse {
                    status: 200,
                    headers: vec![("content-type".into(), "application/zip".into())],
                    body: zip,
                })
            }
            Some(_) => json_reply(410, &json!({"error": "the bill URL has expired (valid 30 s)"})),
            None => json_reply(404, &json!({"error": "no such bill"})),
        }
    }

    fn http_scan(&self, body: &[u8]) -> Reply {
        let code = form_value(body, "qr_code").or_else(|| form_value(body, "out_trade_no")).unwrap_or_default();
        let outcome = match form_value(body, "action").as_deref() {
            Some("abandon") => ScanOutcome::Abandon,
            _ => ScanOutcome::Pay,
        };
        match self.scan_qr(&code, outcome) {
            Ok(t) => json_reply(200, &crate::view::trade_json(&t)),
            Err(e @ SandboxError::NoTrade(_)) => json_reply(404, &json!({"error": e.to_string()})),
            Err(e) => json_reply(409, &json!({"error": e.to_string()})),
        }
    }

    fn http_fault(&self, body: &[u8]) -> Reply {
        let method = form_value(body, "method");
        let fault = match form_value(body, "fault").as_deref() {
            Some("drop_before") => Fault::DropBeforeApply,
            Some("drop_after") => Fault::DropAfterApply,
            Some("http_5xx") => Fault::Http5xx { status: 502, applied: false },
            Some("http_5xx_applied") => Fault::Http5xx { status: 502, applied: true },
            Some("system_error") => Fault::SystemError { applied: false },
            Some("system_error_applied") => Fault::SystemError { applied: true },
            Some("forged_signature") => Fault::ForgedSignature,
            Some("hold") => Fault::Hold,
            Some("latency") => {
                let ms = form_value(body, "ms").and_then(|m| m.parse().ok()).unwrap_or(1000);
                Fault::Latency(Duration::from_millis(ms))
            }
            _ => {
                return json_reply(
                    400,
                    &json!({"error": "fault must be one of drop_before, drop_after, http_5xx, http_5xx_applied, system_error, system_error_applied, forged_signature, hold, latency"}),
                );
            }
        };
        self.inject(method.as_deref(), fault);
        json_reply(200, &json!({"injected": format!("{fault:?}")}))
    }

    /// Sends due notifications.
    fn deliver_due(&self) {
        let now = self.now();
        let due: Vec<(usize, String, Vec<u8>)> = {
            let mut state = self.state();
            state
                .deliveries
                .iter_mut()
                .enumerate()
                .filter(|(_, d)| !d.in_flight && d.next_at.is_some_and(|at| at <= now))
                .map(|(i, d)| {
                    d.in_flight = true;
                    (i, d.notify_url.clone(), notifier::form_body(&d.params))
                })
                .collect()
        };
        for (index, url, body) in due {
            let sandbox = self.clone();
            tokio::spawn(async move {
                let request = HttpRequest {
                    method: HttpMethod::Post,
                    url,
                    headers: vec![("content-type".into(), "application/x-www-form-urlencoded; charset=utf-8".into())],
                    body,
                    max_body_bytes: None,
                };
                let (acknowledged, outcome) = match sandbox.inner.http.send(request).await {
                    Ok(r) => {
                        let text = String::from_utf8_lossy(&r.body).trim().to_string();
                        (
                            (200..300).contains(&r.status) && text == "success",
                            format!("HTTP {}: {}", r.status, text.chars().take(64).collect::<String>()),
                        )
                    }
                    Err(e) => (false, e.to_string()),
                };
                let at = sandbox.now();
                if let Some(d) = sandbox.state().deliveries.get_mut(index) {
                    d.record(at, acknowledged, outcome);
                }
            });
        }
    }
}

/// Time-driven work: timeouts, confirming buyers, notification deliveries.
async fn background(inner: Weak<Inner>) {
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let Some(inner) = inner.upgrade() else { return };
        let sandbox = Sandbox { inner };
        sandbox.settle();
        sandbox.deliver_due();
    }
}

fn wrong_state(t: &Trade) -> SandboxError {
    SandboxError::WrongState { out_trade_no: t.out_trade_no.clone(), status: t.status.to_string() }
}

fn split_url(url: &str) -> (String, String) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_and_query = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    match path_and_query.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (path_and_query.to_string(), String::new()),
    }
}

fn form_value(body: &[u8], key: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// A v2 gateway answer, in the request's charset, saying so in its `Content-Type` as Alipay does (the
/// Java SDK decodes the body by it).
fn answer_reply(body: Vec<u8>, charset: alipay_core::Charset) -> Reply {
    let content_type = format!("text/html;charset={}", charset.as_str());
    Reply::Http(HttpResponse { status: 200, headers: vec![("content-type".into(), content_type)], body })
}

fn text_reply(status: u16, body: Vec<u8>) -> Reply {
    Reply::Http(HttpResponse { status, headers: vec![("content-type".into(), "text/html;charset=utf-8".into())], body })
}

fn json_reply(status: u16, value: &Value) -> Reply {
    Reply::Http(HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: serde_json::to_vec(value).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::split_url;

    #[test]
    fn urls_split_into_path_and_query() {
        assert_eq!(split_url("http://127.0.0.1:1/gateway.do?a=1"), ("/gateway.do".into(), "a=1".into()));
        assert_eq!(split_url("http://h"), ("/".into(), String::new()));
    }
}
