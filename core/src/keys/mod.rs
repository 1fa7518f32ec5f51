//! RSA keys: the app private key that signs requests and the Alipay public key that verifies answers.
//!
//! Both accept every form users actually have: PEM or the bare one-line base64 from Alipay's key tool;
//! PKCS#1 or PKCS#8 for private keys, SubjectPublicKeyInfo or PKCS#1 for public keys. Wrong material gets
//! an error naming the mistake. Key holders never print their secrets: `Debug` shows only the size.

mod decode;
mod generate;

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::crypto::{self, Backend, SignType};
use crate::error::SignatureError;
use decode::{Decoded, classify, text_to_der};
pub(crate) use decode::{LENIENT_B64, RsaPublicParts};
pub use generate::{GeneratedKeyPair, generate_rsa2048};

/// Which key a [`KeyError`] is about, so the message can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRole {
    /// A private key, role not known.
    PrivateKey,
    /// A public key, role not known.
    PublicKey,
    /// The app private key (应用私钥) that signs requests.
    AppPrivateKey,
    /// The Alipay public key (支付宝公钥) that verifies answers and notifications.
    AlipayPublicKey,
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyRole::PrivateKey => "private key",
            KeyRole::PublicKey => "public key",
            KeyRole::AppPrivateKey => "app private key",
            KeyRole::AlipayPublicKey => "Alipay public key",
        })
    }
}

/// What is wrong with key material. Never contains the key text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// Nothing was given.
    Empty,
    /// The base64 does not decode.
    Base64 {
        /// 1-based line of the input where the problem is.
        line: usize,
        /// What the decoder said.
        detail: String,
    },
    /// The PEM armor is malformed.
    Pem(&'static str),
    /// The DER inside is not an RSA key in a known encoding.
    Der(String),
    /// A password-protected key: decrypt it first.
    Encrypted,
    /// A certificate where a key belongs.
    Certificate,
    /// A key of another algorithm (EC, SM2).
    NotRsa(String),
    /// A public key where a private key belongs.
    PublicWherePrivateExpected,
    /// A private key where a public key belongs.
    PrivateWherePublicExpected,
    /// A key too small for the sign type.
    TooShort {
        /// The key's modulus size.
        bits: usize,
        /// The minimum for the sign type.
        minimum: usize,
        /// The sign type that needs it.
        sign_type: SignType,
    },
    /// The crypto backend refused the key.
    Rejected(String),
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProblem::Empty => f.write_str("is empty"),
            KeyProblem::Base64 { line, detail } => write!(f, "is not valid base64 (line {line}: {detail})"),
            KeyProblem::Pem(what) => write!(f, "is not valid PEM: {what}"),
            KeyProblem::Der(what) => write!(f, "could not be decoded: {what}"),
            KeyProblem::Encrypted => f.write_str("is password-protected; decrypt it first (openssl rsa -in key.pem)"),
            KeyProblem::Certificate => {
                f.write_str("is a certificate, not a key; certificates belong in certificate mode (公钥证书)")
            }
            KeyProblem::NotRsa(oid) => write!(f, "is not an RSA key (algorithm {oid}); Alipay RSA2 needs RSA"),
            KeyProblem::PublicWherePrivateExpected => {
                f.write_str("is a public key, but a private key belongs here (the app private key 应用私钥)")
            }
            KeyProblem::PrivateWherePublicExpected => f.write_str(
                "is a private key, but a public key belongs here; never configure a private key as the Alipay public key",
            ),
            KeyProblem::TooShort { bits, minimum, sign_type } => write!(
                f,
                "has {bits} bits, but {sign_type} needs at least {minimum}; generate a 2048-bit key for RSA2"
            ),
            KeyProblem::Rejected(why) => write!(f, "was rejected by the crypto backend: {why}"),
        }
    }
}

/// A key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {role} {problem}")]
pub struct KeyError {
    /// Which key.
    pub role: KeyRole,
    /// What is wrong with it.
    pub problem: KeyProblem,
}

impl KeyError {
    pub(crate) fn new(role: KeyRole, problem: KeyProblem) -> Self {
        Self { role, problem }
    }

    /// The same problem, attributed to a more specific role.
    pub fn with_role(mut self, role: KeyRole) -> Self {
        self.role = role;
        self
    }
}

/// An RSA private key, ready to sign. Cheap to clone.
#[derive(Clone)]
pub struct PrivateKey {
    signer: Arc<crypto::Signer>,
    public: PublicKey,
}

