//! The sandbox's own certificate authority, shaped like Alipay's: a root file holding an RSA root and a
//! non-RSA (ECDSA) root, a "Class 1" CA that issues app certificates and a "Class 2" CA that issues
//! Alipay's public-key certificates. A rogue hierarchy — not in the root file — issues certificates the
//! client must refuse.

use std::time::{Duration, SystemTime};

use alipay_core::PublicKey;
use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, PKCS_ECDSA_P256_SHA256,
    PKCS_RSA_SHA256, PublicKeyData, SerialNumber, SignatureAlgorithm,
};
use spki::der::Decode as _;

use crate::sandbox::SandboxError;

/// How long issued certificates are valid (from a day before they are issued).
const VALIDITY: Duration = Duration::from_secs(3 * 365 * 24 * 3600);

/// Someone else's RSA public key, as rcgen needs it for a certificate's subject.
struct RsaSubject {
    pkcs1: Vec<u8>,
}

impl RsaSubject {
    fn of(key: &PublicKey) -> Result<Self, SandboxError> {
        let der = base64::engine::general_purpose::STANDARD.decode(key.to_base64()).map_err(err)?;
        let spki = spki::SubjectPublicKeyInfoRef::from_der(&der).map_err(err)?;
        Ok(Self { pkcs1: spki.subject_public_key.raw_bytes().to_vec() })
    }
}

impl PublicKeyData for RsaSubject {
    fn der_bytes(&self) -> &[u8] {
        &self.pkcs1
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &PKCS_RSA_SHA256
    }
}

/// A CA: its certificate (PEM) and what it signs with.
struct Authority {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// The sandbox's certificate hierarchy.
pub(crate) struct CertAuthority {
    root_file: String,
    class1: Authority,
    class2: Authority,
    rogue_class2: Authority,
    serial: u64,
}

fn err(e: impl std::fmt::Display) -> SandboxError {
    SandboxError::Keys(format!("certificate authority: {e}"))
}

fn name(common_name: &str, unit: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "CN");
    dn.push(DnType::OrganizationName, "Sandbox Financial");
    dn.push(DnType::OrganizationalUnitName, unit);
    dn.push(DnType::CommonName, common_name);
    dn
}

fn params(dn: DistinguishedName, serial: u64, ca: bool, now: SystemTime) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn;
    p.serial_number = Some(SerialNumber::from_slice(&serial.to_be_bytes()));
    p.not_before = (now - Duration::from_secs(24 * 3600)).into();
    p.not_after = (now + VALIDITY).into();
    if ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    p
}

fn rsa_key() -> Result<KeyPair, SandboxError> {
    let pair = alipay_core::keys::generate_rsa2048().map_err(err)?;
    KeyPair::from_pkcs8_pem_and_sign_algo(&pair.private_pkcs8_pem, &PKCS_RSA_SHA256).map_err(err)
}

fn root(common_name: &str, serial: u64, now: SystemTime) -> Result<Authority, SandboxError> {
    let key = rsa_key()?;
    let p = params(name(common_name, "Certification Authority"), serial, true, now);
    let pem = p.self_signed(&key).map_err(err)?.pem();
    Ok(Authority { pem, issuer: Issuer::new(p, key) })
}

fn intermediate(common_name: &str, serial: u64, by: &Authority, now: SystemTime) -> Result<Authority, SandboxError> {
    let key = rsa_key()?;
    let p = params(name(common_name, "Certification Authority"), serial, true, now);
    let pem = p.signed_by(&key, &by.issuer).map_err(err)?.pem();
    Ok(Authority { pem, issuer: Issuer::new(p, key) })
}

