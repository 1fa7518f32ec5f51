//! Generating an app key pair, in every form the Alipay console and the SDKs want.

use std::fmt;

use pkcs1::der::pem::LineEnding;
use pkcs1::der::{Decode as _, Encode as _};

use super::decode::RsaPublicParts;
use super::{KeyError, KeyProblem, KeyRole};

/// A freshly generated RSA-2048 key pair. `Debug` never shows the private halves.
#[derive(Clone)]
pub struct GeneratedKeyPair {
    /// The private key as PKCS#1 PEM (`RSA PRIVATE KEY`, what the Java and PHP SDKs of old wanted).
    pub private_pkcs1_pem: String,
    /// The private key as PKCS#8 PEM (`PRIVATE KEY`).
    pub private_pkcs8_pem: String,
    /// The PKCS#8 private key as one base64 line (what Alipay's key tool shows as 应用私钥).
    pub private_pkcs8_base64: String,
    /// The public key as SubjectPublicKeyInfo PEM (`PUBLIC KEY`).
    pub public_pem: String,
    /// The public key as one base64 line: paste this into the open-platform console as 应用公钥.
    pub public_base64: String,
}

impl fmt::Debug for GeneratedKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKeyPair").field("public_base64", &self.public_base64).finish_non_exhaustive()
    }
}

const RSA_ENCRYPTION: pkcs8::ObjectIdentifier = pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Generates an RSA-2048 key pair with the default backend's generator.
///
/// # Errors
/// [`KeyError`] if the system random source or the encoder fails (not expected).
pub fn generate_rsa2048() -> Result<GeneratedKeyPair, KeyError> {
    let err = |what: String| KeyError::new(KeyRole::PrivateKey, KeyProblem::Rejected(what));
    let pkcs1_der = generate_pkcs1_der().map_err(err)?;
    encode_all(&pkcs1_der).map_err(|e| err(e.to_string()))
}

#[cfg(feature = "aws-lc")]
fn generate_pkcs1_der() -> Result<Vec<u8>, String> {
    use aws_lc_rs::encoding::AsDer;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).map_err(|e| e.to_string())?;
    let pkcs8: aws_lc_rs::encoding::Pkcs8V1Der<'_> = pair.as_der().map_err(|e| e.to_string())?;
    let info = pkcs8::PrivateKeyInfo::try_from(pkcs8.as_ref()).map_err(|e| e.to_string())?;
    Ok(info.private_key.to_vec())
}

#[cfg(not(feature = "aws-lc"))]
fn generate_pkcs1_der() -> Result<Vec<u8>, String> {
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| e.to_string())?;
    Ok(key.to_pkcs1_der().map_err(|e| e.to_string())?.as_bytes().to_vec())
}

fn encode_all(pkcs1_der: &[u8]) -> Result<GeneratedKeyPair, pkcs1::der::Error> {
    use base64::Engine as _;
    let b64 = |der: &[u8]| base64::engine::general_purpose::STANDARD.encode(der);
    let algorithm =
        pkcs8::AlgorithmIdentifierRef { oid: RSA_ENCRYPTION, parameters: Some(pkcs1::der::asn1::AnyRef::NULL) };
    let pkcs8_der = pkcs8::PrivateKeyInfo::new(algorithm, pkcs1_der).to_der()?;
    let private = pkcs1::RsaPrivateKey::from_der(pkcs1_der)?;
    let parts =
        RsaPublicParts { n: private.modulus.as_bytes().to_vec(), e: private.public_exponent.as_bytes().to_vec() };
    let public_der = spki_der(&parts)?;
    Ok(GeneratedKeyPair {
        private_pkcs1_pem: pkcs1::der::pem::encode_string("RSA PRIVATE KEY", LineEnding::LF, pkcs1_der)?,
        private_pkcs8_pem: pkcs1::der::pem::encode_string("PRIVATE KEY", LineEnding::LF, &pkcs8_der)?,
        private_pkcs8_base64: b64(&pkcs8_der),
        public_pem: pkcs1::der::pem::encode_string("PUBLIC KEY", LineEnding::LF, &public_der)?,
        public_base64: b64(&public_der),
    })
}

/// SubjectPublicKeyInfo DER of an RSA public key.
pub(crate) fn spki_der(parts: &RsaPublicParts) -> Result<Vec<u8>, pkcs1::der::Error> {
    let pkcs1_public = pkcs1::RsaPublicKey {
        modulus: pkcs1::UintRef::new(&parts.n)?,
        public_exponent: pkcs1::UintRef::new(&parts.e)?,
    }
    .to_der()?;
    let algorithm =
        spki::AlgorithmIdentifierRef { oid: RSA_ENCRYPTION, parameters: Some(pkcs1::der::asn1::AnyRef::NULL) };
    spki::SubjectPublicKeyInfoRef {
        algorithm,
        subject_public_key: pkcs1::der::asn1::BitStringRef::from_bytes(&pkcs1_public)?,
    }
    .to_der()
}
