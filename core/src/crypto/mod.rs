//! RSA signing and verification behind two interchangeable backends.
//!
//! * `aws-lc` (default): aws-lc-rs, constant-time and close to OpenSSL's speed.
//! * `rust-crypto`: the pure-Rust `rsa` + `sha2` crates, for targets where aws-lc cannot build.
//!
//! Both give byte-identical signatures (PKCS#1 v1.5 is deterministic) and are tested against the same
//! vectors. aws-lc-rs offers SHA1withRSA only for verification, so legacy `RSA` *signing* uses the `rsa`
//! crate under both backends; RSA2, which every current app uses, is signed by the selected backend.

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(any(feature = "legacy-rsa", feature = "rust-crypto"))]
mod rust_crypto;

#[cfg(not(any(feature = "aws-lc", feature = "rust-crypto")))]
compile_error!("alipay-core needs a crypto backend: enable feature `aws-lc` (default) or `rust-crypto`");

use std::fmt;
use std::str::FromStr;

use crate::error::InvalidInput;
use crate::keys::RsaPublicParts;

/// The signature algorithm, sent as `sign_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignType {
    /// `RSA2`: SHA256withRSA. What Alipay requires for every new app.
    #[default]
    Rsa2,
    /// `RSA`: SHA1withRSA. Legacy apps only.
    Rsa,
}

impl SignType {
    /// The value of the `sign_type` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            SignType::Rsa2 => "RSA2",
            SignType::Rsa => "RSA",
        }
    }

    /// The smallest modulus this sign type accepts.
    pub fn minimum_key_bits(self) -> usize {
        match self {
            SignType::Rsa2 => 2048,
            SignType::Rsa => 1024,
        }
    }
}

impl fmt::Display for SignType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignType {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "RSA2" | "rsa2" => Ok(SignType::Rsa2),
            "RSA" | "rsa" => Ok(SignType::Rsa),
            other => Err(InvalidInput::new(
                "sign_type",
                format!("unsupported sign type {other:?}; use RSA2 (or legacy RSA)"),
            )),
        }
    }
}

/// A crypto implementation. Which ones exist depends on the crate's features; see [`Backend::available`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// aws-lc-rs (feature `aws-lc`, the default).
    AwsLc,
    /// The pure-Rust `rsa` + `sha2` crates (feature `rust-crypto`).
    RustCrypto,
}

impl Default for Backend {
    /// aws-lc when compiled in, otherwise RustCrypto.
    fn default() -> Self {
        if cfg!(feature = "aws-lc") { Backend::AwsLc } else { Backend::RustCrypto }
    }
}

impl Backend {
    /// The backends compiled into this build.
    pub fn available() -> &'static [Backend] {
        &[
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc,
            #[cfg(feature = "rust-crypto")]
            Backend::RustCrypto,
        ]
    }

    fn unavailable(self) -> String {
        format!("crypto backend {self:?} is not compiled in (enable the alipay-core feature for it)")
    }
}

/// A private key loaded into a backend.
pub(crate) enum Signer {
    #[cfg(feature = "aws-lc")]
    AwsLc(aws_lc::Signer),
    #[cfg(feature = "rust-crypto")]
    RustCrypto(rust_crypto::Signer),
}

impl Signer {
    pub(crate) fn new(backend: Backend, pkcs1_der: &[u8]) -> Result<Self, String> {
        match backend {
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => Ok(Signer::AwsLc(aws_lc::Signer::new(pkcs1_der)?)),
            #[cfg(feature = "rust-crypto")]
            Backend::RustCrypto => Ok(Signer::RustCrypto(rust_crypto::Signer::new(pkcs1_der)?)),
            #[allow(unreachable_patterns)]
            other => Err(other.unavailable()),
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            #[cfg(feature = "aws-lc")]
            Signer::AwsLc(_) => Backend::AwsLc,
            #[cfg(feature = "rust-crypto")]
            Signer::RustCrypto(_) => Backend::RustCrypto,
        }
    }

    pub(crate) fn sign(&self, sign_type: SignType, message: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            #[cfg(feature = "aws-lc")]
            Signer::AwsLc(s) => s.sign(sign_type, message),
            #[cfg(feature = "rust-crypto")]
            Signer::RustCrypto(s) => s.sign(sign_type, message),
        }
    }
}

/// A public key loaded into a backend.
pub(crate) enum Verifier {
    #[cfg(feature = "aws-lc")]
    AwsLc(aws_lc::Verifier),
    #[cfg(feature = "rust-crypto")]
    RustCrypto(rust_crypto::Verifier),
}

impl Verifier {
    pub(crate) fn new(backend: Backend, parts: &RsaPublicParts) -> Result<Self, String> {
        match backend {
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => Ok(Verifier::AwsLc(aws_lc::Verifier::new(parts)?)),
            #[cfg(feature = "rust-crypto")]
            Backend::RustCrypto => Ok(Verifier::RustCrypto(rust_crypto::Verifier::new(parts)?)),
            #[allow(unreachable_patterns)]
            other => Err(other.unavailable()),
        }
    }

    /// `true` when `signature` is a valid PKCS#1 v1.5 signature of `message`.
    pub(crate) fn verify(&self, sign_type: SignType, message: &[u8], signature: &[u8]) -> bool {
        match self {
            #[cfg(feature = "aws-lc")]
            Verifier::AwsLc(v) => v.verify(sign_type, message, signature),
            #[cfg(feature = "rust-crypto")]
            Verifier::RustCrypto(v) => v.verify(sign_type, message, signature),
        }
    }
}
