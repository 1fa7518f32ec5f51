//! The sandbox's own certificate authority, shaped like Alipay's: a root file holding an RSA root and a
//! non-RSA (ECDSA) root, a "Class 1" CA that issues app certificates (`CN=<PID>-<app id>`) and a
//! "Class 2" CA that issues Alipay's public-key certificates (`CN=支付宝(中国)网络技术有限公司-<PID>`), both
//! under `OU=Alipay` and the merchant's company name, like the console's files. A rogue hierarchy — not
//! in the root file — and another merchant's certificates make the hostile rotations the client must
//! refuse.

use std::time::{Duration, SystemTime};

use alipay_core::PublicKey;
use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair, PKCS_ECDSA_P256_SHA256,
    PKCS_RSA_SHA256, PublicKeyData, SerialNumber, SignatureAlgorithm,
};
use spki::der::Decode as _;

use crate::error::SandboxError;

/// How long issued certificates are valid (from a day before they are issued).
const VALIDITY: Duration = Duration::from_secs(3 * 365 * 24 * 3600);

/// Who Alipay's certificates say they are, before the merchant's PID.
const ALIPAY_ENTITY: &str = "支付宝(中国)网络技术有限公司";

/// The company name in the sandbox merchant's certificates.
pub(crate) const SANDBOX_COMPANY: &str = "沙箱测试商户有限公司";

/// The other merchant of the hostile rotations: its PID, app id and company.
pub(crate) const OTHER_MERCHANT: Merchant<'static> =
    Merchant { pid: "2088000000000099", app_id: "2021000000000099", company: "沙箱另一商户有限公司" };

/// A merchant, as its certificates name it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Merchant<'a> {
    /// The merchant's PID (`seller_id`, 2088…).
    pub(crate) pid: &'a str,
    /// The app the app certificate is for.
    pub(crate) app_id: &'a str,
    /// The company name (`O=`).
    pub(crate) company: &'a str,
}

impl Merchant<'_> {
    /// `C=CN,O=<company>,OU=Alipay,CN=支付宝(中国)网络技术有限公司-<PID>`: the Alipay certificate's subject.
    fn alipay_subject(&self) -> DistinguishedName {
        subject(self.company, &format!("{ALIPAY_ENTITY}-{}", self.pid))
    }

    /// `C=CN,O=<company>,OU=Alipay,CN=<PID>-<app id>`: the app certificate's subject.
    fn app_subject(&self) -> DistinguishedName {
        subject(self.company, &format!("{}-{}", self.pid, self.app_id))
    }
}

fn subject(company: &str, common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "CN");
    dn.push(DnType::OrganizationName, company);
    dn.push(DnType::OrganizationalUnitName, "Alipay");
    dn.push(DnType::CommonName, common_name);
    dn
}

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

/// A CA's name, like Ant Financial's: `C=CN,O=Sandbox Financial,OU=Certification Authority,CN=…`.
fn ca_name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "CN");
    dn.push(DnType::OrganizationName, "Sandbox Financial");
    dn.push(DnType::OrganizationalUnitName, "Certification Authority");
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
    let p = params(ca_name(common_name), serial, true, now);
    let pem = p.self_signed(&key).map_err(err)?.pem();
    Ok(Authority { pem, issuer: Issuer::new(p, key) })
}

fn intermediate(common_name: &str, serial: u64, by: &Authority, now: SystemTime) -> Result<Authority, SandboxError> {
    let key = rsa_key()?;
    let p = params(ca_name(common_name), serial, true, now);
    let pem = p.signed_by(&key, &by.issuer).map_err(err)?.pem();
    Ok(Authority { pem, issuer: Issuer::new(p, key) })
}

