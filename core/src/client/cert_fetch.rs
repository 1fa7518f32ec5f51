//! Fetching a rotated Alipay certificate with `alipay.open.app.alipaycert.download`, and admitting it
//! only when everything holds, in this order:
//!
//! 1. the certificate the answer carries passes [`CertMode::check`] (its chain verifies up to the root
//!    file through CAs, it is valid now, it names the configured Alipay certificate's subject) — it is
//!    *not* trusted yet;
//! 2. the download answer itself verifies — signed, with a key already trusted or, when the answer's
//!    `alipay_cert_sn` is the candidate's, with the candidate's own key — and is a success (`10000`);
//! 3. the candidate is the certificate that was asked for.
//!
//! Only then is its key known. An unsigned answer never admits anything. Downloads asked for by
//! notifications are limited further (see [`crate::cert::DownloadGuard`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use super::{CallOptions, Client};
use crate::cert::{CertMode, DownloadGuard, TrustError};
use crate::error::{DecodeError, Error, SignatureError};
use crate::keys::PublicKey;
use crate::response::{CODE_SUCCESS, Envelope, extract, verify_envelope};

/// The method that serves Alipay's current certificate.
pub const CERT_DOWNLOAD_METHOD: &str = "alipay.open.app.alipaycert.download";

fn untrusted(sn: &str, reason: TrustError) -> Error {
    SignatureError::UntrustedCertificate { sn: sn.to_string(), reason }.into()
}

impl Client {
    /// Downloads the Alipay certificate `sn` for an answer to one of this client's calls (once, however
    /// many calls meet it at the same time), and admits it if it can be trusted.
    pub(crate) async fn fetch_alipay_cert(&self, mode: &CertMode, sn: &str) -> Result<PublicKey, Error> {
        let _one_at_a_time = self.inner.cert_fetch.lock().await;
        if let Some(key) = mode.key_for(sn) {
            return Ok(key);
        }
        self.download_alipay_cert(mode, sn).await
    }

    /// Like [`Client::fetch_alipay_cert`], for a certificate named by something anyone can send (a
    /// notification): within the limits of the [`DownloadGuard`].
    pub(crate) async fn fetch_alipay_cert_guarded(&self, mode: &CertMode, sn: &str) -> Result<PublicKey, Error> {
        let mut guard = self.inner.cert_fetch.lock().await;
        if let Some(key) = mode.key_for(sn) {
            return Ok(key);
        }
        let now = self.inner.clock.now();
        guard.permit(sn, now).map_err(|reason| untrusted(sn, reason))?;
        let fetched = self.download_alipay_cert(mode, sn).await;
        record(&mut guard, sn, now, fetched.is_ok());
        fetched
    }

    /// Checks that a notification naming the unknown certificate `sn` could be Alipay's before anything
    /// is downloaded for it: its `sign` must be base64 of exactly the length of a signature by one of
    /// the known Alipay keys.
    pub(crate) fn check_notification_sign(mode: &CertMode, sn: &str, sign: Option<&str>) -> Result<(), Error> {
        let what = "notification";
        let sign = sign.filter(|s| !s.trim().is_empty()).ok_or(SignatureError::Unsigned { what: what.into() })?;
        let mut expected: Vec<usize> =
            mode.known_sns().iter().filter_map(|s| mode.key_for(s)).map(|k| k.bits().div_ceil(8)).collect();
        expected.sort_unstable();
        expected.dedup();
        let found = crate::keys::decode_signature(sign).map_or(0, |bytes| bytes.len());
        if expected.contains(&found) {
            Ok(())
        } else {
            Err(untrusted(sn, TrustError::MalformedSign { found, expected }))
        }
    }

    /// The download itself; the caller holds the `cert_fetch` lock.
    async fn download_alipay_cert(&self, mode: &CertMode, sn: &str) -> Result<PublicKey, Error> {
        let config = &self.inner.config;
        let plain = CallOptions { encrypt: Some(false), ..(*self.options).clone() };
        let biz = serde_json::json!({ "alipay_cert_sn": sn }).to_string();
        let request = self.with_options(plain).build_request(CERT_DOWNLOAD_METHOD, Some(&biz))?;
        let response = self.send(request).await?;
        let text = config.charset.decode(&response.body, "the certificate download")?;
        let env = extract(&text, CERT_DOWNLOAD_METHOD)?;

        // 1. The certificate carried, checked but not trusted (read before the answer verifies: the
        //    answer may be signed with this very certificate).
        let candidate = mode.check(&carried_pem(&env, sn)?, self.inner.clock.now())?;

        // 2. The answer verifies, with a trusted key or the candidate's own, and is a signed success.
        let unverified = |reason: String| untrusted(sn, TrustError::UnverifiedDownload { reason });
        let key = match env.alipay_cert_sn.as_deref().filter(|s| !s.is_empty()) {
            Some(signer) if signer == candidate.sn() => candidate.key().clone(),
            Some(signer) => mode
                .key_for(signer)
                .ok_or_else(|| unverified(format!("it is signed with certificate {signer}, which is not trusted")))?,
            None => config.alipay_public_key.clone(),
        };
        let node =
            verify_envelope(&env, CERT_DOWNLOAD_METHOD, &key, config.sign_type, config.charset, None).map_err(|e| {
                match e {
                    Error::Signature(e) => unverified(e.to_string()),
                    other => other,
                }
            })?;
        if !node.signed {
            return Err(unverified(format!("it is unsigned (code {})", node.code())));
        }
        if node.code() != CODE_SUCCESS {
            return Err(unverified(format!("it answered code {}, not {CODE_SUCCESS}", node.code())));
        }

        // 3. It is the certificate asked for.
        if candidate.sn() != sn {
            let sent = candidate.sn().to_string();
            return Err(untrusted(sn, TrustError::WrongCertificate { requested: sn.to_string(), sent }));
        }
        Ok(mode.admit_checked(candidate).1)
    }
}

fn record(guard: &mut DownloadGuard, sn: &str, now: std::time::SystemTime, admitted: bool) {
    if admitted {
        guard.succeeded(sn);
    } else {
        guard.failed(sn, now);
    }
}

/// The PEM text of the certificate a download answer carries (`alipay_cert_content`, base64 of the PEM),
/// read from the node as received — not yet verified.
fn carried_pem(env: &Envelope<'_>, sn: &str) -> Result<String, Error> {
    let node: Map<String, Value> = serde_json::from_str(env.signed_text)
        .map_err(|e| DecodeError::new(format!("the certificate download answer is not JSON: {e}")))?;
    let field = |name: &str| node.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
    let Some(content) = node.get("alipay_cert_content").and_then(Value::as_str) else {
        return Err(untrusted(sn, TrustError::NoCertificate { code: field("code"), sub_code: field("sub_code") }));
    };
    STANDARD.decode(content.trim()).ok().and_then(|bytes| String::from_utf8(bytes).ok()).ok_or_else(|| {
        untrusted(sn, TrustError::Unreadable { reason: "`alipay_cert_content` is not base64 PEM text".into() })
    })
}
