//! The sandbox itself: configuration, state, the request router, and the library calls tests use to
//! play the buyer, inject faults, move time, rotate certificates and read the ground truth. Bills,
//! notifications, the sandbox-only endpoints and the certificate side each live in their own module.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, SystemTime};

use alipay_core::encrypt::EncryptKey;
use alipay_core::trade::TradeStatus;
use alipay_core::transport::{HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportSettings};
use alipay_core::{Client, ClientBuilder, Gateway, PrivateKey, PublicKey};

use crate::bill::BillTicket;
use crate::certs::{Certs, SandboxCertificates, Subject};
use crate::clock::VirtualClock;
use crate::error::SandboxError;
use crate::faults::{Fault, FaultPlan, FaultRule};
use crate::gateway;
use crate::gateway::answer::{self, Node};
use crate::gateway::request::{GatewayRequest, Wire};
use crate::notifier::Delivery;
use crate::rotation::Rotation;
use crate::trades::{Event, Trade, TradeBook, mark_paid};

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
/// What the sandbox keeps under its state lock.
#[derive(Debug, Default)]
pub(crate) struct State {
    book: TradeBook,
    /// Every notification and its deliveries.
    pub(crate) deliveries: Vec<Delivery>,
    /// The sequence number in the last `notify_id`.
    pub(crate) notify_seq: u64,
    /// The bill download URLs issued, by token.
    pub(crate) bills: HashMap<String, BillTicket>,
    /// The sequence number in the last bill token.
    pub(crate) bill_seq: u64,
    /// How bills are to disagree with the trades ([`Sandbox::misstate_bill`]).
    pub(crate) bill_misstatements: Vec<crate::bill::BillMisstatement>,
    /// Every file uploaded ([`Sandbox::uploads`]).
    pub(crate) uploads: Vec<crate::uploads::Upload>,
}

pub(crate) struct Inner {
    pub(crate) app_id: String,
    seller_id: String,
    pub(crate) app_public_key: PublicKey,
    app_private_key_pem: Option<String>,
    pub(crate) alipay_key: PrivateKey,
    encrypt_key: Option<EncryptKey>,
    certs: Certs,
    forger: OnceLock<PrivateKey>,
    clock: VirtualClock,
    state: Mutex<State>,
    faults: Mutex<FaultPlan>,
    /// Requests held up on their way by [`Fault::Hold`], in arrival order.
    held: Mutex<Vec<GatewayRequest>>,
    base_url: Mutex<String>,
    pub(crate) http: ReqwestTransport,
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
            certs: Certs::default(),
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

    /// The certificate-mode files for the app (issued on first call: a second or so).
    ///
    /// # Errors
    /// [`SandboxError::Keys`] when key generation or issuing fails.
    pub fn certificates(&self) -> Result<SandboxCertificates, SandboxError> {
        self.inner.certs.certificates(&self.cert_subject())
    }

    /// Alipay rotates its certificate: from now on certificate-mode answers are signed with a new key
    /// under a new certificate that chains to the root. Returns the new SN.
    ///
    /// # Errors
    /// [`SandboxError::Keys`] when key generation or issuing fails.
    pub fn rotate_alipay_cert(&self) -> Result<String, SandboxError> {
        self.rotate_alipay_cert_to(Rotation::Genuine)
    }

    /// Like [`Sandbox::rotate_alipay_cert`], but the new certificate comes from a CA outside the root
    /// file — what a man in the middle would serve. Clients must refuse the answers signed with it.
    ///
    /// # Errors
    /// As [`Sandbox::rotate_alipay_cert`].
    pub fn rotate_to_rogue_alipay_cert(&self) -> Result<String, SandboxError> {
        self.rotate_alipay_cert_to(Rotation::Rogue)
    }

    /// Rotates to the certificate `rotation` describes: from now on certificate-mode answers and
    /// notifications are signed with its key and name its SN, and the certificate download serves it
    /// (unsigned, for [`Rotation::UnsignedErrorDownload`] and [`Rotation::UnsignedDownload`]). Every
    /// rotation but [`Rotation::Genuine`] is one clients must refuse. Returns the new SN.
    ///
    /// # Errors
    /// As [`Sandbox::rotate_alipay_cert`].
    pub fn rotate_alipay_cert_to(&self, rotation: Rotation) -> Result<String, SandboxError> {
        self.inner.certs.rotate_to(&self.cert_subject(), rotation)
    }

    /// The SN of the Alipay certificate answers are signed with now.
    ///
    /// # Errors
    /// As [`Sandbox::certificates`].
    pub fn current_alipay_cert_sn(&self) -> Result<String, SandboxError> {
        self.inner.certs.current_alipay_cert_sn(&self.cert_subject())
    }

    /// The key and SN of the Alipay certificate that signs now, once certificate mode is set up.
    pub(crate) fn current_cert_signer(&self) -> Option<(PrivateKey, String)> {
        self.inner.certs.current_signer()
    }