impl CertAuthority {
    /// A new hierarchy (five RSA keys: a second or so).
    pub(crate) fn new(now: SystemTime) -> Result<Self, SandboxError> {
        let rsa_root = root("Sandbox Certification Authority R1", 1001, now)?;
        let ec_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let ec_root = params(ca_name("Sandbox Certification Authority E1"), 1002, true, now)
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

    /// An app certificate (`appCertPublicKey_<appid>.crt`, the leaf alone) for `merchant`'s app key,
    /// issued by the Class 1 CA. An app certificate is not a CA.
    pub(crate) fn issue_app_cert(
        &mut self,
        merchant: &Merchant<'_>,
        key: &PublicKey,
        now: SystemTime,
    ) -> Result<String, SandboxError> {
        let spki = RsaSubject::of(key)?;
        let p = params(merchant.app_subject(), self.next_serial(), false, now);
        Ok(p.signed_by(&spki, &self.class1.issuer).map_err(err)?.pem())
    }

    /// An Alipay public-key certificate of `merchant` for `key`, followed by its Class 2 CA (as in
    /// `alipayCertPublicKey_RSA2.crt`). A `rogue` one comes from a hierarchy outside the root file.
    pub(crate) fn issue_alipay_cert(
        &mut self,
        merchant: &Merchant<'_>,
        key: &PublicKey,
        rogue: bool,
        now: SystemTime,
    ) -> Result<String, SandboxError> {
        let spki = RsaSubject::of(key)?;
        let p = params(merchant.alipay_subject(), self.next_serial(), false, now);
        let ca = if rogue { &self.rogue_class2 } else { &self.class2 };
        Ok(format!("{}{}", p.signed_by(&spki, &ca.issuer).map_err(err)?.pem(), ca.pem))
    }

    /// Another merchant's app certificate for `key`, followed by the Class 1 CA: it chains to the root,
    /// but it is an end-entity certificate issued to someone else.
    pub(crate) fn issue_other_merchant_app_cert(
        &mut self,
        key: &PublicKey,
        now: SystemTime,
    ) -> Result<String, SandboxError> {
        let leaf = self.issue_app_cert(&OTHER_MERCHANT, key, now)?;
        Ok(format!("{leaf}{}", self.class1.pem))
    }

    /// A certificate with `merchant`'s Alipay subject for `key`, issued not by a CA but by another
    /// merchant's app certificate (whose key the "attacker" holds), followed by that app certificate and
    /// the Class 1 CA: every signature up to the root verifies, but one issuer is a leaf.
    pub(crate) fn issue_by_leaf(
        &mut self,
        merchant: &Merchant<'_>,
        key: &PublicKey,
        now: SystemTime,
    ) -> Result<String, SandboxError> {
        let leaf_key = rsa_key()?;
        let leaf_params = params(OTHER_MERCHANT.app_subject(), self.next_serial(), false, now);
        let leaf_pem = leaf_params.signed_by(&leaf_key, &self.class1.issuer).map_err(err)?.pem();
        let leaf_issuer = Issuer::new(leaf_params, leaf_key);
        let spki = RsaSubject::of(key)?;
        let p = params(merchant.alipay_subject(), self.next_serial(), false, now);
        let forged = p.signed_by(&spki, &leaf_issuer).map_err(err)?.pem();
        Ok(format!("{forged}{leaf_pem}{}", self.class1.pem))
    }

    fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alipay_core::cert::{TrustError, cert_sn, parse_certificates, public_key_of, root_cert_sn, verify_chain};

    const MERCHANT: Merchant<'static> =
        Merchant { pid: "2088000000000000", app_id: "2021000000000000", company: SANDBOX_COMPANY };

    /// The subjects of the certificates of a PEM file, and the issuer of the first.
    fn names(pem: &str) -> (Vec<String>, String) {
        let certs = parse_certificates(pem).expect("pem");
        (
            certs.iter().map(|c| c.tbs_certificate.subject.to_string()).collect(),
            certs[0].tbs_certificate.issuer.to_string(),
        )
    }

    #[test]
    fn issued_certificates_chain_to_the_root_file_and_rogue_ones_do_not() {
        let now = SystemTime::now();
        let mut ca = CertAuthority::new(now).expect("ca");
        let roots = parse_certificates(ca.root_file()).expect("root file");
        assert_eq!(roots.len(), 2);
        assert_eq!(root_cert_sn(ca.root_file()).expect("sn").split('_').count(), 1, "only the RSA root counts");

        let key = alipay_core::keys::generate_rsa2048().expect("key");
        let public = PublicKey::from_text(&key.public_pem).expect("public");
        let genuine = ca.issue_alipay_cert(&MERCHANT, &public, false, now).expect("cert");
        let chain = parse_certificates(&genuine).expect("chain");
        assert_eq!(chain.len(), 2, "leaf and its Class 2 CA");
        verify_chain(&chain, &roots, now).expect("chains to the root");
        assert!(public_key_of(&genuine).expect("key").same_key_as(&public));
        let (subjects, _) = names(&genuine);
        assert_eq!(
            subjects[0],
            "CN=支付宝(中国)网络技术有限公司-2088000000000000,OU=Alipay,O=沙箱测试商户有限公司,C=CN"
        );
        assert!(subjects[1].starts_with("CN=Sandbox Certification Authority Class 2 R1,"), "{subjects:?}");

        let rogue = ca.issue_alipay_cert(&MERCHANT, &public, true, now).expect("rogue cert");
        let rogue_chain = parse_certificates(&rogue).expect("chain");
        assert!(matches!(verify_chain(&rogue_chain, &roots, now), Err(TrustError::NotChained { .. })));
        assert_ne!(cert_sn(&rogue).expect("sn"), cert_sn(&genuine).expect("sn"));

        // Like the console's app certificate file: the leaf alone, holding the app's public key.
        let app = ca.issue_app_cert(&MERCHANT, &public, now).expect("app cert");
        let app_chain = parse_certificates(&app).expect("app");
        assert_eq!(app_chain.len(), 1);
        assert!(public_key_of(&app).expect("key").same_key_as(&public));
        let (subjects, issuer) = names(&app);
        assert_eq!(subjects[0], "CN=2088000000000000-2021000000000000,OU=Alipay,O=沙箱测试商户有限公司,C=CN");
        assert!(issuer.starts_with("CN=Sandbox Certification Authority Class 1 R1,"), "{issuer}");
    }

    #[test]
    fn hostile_certificates_chain_by_their_signatures_but_not_through_cas() {
        let now = SystemTime::now();
        let mut ca = CertAuthority::new(now).expect("ca");
        let roots = parse_certificates(ca.root_file()).expect("root file");
        let key = alipay_core::keys::generate_rsa2048().expect("key");
        let public = PublicKey::from_text(&key.public_pem).expect("public");

        let other_app_pem = ca.issue_other_merchant_app_cert(&public, now).expect("cert");
        let other_app = parse_certificates(&other_app_pem).expect("pem");
        verify_chain(&other_app, &roots, now).expect("another merchant's app certificate chains to the root");
        let (other_subjects, _) = names(&other_app_pem);
        assert!(other_subjects[0].starts_with("CN=2088000000000099-2021000000000099,"), "{other_subjects:?}");

        let genuine = ca.issue_alipay_cert(&MERCHANT, &public, false, now).expect("cert");
        let by_leaf_pem = ca.issue_by_leaf(&MERCHANT, &public, now).expect("cert");
        let by_leaf = parse_certificates(&by_leaf_pem).expect("pem");
        let (subjects, issuer) = names(&by_leaf_pem);
        assert_eq!(subjects.len(), 3, "forged leaf, the app certificate that signed it, the Class 1 CA");
        assert_eq!(subjects[0], names(&genuine).0[0], "this merchant's Alipay subject");
        assert_eq!(issuer, other_subjects[0], "issued by another merchant's app certificate");
        match verify_chain(&by_leaf, &roots, now) {
            Err(TrustError::NotACa { subject, .. }) => {
                assert!(subject.starts_with("CN=2088000000000099-"), "{subject}")
            }
            other => panic!("{other:?}"),
        }
    }
}
