//! Certificate mode (公钥证书): the app certificate, the Alipay public-key certificate and the Alipay
//! root certificate, and the Alipay keys known by SN — including rotated ones, admitted only after
//! they chain to the root through CAs and name the subject of the configured Alipay certificate.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use x509_cert::Certificate;

use super::{TrustError, key_of, parse_certificates, root_cert_sn, sn_of, subject_of, verify_chain};
use crate::error::{ConfigError, Error, SignatureError};
use crate::keys::PublicKey;

/// The certificates of certificate mode. Cheap to clone; clones share the keys learned by rotation.
#[derive(Clone)]
pub struct CertMode {
    inner: Arc<Inner>,
}

struct Inner {
    app_cert_sn: String,
    app_public_key: PublicKey,
    alipay_root_cert_sn: String,
    roots: Vec<Certificate>,
    configured_sn: String,
    /// The subject every Alipay certificate of this merchant names (RFC 2253).
    alipay_subject: String,
    keys: RwLock<HashMap<String, PublicKey>>,
}

/// A rotated Alipay certificate that passed every check of [`CertMode::check`] but is not trusted yet:
/// [`CertMode::admit_checked`] makes its key known. Only [`CertMode::check`] makes one.
#[derive(Debug, Clone)]
pub struct CheckedCert {
    sn: String,
    key: PublicKey,
}

impl CheckedCert {
    /// Its SN.
    pub fn sn(&self) -> &str {
        &self.sn
    }

    /// Its public key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }
}

impl fmt::Debug for CertMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertMode")
            .field("app_cert_sn", &self.inner.app_cert_sn)
            .field("alipay_root_cert_sn", &self.inner.alipay_root_cert_sn)
            .field("alipay_cert_sns", &self.known_sns())
            .field("alipay_subject", &self.inner.alipay_subject)
            .finish()
    }
}

impl CertMode {
    /// Loads the three files from the open-platform console (their PEM text): `appCertPublicKey_<appid>.crt`,
    /// `alipayCertPublicKey_RSA2.crt` and `alipayRootCert.crt`. The Alipay public key is taken from the
    /// first certificate of its file.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the file that is not what it should be.
    pub fn from_pem(app_cert: &str, alipay_cert: &str, root_cert: &str) -> Result<Self, Error> {
        let invalid = |name: &'static str, e: &dyn fmt::Display| ConfigError::Invalid { name, reason: e.to_string() };
        let app = parse_certificates(app_cert).map_err(|e| invalid("app_cert", &e))?;
        let alipay = parse_certificates(alipay_cert).map_err(|e| invalid("alipay_cert", &e))?;
        let roots = parse_certificates(root_cert).map_err(|e| invalid("alipay_root_cert", &e))?;
        let alipay_root_cert_sn = root_cert_sn(root_cert).map_err(|e| invalid("alipay_root_cert", &e))?;
        let configured_sn = sn_of(&alipay[0]);
        let alipay_key = key_of(&alipay[0]).map_err(|e| invalid("alipay_cert", &e))?;
        let app_public_key = key_of(&app[0]).map_err(|e| invalid("app_cert", &e))?;
        Ok(CertMode {
            inner: Arc::new(Inner {
                app_cert_sn: sn_of(&app[0]),
                app_public_key,
                alipay_root_cert_sn,
                roots,
                configured_sn: configured_sn.clone(),
                alipay_subject: subject_of(&alipay[0]),
                keys: RwLock::new(HashMap::from([(configured_sn, alipay_key)])),
            }),
        })
    }

    /// `app_cert_sn`, sent with every request.
    pub fn app_cert_sn(&self) -> &str {
        &self.inner.app_cert_sn
    }

    /// The public key in the app certificate (it must match the app private key).
    pub fn app_public_key(&self) -> &PublicKey {
        &self.inner.app_public_key
    }

