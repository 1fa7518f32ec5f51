//! Verifying an answer with the right key: the configured Alipay public key, or — in certificate mode —
//! the key of the certificate the answer names, fetching a rotated certificate first (see
//! [`super::cert_fetch`]).

use super::Client;
use crate::error::Error;
use crate::keys::PublicKey;
use crate::response::{ResponseNode, extract, verify_envelope};

impl Client {
    /// Verifies a raw v2 answer to `method` and returns its node (decrypted when encrypted).
    pub(crate) async fn verify_answer(&self, body: &[u8], method: &str) -> Result<ResponseNode, Error> {
        let config = &self.inner.config;
        let text = config.charset.decode(body, "the answer")?;
        let env = extract(&text, method)?;
        let key = self.alipay_key_for(env.alipay_cert_sn.as_deref()).await?;
        let verified =
            verify_envelope(&env, method, &key, config.sign_type, config.charset, config.encrypt_key.as_ref());
        if let Err(Error::Signature(crate::error::SignatureError::Mismatch { .. })) = &verified {
            // What was checked, so that a wrong Alipay public key can be told from a tampered answer.
            tracing::debug!(
                target: "alipay_core::call",
                method,
                sign_content = env.signed_text,
                sign_type = config.sign_type.as_str(),
                "the answer's signature does not verify with the configured Alipay public key over this text"
            );
        }
        verified
    }

    /// The key that verifies what Alipay signed with certificate `sn`: in certificate mode the key of that
    /// certificate (downloaded and checked first when it is new), otherwise — or when no SN is named —
    /// the configured Alipay public key.
    pub(crate) async fn alipay_key_for(&self, sn: Option<&str>) -> Result<PublicKey, Error> {
        let config = &self.inner.config;
        match (&config.cert_mode, sn.filter(|s| !s.is_empty())) {
            (Some(mode), Some(sn)) => match mode.key_for(sn) {
                Some(key) => Ok(key),
                None => self.fetch_alipay_cert(mode, sn).await,
            },
            _ => Ok(config.alipay_public_key.clone()),
        }
    }
}
