//! Certificate mode (公钥证书): the app certificate, the Alipay public-key certificate and the Alipay
//! root certificate, and the Alipay keys known by SN — including rotated ones, admitted only after
//! they chain to the root.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use x509_cert::Certificate;

use super::{key_of, parse_certificates, root_cert_sn, sn_of, verify_chain};
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
    keys: RwLock<HashMap<String, PublicKey>>,
}

impl fmt::Debug for CertMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertMode")
            .field("app_cert_sn", &self.inner.app_cert_sn)
            .field("alipay_root_cert_sn", &self.inner.alipay_root_cert_sn)
            .field("alipay_cert_sns", &self.known_sns())
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

    /// Admits a rotated Alipay certificate (PEM, possibly with its intermediate) after checking that it
    /// chains to the root certificate and is valid at `now`; its key is then known by its SN.
    ///
    /// # Errors
    /// [`SignatureError::UntrustedCertificate`] when the check fails — the certificate is not used.
    pub fn admit(&self, cert_pem: &str, now: SystemTime) -> Result<(String, PublicKey), Error> {
        let untrusted = |sn: String, reason: String| SignatureError::UntrustedCertificate { sn, reason };
        let chain = parse_certificates(cert_pem).map_err(|e| untrusted("?".into(), e.to_string()))?;
        let sn = sn_of(&chain[0]);
        verify_chain(&chain, &self.inner.roots, now).map_err(|e| untrusted(sn.clone(), e.to_string()))?;
        let key = key_of(&chain[0]).map_err(|e| untrusted(sn.clone(), e.to_string()))?;
        self.inner.keys.write().unwrap_or_else(PoisonError::into_inner).insert(sn.clone(), key.clone());
        Ok((sn, key))
    }
}