impl PrivateKey {
    /// Loads a private key from PEM (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`) or from the bare
    /// base64 of either, using the default crypto backend.
    ///
    /// # Errors
    /// [`KeyError`] naming the mistake: malformed base64 (with its line), a public key or a certificate
    /// given instead, an encrypted or non-RSA key.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        Self::from_text_with_backend(text, Backend::default())
    }

    /// [`PrivateKey::from_text`] with an explicit crypto backend.
    ///
    /// # Errors
    /// As [`PrivateKey::from_text`].
    pub fn from_text_with_backend(text: &str, backend: Backend) -> Result<Self, KeyError> {
        let err = |p| KeyError::new(KeyRole::PrivateKey, p);
        let der = text_to_der(text).map_err(err)?;
        Self::from_der_with_backend(&der, backend)
    }

    /// Loads a private key from DER (PKCS#1 or PKCS#8).
    ///
    /// # Errors
    /// As [`PrivateKey::from_text`].
    pub fn from_der_with_backend(der: &[u8], backend: Backend) -> Result<Self, KeyError> {
        let err = |p| KeyError::new(KeyRole::PrivateKey, p);
        match classify(der).map_err(err)? {
            Decoded::Public { .. } => Err(err(KeyProblem::PublicWherePrivateExpected)),
            Decoded::Private { pkcs1_der, public } => {
                let signer = crypto::Signer::new(backend, &pkcs1_der).map_err(|e| err(KeyProblem::Rejected(e)))?;
                let public = PublicKey::from_parts(public, backend).map_err(err)?;
                Ok(Self { signer: Arc::new(signer), public })
            }
        }
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.public.bits()
    }

    /// The public half of this key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The crypto backend this key signs with.
    pub fn backend(&self) -> Backend {
        self.signer.backend()
    }

    /// Checks the key is strong enough for `sign_type` (RSA2 needs ≥ 2048 bits).
    ///
    /// # Errors
    /// [`KeyProblem::TooShort`].
    pub fn check_for(&self, sign_type: SignType) -> Result<(), KeyError> {
        check_bits(self.bits(), sign_type).map_err(|p| KeyError::new(KeyRole::PrivateKey, p))
    }

    /// Signs `message` (already encoded in the request charset) and returns standard padded base64.
    ///
    /// # Errors
    /// [`SignatureError::SigningFailed`] if the backend fails (not expected with a loaded key).
    pub fn sign(&self, message: &[u8], sign_type: SignType) -> Result<String, SignatureError> {
        let raw = self.signer.sign(sign_type, message).map_err(SignatureError::SigningFailed)?;
        Ok(B64.encode(raw))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.bits())
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

/// An RSA public key, ready to verify. Cheap to clone.
#[derive(Clone)]
pub struct PublicKey {
    parts: Arc<RsaPublicParts>,
    verifier: Arc<crypto::Verifier>,
}

impl PublicKey {
    /// Loads a public key from PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or the bare base64 of either — the
    /// one-line form the Alipay console shows — using the default crypto backend.
    ///
    /// # Errors
    /// [`KeyError`] naming the mistake, including a private key or a certificate given instead.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        Self::from_text_with_backend(text, Backend::default())
    }

    /// [`PublicKey::from_text`] with an explicit crypto backend.
    ///
    /// # Errors
    /// As [`PublicKey::from_text`].
    pub fn from_text_with_backend(text: &str, backend: Backend) -> Result<Self, KeyError> {
        let err = |p| KeyError::new(KeyRole::PublicKey, p);
        let der = text_to_der(text).map_err(err)?;
        Self::from_der_with_backend(&der, backend)
    }

    /// Loads a public key from DER (SubjectPublicKeyInfo or PKCS#1).
    ///
    /// # Errors
    /// As [`PublicKey::from_text`].
    pub fn from_der_with_backend(der: &[u8], backend: Backend) -> Result<Self, KeyError> {
        let err = |p| KeyError::new(KeyRole::PublicKey, p);
        match classify(der).map_err(err)? {
            Decoded::Private { .. } => Err(err(KeyProblem::PrivateWherePublicExpected)),
            Decoded::Public { public } => Self::from_parts(public, backend).map_err(err),
        }
    }

    fn from_parts(parts: RsaPublicParts, backend: Backend) -> Result<Self, KeyProblem> {
        let verifier = crypto::Verifier::new(backend, &parts).map_err(KeyProblem::Rejected)?;
        Ok(Self { parts: Arc::new(parts), verifier: Arc::new(verifier) })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.parts.bits()
    }

    /// The key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn to_pem(&self) -> String {
        let der = generate::spki_der(&self.parts).expect("a loaded RSA key always encodes");
        pkcs1::der::pem::encode_string("PUBLIC KEY", pkcs1::der::pem::LineEnding::LF, &der)
            .expect("PEM encoding of valid DER cannot fail")
    }

    /// The key as one base64 line (the form the Alipay console shows).
    pub fn to_base64(&self) -> String {
        B64.encode(generate::spki_der(&self.parts).expect("a loaded RSA key always encodes"))
    }

    /// `true` when both keys have the same modulus and exponent.
    pub fn same_key_as(&self, other: &PublicKey) -> bool {
        self.parts == other.parts
    }

    /// Checks the key is strong enough for `sign_type`.
    ///
    /// # Errors
    /// [`KeyProblem::TooShort`].
    pub fn check_for(&self, sign_type: SignType) -> Result<(), KeyError> {
        check_bits(self.bits(), sign_type).map_err(|p| KeyError::new(KeyRole::PublicKey, p))
    }

    /// Verifies a base64 `signature` over `message` (bytes in the charset that was signed).
    /// `what` names the thing verified, for the error message.
    ///
    /// # Errors
    /// [`SignatureError::MalformedSign`] or [`SignatureError::Mismatch`].
    pub fn verify(
        &self,
        message: &[u8],
        signature_b64: &str,
        sign_type: SignType,
        what: &str,
    ) -> Result<(), SignatureError> {
        let sig =
            decode_signature(signature_b64).ok_or_else(|| SignatureError::MalformedSign { what: what.to_string() })?;
        if self.verifier.verify(sign_type, message, &sig) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch { what: what.to_string() })
        }
    }
}

/// Decodes a signature's base64, tolerating line breaks and spaces that some transports insert
/// (a `+` turned into a space by a double form-decode is *not* repaired: that would hide a bug).
pub(crate) fn decode_signature(b64: &str) -> Option<Vec<u8>> {
    let compact: String = b64.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    B64.decode(compact.as_bytes()).ok()
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

fn check_bits(bits: usize, sign_type: SignType) -> Result<(), KeyProblem> {
    let minimum = sign_type.minimum_key_bits();
    if bits < minimum { Err(KeyProblem::TooShort { bits, minimum, sign_type }) } else { Ok(()) }
}
