//! The aws-lc-rs backend.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, PublicKeyComponents};
use aws_lc_rs::signature::{self, ParsedPublicKey};

use super::SignType;
#[cfg(feature = "legacy-rsa")]
use super::rust_crypto;
use crate::keys::RsaPublicParts;

/// Why legacy `RSA` signing is missing from a build without the `legacy-rsa` feature.
#[cfg(not(feature = "legacy-rsa"))]
const NO_LEGACY_SIGNING: &str = "legacy RSA (SHA1withRSA) signing is not in this build: aws-lc cannot sign \
     SHA1withRSA, and the `rsa` crate that can carries RUSTSEC-2023-0071, so it is behind the alipay-core feature \
     `legacy-rsa`; better, move the app to RSA2";

pub(crate) struct Signer {
    /// `None` for keys under 2048 bits, which aws-lc refuses; such keys only suit legacy `RSA`.
    key: Option<KeyPair>,
    /// aws-lc-rs cannot sign SHA1withRSA; with the `legacy-rsa` feature it goes through the `rsa` crate.
    #[cfg(feature = "legacy-rsa")]
    legacy: rust_crypto::LegacySigner,
}

impl Signer {
    pub(crate) fn new(pkcs1_der: &[u8]) -> Result<Self, String> {
        let key = match KeyPair::from_der(pkcs1_der) {
            Ok(key) => Some(key),
            Err(e) if modulus_bits(pkcs1_der)? < 2048 && e.to_string() == "TooSmall" => None,
            Err(e) => return Err(e.to_string()),
        };
        Ok(Self {
            key,
            #[cfg(feature = "legacy-rsa")]
            legacy: rust_crypto::LegacySigner::new(pkcs1_der)?,
        })
    }

    pub(crate) fn sign(&self, sign_type: SignType, message: &[u8]) -> Result<Vec<u8>, String> {
        match sign_type {
            SignType::Rsa2 => {
                let key = self.key.as_ref().ok_or("aws-lc signs RSA2 only with keys of 2048 bits or more")?;
                let mut out = vec![0u8; key.public_modulus_len()];
                key.sign(&signature::RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut out)
                    .map_err(|_| "aws-lc RSA signing failed".to_string())?;
                Ok(out)
            }
            #[cfg(feature = "legacy-rsa")]
            SignType::Rsa => self.legacy.sign(message),
            #[cfg(not(feature = "legacy-rsa"))]
            SignType::Rsa => {
                let _ = message;
                Err(NO_LEGACY_SIGNING.to_string())
            }
        }
    }
}

/// The size of a PKCS#1 private key's modulus, in bits.
fn modulus_bits(pkcs1_der: &[u8]) -> Result<usize, String> {
    use pkcs1::der::Decode as _;
    let key = pkcs1::RsaPrivateKey::from_der(pkcs1_der).map_err(|e| e.to_string())?;
    let n = key.modulus.as_bytes();
    let n = &n[n.iter().take_while(|b| **b == 0).count()..];
    Ok(n.first().map_or(0, |top| n.len() * 8 - top.leading_zeros() as usize))
}

pub(crate) struct Verifier {
    rsa2: ParsedPublicKey,
    /// Built lazily only for keys a legacy app uses; `None` if the key is unusable for SHA1 (never for valid RSA).
    rsa: Option<ParsedPublicKey>,
}

impl Verifier {
    pub(crate) fn new(parts: &RsaPublicParts) -> Result<Self, String> {
        let components = PublicKeyComponents { n: parts.n.as_slice(), e: parts.e.as_slice() };
        let rsa = components.to_parsed_public_key(&signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY).ok();
        let rsa2 = components
            .to_parsed_public_key(&signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY)
            .map_err(|e| e.to_string())?;
        Ok(Self { rsa2, rsa })
    }

    pub(crate) fn verify(&self, sign_type: SignType, message: &[u8], signature: &[u8]) -> bool {
        match sign_type {
            SignType::Rsa2 => self.rsa2.verify_sig(message, signature).is_ok(),
            SignType::Rsa => self.rsa.as_ref().is_some_and(|k| k.verify_sig(message, signature).is_ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::crypto::{Backend, SignType};
    use crate::keys::PrivateKey;

    #[test]
    fn rsa2_signs_and_legacy_rsa_signs_only_with_the_legacy_feature() {
        let pem = include_str!("../../tests/fixtures/app_pkcs1.pem");
        let key = PrivateKey::from_text_with_backend(pem, Backend::AwsLc).expect("key");
        assert_eq!(super::modulus_bits(&pkcs1_der(pem)), Ok(key.bits()));
        assert!(key.sign(b"m", SignType::Rsa2).is_ok());
        let legacy = key.sign(b"m", SignType::Rsa);
        if cfg!(feature = "legacy-rsa") {
            assert!(legacy.is_ok(), "{legacy:?}");
        } else {
            let err = legacy.expect_err("not compiled in").to_string();
            assert!(err.contains("legacy-rsa") && err.contains("RSA2"), "{err}");
        }
    }

    fn pkcs1_der(pem: &str) -> Vec<u8> {
        use base64::Engine as _;
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD.decode(b64).expect("base64")
    }
}