    /// A client builder for certificate mode, in process (see [`Sandbox::client_builder`]).
    ///
    /// # Errors
    /// As [`Sandbox::client_builder`] and [`Sandbox::certificates`].
    pub fn cert_client_builder(&self) -> Result<ClientBuilder, SandboxError> {
        let files = self.certificates()?;
        self.client_builder()?
            .certificates(&files.app_cert, &files.alipay_cert, &files.root_cert)
            .map_err(|e| SandboxError::Keys(e.to_string()))
    }

    /// What the certificate side issues for: the seller (PID) and app, their keys, virtual time.
    fn cert_subject(&self) -> Subject<'_> {
        let inner = &self.inner;
        Subject {
            pid: &inner.seller_id,
            app_id: &inner.app_id,
            app_public_key: &inner.app_public_key,
            alipay_key: &inner.alipay_key,
            clock: &inner.clock,
        }
    }

    /// The sandbox state, locked.
    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
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

    /// Handles one HTTP request: the gateway, bill downloads, and the sandbox-only endpoints.
    pub async fn handle(&self, request: HttpRequest) -> Reply {
        let (path, query) = split_url(&request.url);
        match (request.method, path.as_str()) {
            (_, "/gateway.do") => match gateway::multipart::boundary(&request.headers) {
                None => self.gateway(&query, &request.body, Vec::new()).await,
                Some(boundary) => match gateway::multipart::parse(&boundary, &request.body).await {
                    Ok(form) => self.gateway(&query, &form.texts_as_form_body(), form.files).await,
                    Err(e) => text_reply(400, e.into_bytes()),
                },
            },
            (method, p) if p.starts_with("/v3/") => {
                // An upload: the `data` part is the signed JSON body, the files ride along.
                let (body, files) = match gateway::multipart::boundary(&request.headers) {
                    None => (request.body.clone(), Vec::new()),
                    Some(boundary) => match gateway::multipart::parse(&boundary, &request.body).await {
                        Ok(form) => {
                            let data = form.texts.into_iter().find(|(k, _, _)| k == "data").map(|(_, v, _)| v);
                            (data.unwrap_or_default(), form.files)
                        }
                        Err(e) => return text_reply(400, e.into_bytes()),
                    },
                };
                let incoming = gateway::v3::Incoming {
                    http_method: method,
                    path: p,
                    query: &query,
                    headers: &request.headers,
                    body: &body,
                };
                self.gateway_v3(&incoming, files).await
            }
            (method, p) => self.control(method, p, &request.body),
        }
    }

    async fn gateway(&self, query: &str, body: &[u8], files: Vec<gateway::multipart::FilePart>) -> Reply {
        let inner = &self.inner;
        let req = match gateway::read_request(
            query,
            body,
            &inner.app_id,
            &inner.app_public_key,
            inner.encrypt_key.as_ref(),
        ) {
            Ok(req) => GatewayRequest { files, ..req },
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

    async fn gateway_v3(
        &self,
        incoming: &gateway::v3::Incoming<'_>,
        files: Vec<gateway::multipart::FilePart>,
    ) -> Reply {
        let inner = &self.inner;
        match gateway::v3::read(incoming, &inner.app_id, &inner.app_public_key, inner.encrypt_key.as_ref()) {
            Ok(req) => self.answer_request(GatewayRequest { files, ..req }).await,
            Err(refusal) => Reply::Http(gateway::v3::refusal(&refusal, &self.v3_seal(&inner.alipay_key, None, None))),
        }
    }

    /// Serves a request that passed its protocol's checks: certificate checks, faults, the business
    /// method, and the answer in the request's protocol.
    async fn answer_request(&self, mut req: GatewayRequest) -> Reply {
        req.received_at = Some(self.now());
        let signer = match self.inner.certs.seal_for(&self.cert_subject(), &req) {
            Ok(signer) => signer,
            Err(refusal) => return self.signed(&req, &refusal, false, None),
        };
        if let Some(body) = self.inner.certs.unsigned_download(&self.cert_subject(), &req) {
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
            return self.inner.certs.download(&self.cert_subject(), req);
        }
        if let Some(node) = self.upload(req) {
            return node;
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

/// A v2 gateway answer, in the request's charset, saying so in its `Content-Type` as Alipay does (the
/// Java SDK decodes the body by it).
/// A v2 answer, with the `trace_id` header Alipay puts on every answer (quoted to its support).
fn answer_reply(body: Vec<u8>, charset: alipay_core::Charset) -> Reply {
    let content_type = format!("text/html;charset={}", charset.as_str());
    let trace_id = alipay_core::v3::new_nonce().replace('-', "");
    let headers = vec![("content-type".into(), content_type), ("trace_id".into(), trace_id)];
    Reply::Http(HttpResponse { status: 200, headers, body })
}

fn text_reply(status: u16, body: Vec<u8>) -> Reply {
    Reply::Http(HttpResponse { status, headers: vec![("content-type".into(), "text/html;charset=utf-8".into())], body })
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
