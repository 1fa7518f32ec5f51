//! Verifying an answer with the right key: the configured Alipay public key, or — in certificate mode —
//! the key of the certificate the answer names, fetching a rotated certificate first and admitting it
//! only if it chains to the root certificate.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use super::{CallOptions, Client};
use crate::cert::CertMode;
use crate::error::{DecodeError, Error, SignatureError};
use crate::keys::PublicKey;
use crate::response::{ResponseNode, extract, verify_envelope};

/// The method that serves Alipay's current certificate.
pub const CERT_DOWNLOAD_METHOD: &str = "alipay.open.app.alipaycert.download";

impl Client {
    /// Verifies a raw v2 answer to `method` and returns its node (decrypted when encrypted).
    pub(crate) async fn verify_answer(&self, body: &[u8], method: &str) -> Result<ResponseNode, Error> {
        let config = &self.inner.config;
        let text = config.charset.decode(body, "the answer")?;
        let env = extract(&text, method)?;
        let key = self.alipay_key_for(env.alipay_cert_sn.as_deref()).await?;
        verify_envelope(&env, method, &key, config.sign_type, config.charset, config.encrypt_key.as_ref())
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

    /// Downloads the Alipay certificate `sn` (once, however many calls meet it at the same time) and
    /// admits it if it chains to the root.
    async fn fetch_alipay_cert(&self, mode: &CertMode, sn: &str) -> Result<PublicKey, Error> {
        let _one_at_a_time = self.inner.cert_fetch.lock().await;
        if let Some(key) = mode.key_for(sn) {
            return Ok(key);
        }
        let config = &self.inner.config;
        let plain = CallOptions { encrypt: Some(false), ..(*self.options).clone() };
        let biz = serde_json::json!({ "alipay_cert_sn": sn }).to_string();
        let request = self.with_options(plain).build_request(CERT_DOWNLOAD_METHOD, Some(&biz))?;
        let response = self.send(request).await?;
        let text = config.charset.decode(&response.body, "the certificate download")?;
        let env = extract(&text, CERT_DOWNLOAD_METHOD)?;
        // The answer cannot be verified before its certificate is known: the certificate is read first,
        // trusted only if it chains to the root, and then the answer must verify with a trusted key.
        let untrusted = |reason: String| SignatureError::UntrustedCertificate { sn: sn.to_string(), reason };
        let node: Map<String, Value> = serde_json::from_str(env.signed_text)
            .map_err(|e| DecodeError::new(format!("the certificate download answer is not JSON: {e}")))?;
        let Some(content) = node.get("alipay_cert_content").and_then(Value::as_str) else {
            let code = node.get("code").and_then(Value::as_str).unwrap_or("?");
            let sub = node.get("sub_code").and_then(Value::as_str).unwrap_or("");
            return Err(
                untrusted(format!("the certificate download answered {code} {sub} without a certificate")).into()
            );
        };
        let pem = STANDARD
            .decode(content.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| untrusted("the downloaded certificate is not base64 PEM text".into()))?;
        let (admitted, _) = mode.admit(&pem, self.inner.clock.now())?;
        let answer_key =
            env.alipay_cert_sn.as_deref().and_then(|s| mode.key_for(s)).ok_or_else(|| {
                untrusted("the certificate download answer is signed by an unknown certificate".into())
            })?;
        verify_envelope(&env, CERT_DOWNLOAD_METHOD, &answer_key, config.sign_type, config.charset, None)?;
        if admitted != sn {
            return Err(untrusted(format!("asked for certificate {sn}, Alipay sent {admitted}")).into());
        }
        mode.key_for(sn).ok_or_else(|| untrusted("the admitted certificate vanished".into()).into())
    }
}
