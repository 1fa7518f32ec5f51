//! Certificate mode in the sandbox: the certificates it issues to the app and to itself, the Alipay
//! certificate it signs with now (rotation on demand, genuine or hostile — see [`Rotation`]), the SN
//! checks of requests, and `alipay.open.app.alipaycert.download`. It knows nothing of the sandbox
//! itself: the sandbox hands in a `Subject` (who the certificates are for, its keys and clock) and
//! wraps these calls in its certificate-mode library calls.

use std::sync::Mutex;

use alipay_core::{PrivateKey, PublicKey};
use base64::Engine as _;

use crate::ca::{CertAuthority, Merchant, SANDBOX_COMPANY};
use crate::clock::VirtualClock;
use crate::error::SandboxError;
use crate::gateway::answer::{self, Node};
use crate::gateway::request::GatewayRequest;
use crate::rotation::Rotation;

/// One Alipay certificate the sandbox has signed with.
pub(crate) struct AlipayCert {
    pub(crate) sn: String,
    pub(crate) key: PrivateKey,
    pub(crate) pem: String,
    /// How the certificate was rotated to (its download answer is unsigned for the `Unsigned*` ones).
    pub(crate) rotation: Rotation,
}

/// The certificates issued so far.
pub(crate) struct CertState {
    ca: CertAuthority,
    app_cert: String,
    app_cert_sn: String,
    root_sn: String,
    /// Every Alipay certificate so far; the last one signs.
    alipay: Vec<AlipayCert>,
}

/// The certificate side of the sandbox, created on first use.
#[derive(Default)]
pub(crate) struct Certs {
    state: Mutex<Option<CertState>>,
}

/// What the sandbox tells its certificate side: who the certificates are issued to, the keys the
/// first ones certify, and the clock that dates them.
pub(crate) struct Subject<'a> {
    /// The seller id: the merchant's PID.
    pub(crate) pid: &'a str,
    /// The app id.
    pub(crate) app_id: &'a str,
    /// The app's public key, for the app certificate.
    pub(crate) app_public_key: &'a PublicKey,
    /// The Alipay key, for the first Alipay certificate.
    pub(crate) alipay_key: &'a PrivateKey,
    /// The sandbox's virtual clock.
    pub(crate) clock: &'a VirtualClock,
}

impl Subject<'_> {
    /// The merchant the sandbox's certificates are issued to: its seller id is the PID.
    fn merchant(&self) -> Merchant<'_> {
        Merchant { pid: self.pid, app_id: self.app_id, company: SANDBOX_COMPANY }
    }
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

impl Certs {
    fn with_certs<T>(
        &self,
        subject: &Subject<'_>,
        f: impl FnOnce(&mut CertState) -> Result<T, SandboxError>,
    ) -> Result<T, SandboxError> {
        let mut guard = self.state.lock().expect("lock");
        if guard.is_none() {
            let now = subject.clock.now();
            let mut ca = CertAuthority::new(now)?;
            let merchant = subject.merchant();
            let app_cert = ca.issue_app_cert(&merchant, subject.app_public_key, now)?;
            let alipay_pem = ca.issue_alipay_cert(&merchant, subject.alipay_key.public_key(), false, now)?;
            let first = AlipayCert {
                sn: sn(&alipay_pem)?,
                key: subject.alipay_key.clone(),
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
    pub(crate) fn certificates(&self, subject: &Subject<'_>) -> Result<SandboxCertificates, SandboxError> {
        self.with_certs(subject, |c| {
            Ok(SandboxCertificates {
                app_cert: c.app_cert.clone(),
                alipay_cert: c.alipay[0].pem.clone(),
                root_cert: c.ca.root_file().to_string(),
            })
        })
    }

    /// Rotates to the certificate `rotation` describes (see `Sandbox::rotate_alipay_cert_to`). Returns
    /// the new SN.
    pub(crate) fn rotate_to(&self, subject: &Subject<'_>, rotation: Rotation) -> Result<String, SandboxError> {
        let now = subject.clock.now();
        let pair = alipay_core::keys::generate_rsa2048().map_err(|e| SandboxError::Keys(e.to_string()))?;
        let key = PrivateKey::from_text(&pair.private_pkcs8_pem).map_err(|e| SandboxError::Keys(e.to_string()))?;
        let merchant = subject.merchant();
        self.with_certs(subject, |c| {
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
    pub(crate) fn current_alipay_cert_sn(&self, subject: &Subject<'_>) -> Result<String, SandboxError> {
        self.with_certs(subject, |c| Ok(c.alipay.last().expect("at least one").sn.clone()))
    }

    /// The key and SN of the Alipay certificate that signs now, once certificate mode is set up.
    pub(crate) fn current_signer(&self) -> Option<(PrivateKey, String)> {
        let guard = self.state.lock().expect("lock");
        guard.as_ref().and_then(|c| c.alipay.last()).map(|a| (a.key.clone(), a.sn.clone()))
    }

    /// For a certificate-mode request (it sends `app_cert_sn`): the signing key and SN of the answer,
    /// after checking both SNs it sent. `Ok(None)` in public-key mode.
    pub(crate) fn seal_for(
        &self,
        subject: &Subject<'_>,
        req: &GatewayRequest,
    ) -> Result<Option<(PrivateKey, String)>, Node> {
        let Some(app_sn) = req.param("app_cert_sn") else { return Ok(None) };
        let invalid = |sub_code: &str, sub_msg: &str| Node::failure("40002", "Invalid Arguments", sub_code, sub_msg);
        self.with_certs(subject, |c| {
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
    pub(crate) fn unsigned_download(&self, subject: &Subject<'_>, req: &GatewayRequest) -> Option<Vec<u8>> {
        if req.method != alipay_core::client::CERT_DOWNLOAD_METHOD {
            return None;
        }
        let wanted = req.biz_str("alipay_cert_sn")?;
        let (pem, rotation) = self
            .with_certs(subject, |c| Ok(c.alipay.iter().find(|a| a.sn == wanted).map(|a| (a.pem.clone(), a.rotation))))
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
    pub(crate) fn download(&self, subject: &Subject<'_>, req: &GatewayRequest) -> Node {
        let Some(wanted) = req.biz_str("alipay_cert_sn") else {
            return Node::failure("40002", "Invalid Arguments", "isv.missing-alipay-cert-sn", "缺少证书序列号");
        };
        let found = self.with_certs(subject, |c| Ok(c.alipay.iter().find(|a| a.sn == wanted).map(|a| a.pem.clone())));
        match found {
            Ok(Some(pem)) => Node::success()
                .with("alipay_cert_content", base64::engine::general_purpose::STANDARD.encode(pem.as_bytes())),
            _ => Node::business_failure("ACQ.CERT_NOT_EXIST", "证书不存在"),
        }
    }
}
