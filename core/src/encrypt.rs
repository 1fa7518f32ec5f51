//! AES content encryption (Alipay's 接口内容加密 doc): AES-CBC with PKCS#7 padding, an all-zero IV, the key being the
//! base64-decoded `encrypt_key` from the open-platform console, the output standard base64. The same
//! bytes as every official SDK (tested against their vectors).
//!
//! The zero IV is Alipay's protocol, not our choice: equal plaintexts give equal ciphertexts. The content
//! is still signed, so integrity comes from the RSA signature, never from the encryption.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::crypto::Backend;
use crate::error::{DecodeError, InvalidInput};

const IV: [u8; 16] = [0; 16];

/// An `encrypt_key` (接口内容加密密钥). Its `Debug` output never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptKey {
    key: Vec<u8>,
    backend: Backend,
}

impl fmt::Debug for EncryptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptKey(AES-{}, <redacted>)", self.key.len() * 8)
    }
}

impl EncryptKey {
    /// Loads the base64 `encrypt_key` shown in the console (16, 24 or 32 bytes once decoded).
    ///
    /// # Errors
    /// [`InvalidInput`] naming the problem (not base64, or a length AES does not take); the key itself
    /// is never in the message.
    pub fn from_base64(text: &str) -> Result<Self, InvalidInput> {
        Self::from_base64_with_backend(text, Backend::default())
    }

    /// As [`EncryptKey::from_base64`], on a chosen backend.
    ///
    /// # Errors
    /// As [`EncryptKey::from_base64`], and when `backend` is not compiled in.
    pub fn from_base64_with_backend(text: &str, backend: Backend) -> Result<Self, InvalidInput> {
        let key = STANDARD
            .decode(text.trim())
            .map_err(|_| InvalidInput::new("encrypt_key", "is not base64 (copy it from the console as shown)"))?;
        if !matches!(key.len(), 16 | 24 | 32) {
            return Err(InvalidInput::new(
                "encrypt_key",
                format!("decodes to {} bytes; AES keys are 16, 24 or 32 bytes", key.len()),
            ));
        }
        if !Backend::available().contains(&backend) {
            return Err(InvalidInput::new("backend", format!("{backend:?} is not compiled in")));
        }
        Ok(Self { key, backend })
    }

    /// Encrypts `plaintext` (UTF-8 bytes, or GBK for a GBK client) and returns base64.
    pub fn encrypt(&self, plaintext: &[u8]) -> String {
        let ciphertext = match self.backend {
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => aws_lc::encrypt(&self.key, plaintext),
            #[cfg(feature = "rust-crypto")]
            Backend::RustCrypto => rust_crypto::encrypt(&self.key, plaintext),
            #[allow(unreachable_patterns)]
            _ => unreachable!("the backend was checked when the key was loaded"),
        };
        STANDARD.encode(ciphertext)
    }

    /// Decrypts base64 `ciphertext`.
    ///
    /// # Errors
    /// [`DecodeError`] when it is not base64, not whole blocks, or the padding is wrong (the wrong key).
    pub fn decrypt(&self, ciphertext: &str) -> Result<Vec<u8>, DecodeError> {
        let bytes =
            STANDARD.decode(ciphertext.trim()).map_err(|_| DecodeError::new("the encrypted content is not base64"))?;
        if bytes.is_empty() || bytes.len() % 16 != 0 {
            return Err(DecodeError::new(format!(
                "the encrypted content is {} bytes, not whole 16-byte AES blocks",
                bytes.len()
            )));
        }
        let plain = match self.backend {
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => aws_lc::decrypt(&self.key, bytes),
            #[cfg(feature = "rust-crypto")]
            Backend::RustCrypto => rust_crypto::decrypt(&self.key, bytes),
            #[allow(unreachable_patterns)]
            _ => unreachable!("the backend was checked when the key was loaded"),
        };
        plain.ok_or_else(|| DecodeError::new("the encrypted content does not decrypt: wrong encrypt_key?"))
    }
}

#[cfg(feature = "aws-lc")]
mod aws_lc {
    use aws_lc_rs::cipher::{
        AES_128, AES_192, AES_256, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey,
        PaddedBlockEncryptingKey, UnboundCipherKey,
    };
    use aws_lc_rs::iv::FixedLength;

    fn unbound(key: &[u8]) -> UnboundCipherKey {
        let algorithm = match key.len() {
            16 => &AES_128,
            24 => &AES_192,
            _ => &AES_256,
        };
        UnboundCipherKey::new(algorithm, key).expect("the key length was checked")
    }

    pub(super) fn encrypt(key: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let key = PaddedBlockEncryptingKey::cbc_pkcs7(unbound(key)).expect("AES-CBC is supported");
        let mut buffer = plaintext.to_vec();
        key.less_safe_encrypt(&mut buffer, EncryptionContext::Iv128(FixedLength::from(super::IV)))
            .expect("CBC encryption of any length succeeds");
        buffer
    }

    pub(super) fn decrypt(key: &[u8], mut ciphertext: Vec<u8>) -> Option<Vec<u8>> {
        let key = PaddedBlockDecryptingKey::cbc_pkcs7(unbound(key)).ok()?;
        let plain = key.decrypt(&mut ciphertext, DecryptionContext::Iv128(FixedLength::from(super::IV))).ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(feature = "rust-crypto")]
mod rust_crypto {
    use aes::cipher::block_padding::Pkcs7;
    use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

    pub(super) fn encrypt(key: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let iv = &super::IV.into();
        match key.len() {
            16 => cbc::Encryptor::<aes::Aes128>::new(key.into(), iv).encrypt_padded_vec_mut::<Pkcs7>(plaintext),
            24 => cbc::Encryptor::<aes::Aes192>::new(key.into(), iv).encrypt_padded_vec_mut::<Pkcs7>(plaintext),
            _ => cbc::Encryptor::<aes::Aes256>::new(key.into(), iv).encrypt_padded_vec_mut::<Pkcs7>(plaintext),
        }
    }

    pub(super) fn decrypt(key: &[u8], ciphertext: Vec<u8>) -> Option<Vec<u8>> {
        let iv = &super::IV.into();
        match key.len() {
            16 => cbc::Decryptor::<aes::Aes128>::new(key.into(), iv).decrypt_padded_vec_mut::<Pkcs7>(&ciphertext),
            24 => cbc::Decryptor::<aes::Aes192>::new(key.into(), iv).decrypt_padded_vec_mut::<Pkcs7>(&ciphertext),
            _ => cbc::Decryptor::<aes::Aes256>::new(key.into(), iv).decrypt_padded_vec_mut::<Pkcs7>(&ciphertext),
        }
        .ok()
    }
}