impl CertAuthority {
    /// A new hierarchy (five RSA keys: a second or so).
    pub(crate) fn new(now: SystemTime) -> Result<Self, SandboxError> {
        let rsa_root = root("Sandbox Certification Authority R1", 1001, now)?;
        let ec_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let ec_root = params(name("Sandbox Certification Authority E1", "Certification Authority"), 1002, true, now)
            .self_signed(&ec_key)
            .map_err(err)?
            .pem();
        let class1 = intermediate("Sandbox Certification Authority Class 1 R1", 1003, &rsa_root, now)?;
        let class2 = intermediate("Sandbox Certification Authority Class 2 R1", 1004, &rsa_root, now)?;
        let rogue_root = root("Sandbox Certification Authority R1", 1005, now)?;
        let rogue_class2 = intermediate("Sandbox Certification Authority Class 2 R1", 1006, &rogue_root, now)?;
        Ok(Self {
            // Like Alipay's root file: the non-RSA root first; only the RSA one counts in the SN.
            root_file: format!("{ec_root}{}", rsa_root.pem),
            class1,
            class2,
            rogue_class2,
            serial: 5000,
        })
    }

    /// `alipayRootCert.crt`.
    pub(crate) fn root_file(&self) -> &str {
        &self.root_file
    }

    /// An app certificate (`appCertPublicKey_<appid>.crt`) for the app's public key.
    pub(crate) fn issue_app_cert(
        &mut self,
        app_id: &str,
        key: &PublicKey,
        now: SystemTime,
    ) -> Result<String, SandboxError> {
        let spki = RsaSubject::of(key)?;
        self.serial += 1;
        let p = params(name(&format!("Sandbox App {app_id}"), "Apps"), self.serial, false, now);
        Ok(p.signed_by(&spki, &self.class1.issuer).map_err(err)?.pem())
    }

    /// An Alipay public-key certificate for `key`, followed by its Class 2 CA (as in
    /// `alipayCertPublicKey_RSA2.crt`). A `rogue` one comes from a hierarchy outside the root file.
    pub(crate) fn issue_alipay_cert(
        &mut self,
        key: &PublicKey,
        rogue: bool,
        now: SystemTime,
    ) -> Result<String, SandboxError> {
        let spki = RsaSubject::of(key)?;
        self.serial += 1;
        let ca = if rogue { &self.rogue_class2 } else { &self.class2 };
        let p = params(name(&format!("Sandbox Alipay {}", self.serial), "Alipay"), self.serial, false, now);
        Ok(format!("{}{}", p.signed_by(&spki, &ca.issuer).map_err(err)?.pem(), ca.pem))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alipay_core::cert::{TrustError, cert_sn, parse_certificates, public_key_of, root_cert_sn, verify_chain};

    #[test]
    fn issued_certificates_chain_to_the_root_file_and_rogue_ones_do_not() {
        let now = SystemTime::now();
        let mut ca = CertAuthority::new(now).expect("ca");
        let roots = parse_certificates(ca.root_file()).expect("root file");
        assert_eq!(roots.len(), 2);
        assert_eq!(root_cert_sn(ca.root_file()).expect("sn").split('_').count(), 1, "only the RSA root counts");

        let key = alipay_core::keys::generate_rsa2048().expect("key");
        let public = PublicKey::from_text(&key.public_pem).expect("public");
        let genuine = ca.issue_alipay_cert(&public, false, now).expect("cert");
        let chain = parse_certificates(&genuine).expect("chain");
        assert_eq!(chain.len(), 2, "leaf and its Class 2 CA");
        verify_chain(&chain, &roots, now).expect("chains to the root");
        assert!(public_key_of(&genuine).expect("key").same_key_as(&public));

        let rogue = ca.issue_alipay_cert(&public, true, now).expect("rogue cert");
        let rogue_chain = parse_certificates(&rogue).expect("chain");
        assert!(matches!(verify_chain(&rogue_chain, &roots, now), Err(TrustError::NotChained { .. })));
        assert_ne!(cert_sn(&rogue).expect("sn"), cert_sn(&genuine).expect("sn"));

        // Like the console's app certificate file: the leaf alone, holding the app's public key.
        let app = ca.issue_app_cert("2021000000000000", &public, now).expect("app cert");
        assert_eq!(parse_certificates(&app).expect("app").len(), 1);
        assert!(public_key_of(&app).expect("key").same_key_as(&public));
    }
}
