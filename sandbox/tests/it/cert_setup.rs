//! Certificate-mode setup for the certificate trust tests: a client whose certificate downloads are
//! counted, and the reason an error refuses a certificate.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use alipay_core::cert::TrustError;
use alipay_core::error::{SignatureError, TransportError};
use alipay_core::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};
use alipay_core::{Client, Error, Protocol};
use alipay_sandbox::{Sandbox, SandboxConfig};

/// The sandbox merchant's Alipay subject (its seller id is the PID).
pub const ALIPAY_SUBJECT: &str =
    "CN=支付宝(中国)网络技术有限公司-2088000000000000,OU=Alipay,O=沙箱测试商户有限公司,C=CN";

/// The sandbox's in-process transport, counting certificate downloads.
#[derive(Debug)]
struct Counting {
    inner: Arc<dyn Transport>,
    downloads: Arc<AtomicUsize>,
}

impl Transport for Counting {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        if request.url.contains(alipay_core::client::CERT_DOWNLOAD_METHOD) {
            self.downloads.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.send(request)
    }
}

/// A sandbox and a certificate-mode client of it whose certificate downloads are counted.
pub struct Setup {
    pub sandbox: Sandbox,
    pub client: Client,
    pub downloads: Arc<AtomicUsize>,
}

impl Setup {
    /// A certificate-mode client whose virtual time runs at `speed`.
    pub fn new(v3: bool, speed: f64) -> Self {
        let sandbox = Sandbox::start(SandboxConfig { speed, ..SandboxConfig::default() }).expect("sandbox");
        let downloads = Arc::new(AtomicUsize::new(0));
        let client = self::client(&sandbox, &downloads, v3);
        Setup { sandbox, client, downloads }
    }

    pub fn downloads(&self) -> usize {
        self.downloads.load(Ordering::SeqCst)
    }

    pub fn known(&self) -> Vec<String> {
        self.client.config().cert_mode.as_ref().expect("cert mode").known_sns()
    }
}

pub fn client(sandbox: &Sandbox, downloads: &Arc<AtomicUsize>, v3: bool) -> Client {
    let transport = Arc::new(Counting { inner: sandbox.transport(), downloads: Arc::clone(downloads) });
    let builder = sandbox.cert_client_builder().expect("builder").transport(transport);
    builder.protocol(if v3 { Protocol::V3 } else { Protocol::V2 }).build().expect("client")
}

/// The reason an error refuses certificate `sn`.
pub fn refusal(err: &Error, sn: &str) -> TrustError {
    match err {
        Error::Signature(SignatureError::UntrustedCertificate { sn: named, reason }) => {
            assert_eq!(named, sn, "{err}");
            assert!(err.to_string().contains(sn), "{err}");
            reason.clone()
        }
        other => panic!("expected an untrusted certificate, got {other}"),
    }
}
