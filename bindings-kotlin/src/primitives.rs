//! The pure primitives (sign content, signatures, response and notification verification, certificate
//! SNs), and the notification input every verifier takes.

use std::collections::{BTreeMap, HashMap};

use alipay_core::notify::NotifyRule;
use alipay_core::primitives::NotifyInput;
use alipay_core::response::ResponseNodeShape;

use crate::error::{Result, guarded_sync};

/// A notification as a web framework hands it over: the raw form body, or its decoded fields.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum NotificationInput {
    /// The raw `application/x-www-form-urlencoded` body, as received.
    Body {
        /// The bytes.
        body: Vec<u8>,
    },
    /// The decoded form.
    Form {
        /// Its fields.
        fields: HashMap<String, String>,
    },
}

impl NotificationInput {
    /// The core's input.
    pub(crate) fn to_core(&self) -> NotifyInput<'_> {
        match self {
            NotificationInput::Body { body } => NotifyInput::RawBody(body.as_slice().into()),
            NotificationInput::Form { fields } => NotifyInput::Params(sorted(fields)),
        }
    }
}

fn sorted(map: &HashMap<String, String>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The notification rule `v1` (trade notifications) or `v2`.
pub(crate) fn notify_rule(rule: &str) -> Result<NotifyRule> {
    Ok(rule.parse::<NotifyRule>()?)
}

/// The exact text a request signature covers: the non-blank parameters, sorted, as `k=v&…`.
#[uniffi::export]
pub fn build_sign_content(params: HashMap<String, String>) -> String {
    alipay_core::primitives::build_sign_content(&sorted(&params))
}

/// Signs `params`; the base64 `sign`. `sign_type` `RSA2` or `RSA`, `charset` `utf-8` or `GBK`.
#[uniffi::export]
pub fn sign_params(
    params: HashMap<String, String>,
    private_key: String,
    sign_type: String,
    charset: String,
) -> Result<String> {
    guarded_sync(|| Ok(alipay_core::primitives::sign_params(&sorted(&params), &private_key, &sign_type, &charset)?))
}

/// Verifies a raw gateway answer to `method`; its node. A forged one is `AlipayException.Signature`.
#[uniffi::export]
pub fn verify_response(
    raw_body: Vec<u8>,
    method: String,
    alipay_public_key: String,
    sign_type: String,
    charset: String,
) -> Result<ResponseNodeShape> {
    guarded_sync(|| {
        let node =
            alipay_core::primitives::verify_response(&raw_body, &method, &alipay_public_key, &sign_type, &charset)?;
        Ok(ResponseNodeShape::from(&node))
    })
}

/// Verifies a notification under `rule` `v1` or `v2` with `sign_type` (never the notification's
/// own); the fields its signature covers.
#[uniffi::export]
pub fn verify_notify(
    notification: NotificationInput,
    alipay_public_key: String,
    rule: String,
    sign_type: String,
) -> Result<HashMap<String, String>> {
    guarded_sync(|| {
        let rule = notify_rule(&rule)?;
        let fields =
            alipay_core::primitives::verify_notify(notification.to_core(), &alipay_public_key, rule, &sign_type)?;
        Ok(fields.into_iter().collect())
    })
}

/// The SN of a certificate (`app_cert_sn`, or the Alipay certificate's).
#[uniffi::export]
pub fn cert_sn(pem: String) -> Result<String> {
    guarded_sync(|| Ok(alipay_core::cert::cert_sn(&pem).map_err(alipay_core::Error::from)?))
}

/// `alipay_root_cert_sn` of Alipay's root certificate file.
#[uniffi::export]
pub fn root_cert_sn(pem: String) -> Result<String> {
    guarded_sync(|| Ok(alipay_core::cert::root_cert_sn(&pem).map_err(alipay_core::Error::from)?))
}