    /// `alipay_root_cert_sn`, sent with every request.
    pub fn alipay_root_cert_sn(&self) -> &str {
        &self.inner.alipay_root_cert_sn
    }

    /// The SN of the configured Alipay certificate.
    pub fn alipay_cert_sn(&self) -> &str {
        &self.inner.configured_sn
    }

    /// The key of the configured Alipay certificate.
    pub fn alipay_public_key(&self) -> PublicKey {
        self.key_for(&self.inner.configured_sn).expect("the configured certificate's key is always known")
    }

    /// The Alipay key with this SN, when known (configured, or admitted by [`CertMode::admit`]).
    pub fn key_for(&self, sn: &str) -> Option<PublicKey> {
        self.inner.keys.read().unwrap_or_else(PoisonError::into_inner).get(sn).cloned()
    }

    /// Every Alipay certificate SN known.
    pub fn known_sns(&self) -> Vec<String> {
        let mut sns: Vec<_> = self.inner.keys.read().unwrap_or_else(PoisonError::into_inner).keys().cloned().collect();
        sns.sort();
        sns
    }

    /// The subject every rotated Alipay certificate must name: the configured one's, RFC 2253 style.
    /// In the open-platform console's files it is `CN=支付宝(中国)网络技术有限公司-<PID>,OU=Alipay,O=<the
    /// merchant's company>,C=CN`.
    pub fn alipay_subject(&self) -> &str {
        &self.inner.alipay_subject
    }

    /// Checks a rotated Alipay certificate (PEM, the leaf first, followed by its intermediates) without
    /// trusting it: its chain must verify up to the root file and be valid at `now`, every issuer in it
    /// must be a CA ([`verify_chain`]), and it must name [`CertMode::alipay_subject`] — so another
    /// merchant's app or Alipay certificate, or one issued by such a leaf, is refused.
    ///
    /// # Errors
    /// [`SignatureError::UntrustedCertificate`] with the [`TrustError`] of the first check that fails.
    pub fn check(&self, cert_pem: &str, now: SystemTime) -> Result<CheckedCert, Error> {
        let untrusted = |sn: &str, reason: TrustError| SignatureError::UntrustedCertificate { sn: sn.into(), reason };
        let unreadable =
            |sn: &str, e: &dyn fmt::Display| untrusted(sn, TrustError::Unreadable { reason: e.to_string() });
        let chain = parse_certificates(cert_pem).map_err(|e| unreadable("?", &e))?;
        let leaf = &chain[0];
        let sn = sn_of(leaf);
        let subject = subject_of(leaf);
        if subject != self.inner.alipay_subject {
            let expected = self.inner.alipay_subject.clone();
            return Err(untrusted(&sn, TrustError::WrongSubject { sn: sn.clone(), subject, expected }).into());
        }
        verify_chain(&chain, &self.inner.roots, now).map_err(|e| untrusted(&sn, e))?;
        let key = key_of(leaf).map_err(|e| unreadable(&sn, &e))?;
        Ok(CheckedCert { sn, key })
    }

    /// Trusts a certificate [`CertMode::check`] passed: from now on its key is known by its SN. Returns
    /// the SN and the key.
    pub fn admit_checked(&self, checked: CheckedCert) -> (String, PublicKey) {
        let CheckedCert { sn, key } = checked;
        self.inner.keys.write().unwrap_or_else(PoisonError::into_inner).insert(sn.clone(), key.clone());
        (sn, key)
    }

    /// Admits a rotated Alipay certificate obtained some other way (PEM, possibly with its
    /// intermediates): [`CertMode::check`], then [`CertMode::admit_checked`].
    ///
    /// # Errors
    /// As [`CertMode::check`] — the certificate is then not used.
    pub fn admit(&self, cert_pem: &str, now: SystemTime) -> Result<(String, PublicKey), Error> {
        Ok(self.admit_checked(self.check(cert_pem, now)?))
    }
}
