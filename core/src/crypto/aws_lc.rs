//! The aws-lc-rs backend.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, PublicKeyComponents};
use aws_lc_rs::signature::{self, ParsedPublicKey};

use super::SignType;
use super::rust_crypto;
use crate::keys::RsaPublicParts;

pub(crate) struct Signer {
    /// `None` for keys under 2048 bits, which aws-lc refuses; such keys only suit legacy `RSA`.
    key: Option<KeyPair>,
    /// aws-lc-rs cannot sign SHA1withRSA; legacy `RSA` signing goes through the `rsa` crate.
    legacy: rust_crypto::LegacySigner,
}

impl Signer {
    pub(crate) fn new(pkcs1_der: &[u8]) -> Result<Self, String> {
        let legacy = rust_crypto::LegacySigner::new(pkcs1_der)?;
        let key = match KeyPair::from_der(pkcs1_der) {
            Ok(key) => Some(key),
            Err(e) if legacy.bits() < 2048 && e.to_string() == "TooSmall" => None,
            Err(e) => return Err(e.to_string()),
        };
        Ok(Self { key, legacy })
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
            SignType::Rsa => self.legacy.sign(message),
        }
    }
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
