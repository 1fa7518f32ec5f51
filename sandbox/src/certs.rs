//! Certificate mode in the sandbox: the certificates it issues to the app and to itself, the Alipay
//! certificate it signs with now (rotation on demand, genuine or rogue), the SN checks of requests, and
//! `alipay.open.app.alipaycert.download`.

use alipay_core::{ClientBuilder, PrivateKey};
use base64::Engine as _;

use crate::ca::CertAuthority;
use crate::gateway::answer::Node;
use crate::gateway::request::GatewayRequest;
use crate::sandbox::{Sandbox, SandboxError};

/// One Alipay certificate the sandbox has signed with.
pub(crate) struct AlipayCert {
    pub(crate) sn: String,
    pub(crate) key: PrivateKey,
    pub(crate) pem: String,
}

/// The certificate side of the sandbox, created on first use.
pub(crate) struct CertState {
    ca: CertAuthority,
    app_cert: String,
    app_cert_sn: String,
    root_sn: String,
    /// Every Alipay certificate so far; the last one signs.
    alipay: Vec<AlipayCert>,
}

/// The three files of certificate mode, as the open-platform console hands them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxCertificates {
    /// `appCertPublicKey_<appid>.crt`.
    pub app_cert: String,
    /// `alipayCertPublicKey_RSA2.crt`: the Alipay certificate at the time it was first asked for.
    pub alipay_cert: String,
    /// `alipayRootCert.crt`.
    pub root_cert: String,
}

fn sn(pem: &str) -> Result<String, SandboxError> {
    alipay_core::cert::cert_sn(pem).map_err(|e| SandboxError::Keys(e.to_string()))
}

impl Sandbox {
    fn with_certs<T>(&self, f: impl FnOnce(&mut CertState) -> Result<T, SandboxError>) -> Result<T, SandboxError> {
        let mut guard = self.inner.certs.lock().expect("lock");
        if guard.is_none() {
            let now = self.now();
            let mut ca = CertAuthority::new(now)?;
            let app_cert = ca.issue_app_cert(&self.inner.app_id, &self.inner.app_public_key, now)?;
            let alipay_pem = ca.issue_alipay_cert(self.inner.alipay_key.public_key(), false, now)?;
            let first = AlipayCert { sn: sn(&alipay_pem)?, key: self.inner.alipay_key.clone(), pem: alipay_pem };
            let root_sn =
                alipay_core::cert::root_cert_sn(ca.root_file()).map_err(|e| SandboxError::Keys(e.to_string()))?;
            *guard = Some(CertState { app_cert_sn: sn(&app_cert)?, app_cert, root_sn, alipay: vec![first], ca });
        }
        f(guard.as_mut().expect("initialised above"))
    }

    /// The certificate-mode files for the app (issued on first call: a second or so).
    ///
    /// # Errors
    /// [`SandboxError::Keys`] when key generation or issuing fails.
    pub fn certificates(&self) -> Result<SandboxCertificates, SandboxError> {
        self.with_certs(|c| {
            Ok(SandboxCertificates {
                app_cert: c.app_cert.clone(),
                alipay_cert: c.alipay[0].pem.clone(),
                root_cert: c.ca.root_file().to_string(),
            })
        })
    }

    /// Alipay rotates its certificate: from now on certificate-mode answers are signed with a new key
    /// under a new certificate that chains to the root. Returns the new SN.
    ///
    /// # Errors
    /// [`SandboxError::Keys`] when key generation or issuing fails.
    pub fn rotate_alipay_cert(&self) -> Result<String, SandboxError> {
        self.rotate(false)
    }

    /// Like [`Sandbox::rotate_alipay_cert`], but the new certificate comes from a CA outside the root
    /// file — what a man in the middle would serve. Clients must refuse the answers signed with it.
    ///
    /// # Errors
    /// As [`Sandbox::rotate_alipay_cert`].
    pub fn rotate_to_rogue_alipay_cert(&self) -> Result<String, SandboxError> {
        self.rotate(true)
    }

    fn rotate(&self, rogue: bool) -> Result<String, SandboxError> {
        let now = self.now();
        let pair = alipay_core::keys::generate_rsa2048().map_err(|e| SandboxError::Keys(e.to_string()))?;
        let key = PrivateKey::from_text(&pair.private_pkcs8_pem).map_err(|e| SandboxError::Keys(e.to_string()))?;
        self.with_certs(|c| {
            let pem = c.ca.issue_alipay_cert(key.public_key(), rogue, now)?;
            let sn = sn(&pem)?;
            c.alipay.push(AlipayCert { sn: sn.clone(), key, pem });
            Ok(sn)
        })
    }

    /// The SN of the Alipay certificate answers are signed with now.
    ///
    /// # Errors
    /// As [`Sandbox::certificates`].
    pub fn current_alipay_cert_sn(&self) -> Result<String, SandboxError> {
        self.with_certs(|c| Ok(c.alipay.last().expect("at least one").sn.clone()))
    }

    /// The key and SN of the Alipay certificate that signs now, once certificate mode is set up.
    pub(crate) fn current_cert_signer(&self) -> Option<(PrivateKey, String)> {
        let guard = self.inner.certs.lock().expect("lock");
        guard.as_ref().and_then(|c| c.alipay.last()).map(|a| (a.key.clone(), a.sn.clone()))
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

    /// For a certificate-mode request (it sends `app_cert_sn`): the signing key and SN of the answer,
    /// after checking both SNs it sent. `Ok(None)` in public-key mode.
    pub(crate) fn cert_seal_for(&self, req: &GatewayRequest) -> Result<Option<(PrivateKey, String)>, Node> {
        let Some(app_sn) = req.param("app_cert_sn") else { return Ok(None) };
        let invalid = |sub_code: &str, sub_msg: &str| Node::failure("40002", "Invalid Arguments", sub_code, sub_msg);
        self.with_certs(|c| {
            if app_sn != c.app_cert_sn {
                return Ok(Err(invalid("isv.app-cert-sn-mismatch", "应用公钥证书序列号不匹配")));
            }
            if req.param("alipay_root_cert_sn") != Some(c.root_sn.as_str()) {
                return Ok(Err(invalid("isv.alipay-root-cert-sn-mismatch", "支付宝根证书序列号不匹配")));
            }
            let current = c.alipay.last().expect("at least one");
            Ok(Ok(Some((current.key.clone(), current.sn.clone()))))
        })
        .unwrap_or_else(|e| {
            Err(Node::failure("20000", "Service Currently Unavailable", "isp.unknow-error", &e.to_string()))
        })
    }

    /// `alipay.open.app.alipaycert.download`: the certificate with the SN asked for, base64 PEM.
    pub(crate) fn cert_download(&self, req: &GatewayRequest) -> Node {
        let Some(wanted) = req.biz_str("alipay_cert_sn") else {
            return Node::failure("40002", "Invalid Arguments", "isv.missing-alipay-cert-sn", "缺少证书序列号");
        };
        let found = self.with_certs(|c| Ok(c.alipay.iter().find(|a| a.sn == wanted).map(|a| a.pem.clone())));
        match found {
            Ok(Some(pem)) => Node::success()
                .with("alipay_cert_content", base64::engine::general_purpose::STANDARD.encode(pem.as_bytes())),
            _ => Node::business_failure("ACQ.CERT_NOT_EXIST", "证书不存在"),
        }
    }
}
