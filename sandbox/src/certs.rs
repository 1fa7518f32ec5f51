//! Certificate mode in the sandbox: the certificates it issues to the app and to itself, the Alipay
//! certificate it signs with now (rotation on demand, genuine or hostile — see [`Rotation`]), the SN
//! checks of requests, and `alipay.open.app.alipaycert.download`.

use alipay_core::{ClientBuilder, PrivateKey};
use base64::Engine as _;

use crate::ca::{CertAuthority, Merchant, SANDBOX_COMPANY};
use crate::gateway::answer::{self, Node};
use crate::gateway::request::GatewayRequest;
use crate::rotation::Rotation;
use crate::sandbox::{Sandbox, SandboxError};

/// One Alipay certificate the sandbox has signed with.
pub(crate) struct AlipayCert {
    pub(crate) sn: String,
    pub(crate) key: PrivateKey,
    pub(crate) pem: String,
    /// How the certificate was rotated to (its download answer is unsigned for the `Unsigned*` ones).
    pub(crate) rotation: Rotation,
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
    /// The merchant the sandbox's certificates are issued to: its seller id is the PID.
    fn merchant(&self) -> Merchant<'_> {
        Merchant { pid: self.seller_id(), app_id: self.app_id(), company: SANDBOX_COMPANY }
    }

    fn with_certs<T>(&self, f: impl FnOnce(&mut CertState) -> Result<T, SandboxError>) -> Result<T, SandboxError> {
        let mut guard = self.inner.certs.lock().expect("lock");
        if guard.is_none() {
            let now = self.now();
            let mut ca = CertAuthority::new(now)?;
            let merchant = self.merchant();
            let app_cert = ca.issue_app_cert(&merchant, &self.inner.app_public_key, now)?;
            let alipay_pem = ca.issue_alipay_cert(&merchant, self.inner.alipay_key.public_key(), false, now)?;
            let first = AlipayCert {
                sn: sn(&alipay_pem)?,
                key: self.inner.alipay_key.clone(),
                pem: alipay_pem,
                rotation: Rotation::Genuine,
            };
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
        let now = self.now();
        let pair = alipay_core::keys::generate_rsa2048().map_err(|e| SandboxError::Keys(e.to_string()))?;
        let key = PrivateKey::from_text(&pair.private_pkcs8_pem).map_err(|e| SandboxError::Keys(e.to_string()))?;
        let merchant = self.merchant();
        self.with_certs(|c| {
            let public = key.public_key();
            let pem = match rotation {
                Rotation::Genuine | Rotation::UnsignedErrorDownload | Rotation::UnsignedDownload => {
                    c.ca.issue_alipay_cert(&merchant, public, false, now)?
                }
                Rotation::Rogue => c.ca.issue_alipay_cert(&merchant, public, true, now)?,
                Rotation::OtherMerchantApp => c.ca.issue_other_merchant_app_cert(public, now)?,
                Rotation::OtherMerchantAlipay => {
                    c.ca.issue_alipay_cert(&crate::ca::OTHER_MERCHANT, public, false, now)?
                }
                Rotation::IssuedByLeaf => c.ca.issue_by_leaf(&merchant, public, now)?,
            };
            let sn = sn(&pem)?;
            c.alipay.push(AlipayCert { sn: sn.clone(), key, pem, rotation });
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

    /// The body of an unsigned certificate download answer, when the certificate asked for was rotated
    /// to with [`Rotation::UnsignedErrorDownload`] or [`Rotation::UnsignedDownload`]: the node carries
    /// the certificate and names its SN, but has no `sign`.
    pub(crate) fn unsigned_cert_download(&self, req: &GatewayRequest) -> Option<Vec<u8>> {
        if req.method != alipay_core::client::CERT_DOWNLOAD_METHOD {
            return None;
        }
        let wanted = req.biz_str("alipay_cert_sn")?;
        let (pem, rotation) = self
            .with_certs(|c| Ok(c.alipay.iter().find(|a| a.sn == wanted).map(|a| (a.pem.clone(), a.rotation))))
            .ok()
            .flatten()?;
        let node = match rotation {
            Rotation::UnsignedErrorDownload => Node::business_failure("ACQ.SYSTEM_BUSY", "证书下载失败"),
            Rotation::UnsignedDownload => Node::success(),
            _ => return None,
        };
        let node = node.with("alipay_cert_content", base64::engine::general_purpose::STANDARD.encode(pem.as_bytes()));
        Some(answer::unsigned_body(&req.method, &node, Some(wanted), req.charset))
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
