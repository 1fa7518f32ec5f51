//! The pure-Rust backend (`rsa` + `sha2`), and the SHA1withRSA signer it shares with the aws-lc backend
//! when the `legacy-rsa` feature is on.

use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha1::{Digest as _, Sha1};

/// Signs legacy `RSA` (SHA1withRSA), with blinding.
pub(crate) struct LegacySigner {
    key: RsaPrivateKey,
}

impl LegacySigner {
    pub(crate) fn new(pkcs1_der: &[u8]) -> Result<Self, String> {
        let key = RsaPrivateKey::from_pkcs1_der(pkcs1_der).map_err(|e| e.to_string())?;
        Ok(Self { key })
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        sign_prehashed(&self.key, Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(message))
    }
}

fn sign_prehashed(key: &RsaPrivateKey, scheme: Pkcs1v15Sign, digest: &[u8]) -> Result<Vec<u8>, String> {
    key.sign_with_rng(&mut rsa::rand_core::OsRng, scheme, digest).map_err(|e| e.to_string())
}

#[cfg(feature = "rust-crypto")]
pub(crate) use backend::{Signer, Verifier};

#[cfg(feature = "rust-crypto")]
mod backend {
    use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
    use sha1::Sha1;
    use sha2::{Digest as _, Sha256};

    use super::{LegacySigner, sign_prehashed};
    use crate::crypto::SignType;
    use crate::keys::RsaPublicParts;

    pub(crate) struct Signer(LegacySigner);

    impl Signer {
        pub(crate) fn new(pkcs1_der: &[u8]) -> Result<Self, String> {
            Ok(Self(LegacySigner::new(pkcs1_der)?))
        }

        pub(crate) fn sign(&self, sign_type: SignType, message: &[u8]) -> Result<Vec<u8>, String> {
            match sign_type {
                SignType::Rsa2 => sign_prehashed(&self.0.key, Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message)),
                SignType::Rsa => self.0.sign(message),
            }
        }
    }

    pub(crate) struct Verifier {
        key: RsaPublicKey,
    }

    impl Verifier {
        pub(crate) fn new(parts: &RsaPublicParts) -> Result<Self, String> {
            let key = RsaPublicKey::new(BigUint::from_bytes_be(&parts.n), BigUint::from_bytes_be(&parts.e))
                .map_err(|e| e.to_string())?;
            Ok(Self { key })
        }

        pub(crate) fn verify(&self, sign_type: SignType, message: &[u8], signature: &[u8]) -> bool {
            match sign_type {
                SignType::Rsa2 => self.key.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message), signature),
                SignType::Rsa => self.key.verify(Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(message), signature),
            }
            .is_ok()
        }
    }
}
