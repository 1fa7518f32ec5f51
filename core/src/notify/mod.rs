//! Asynchronous notifications (Alipay's 异步通知验签 doc): verify the signature, then parse, then check the order.
//!
//! ```no_run
//! # use alipay_core::notify::{verify_notify_body, NotifyRule, ExpectedOrder, ACK};
//! # use alipay_core::SignType;
//! # fn handle(body: &[u8], key: &alipay_core::PublicKey) -> Result<&'static str, Box<dyn std::error::Error>> {
//! let verified = verify_notify_body(body, key, NotifyRule::V1, SignType::Rsa2)?; // 1. signature
//! let trade = verified.trade()?;                                         // 2. typed
//! trade.check(&ExpectedOrder::new("2021000122671080", "T20240513001", "0.10".parse()?))?; // 3. your order
//! // 4. de-duplicate by trade.notify_id, act on trade.trade_status, then:
//! Ok(ACK)
//! # }
//! ```

mod deposit_back;
mod form;
mod trade;

use std::collections::BTreeMap;

/// The bank-card refund status (defined with the refund query in [`crate::trade`]).
pub use crate::trade::DepositBackStatus;
pub use deposit_back::{DepositBackNotification, MSG_METHOD_DEPOSIT_BACK_COMPLETED};
pub use form::parse_form_body;
pub use trade::{ExpectedOrder, NotifyFundBill, OrderMismatch, TradeNotification};

use crate::charset::Charset;
use crate::crypto::SignType;
use crate::error::{Error, SignatureError};
use crate::keys::PublicKey;
use crate::sign::{is_blank, sign_content_excluding};

/// The body to answer Alipay with once a notification is verified and handled. Anything else makes
/// Alipay send it again (over about 25 hours: 4m, 10m, 10m, 1h, 2h, 6h, 15h).
pub const ACK: &str = "success";

/// Which parameters a notification's signature leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NotifyRule {
    /// `rsaCheckV1`: leaves out `sign` and `sign_type`. Trade notifications and `return_url` parameters.
    #[default]
    V1,
    /// `rsaCheckV2`: leaves out only `sign`. Life-account and service-market messages.
    V2,
}

impl NotifyRule {
    fn excluded(self) -> &'static [&'static str] {
        match self {
            NotifyRule::V1 => &["sign", "sign_type"],
            NotifyRule::V2 => &["sign"],
        }
    }
}

impl std::str::FromStr for NotifyRule {
    type Err = crate::error::InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v1" | "rsacheckv1" => Ok(NotifyRule::V1),
            "v2" | "rsacheckv2" => Ok(NotifyRule::V2),
            other => {
                Err(crate::error::InvalidInput::new("rule", format!("unknown notify rule {other:?}; use v1 or v2")))
            }
        }
    }
}

/// A notification whose signature verified. Holds the fields the signature covers, as received (decoded
/// once), and `sign`/`sign_type` — never a field the signature leaves out (a blank name or value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNotification {
    params: BTreeMap<String, String>,
    sign_type: SignType,
}

impl VerifiedNotification {
    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// Every field the signature covers, as received, and `sign` (and `sign_type`, `alipay_cert_sn`).
    pub fn params(&self) -> &BTreeMap<String, String> {
        &self.params
    }

    /// Every field, by value.
    pub fn into_params(self) -> BTreeMap<String, String> {
        self.params
    }

    /// The algorithm the notification was signed with.
    pub fn sign_type(&self) -> SignType {
        self.sign_type
    }

    /// `notify_id`, the key to de-duplicate retried deliveries by.
    pub fn notify_id(&self) -> Option<&str> {
        self.get("notify_id")
    }

    /// Parses a trade notification (`notify_type=trade_status_sync`).
    ///
    /// # Errors
    /// [`crate::error::DecodeError`] when a field has the wrong shape (an amount that is not yuan).
    pub fn trade(&self) -> Result<TradeNotification, Error> {
        TradeNotification::from_params(&self.params).map_err(Into::into)
    }

    /// Parses a refund deposit-back message (`msg_method=alipay.trade.refund.depositback.completed`).
    ///
    /// # Errors
    /// [`crate::error::DecodeError`] when it is another message or `biz_content` is malformed.
    pub fn deposit_back(&self) -> Result<DepositBackNotification, Error> {
        DepositBackNotification::from_params(&self.params).map_err(Into::into)
    }
}

/// Verifies a notification from the raw form body Alipay POSTed (decoded exactly once, in its charset).
///
/// `sign_type` is the client's configured type: it is what the signature is checked with, and a
/// notification declaring another is refused. The notification's own `sign_type` never chooses the
/// algorithm (a forger would choose the weakest).
///
/// # Errors
/// [`Error::Decode`] for a malformed body; [`Error::Signature`] when the signature is missing, malformed,
/// of an unexpected type, or does not verify.
pub fn verify_notify_body(
    raw_body: &[u8],
    alipay_public_key: &PublicKey,
    rule: NotifyRule,
    sign_type: SignType,
) -> Result<VerifiedNotification, Error> {
    verify_notify_params(parse_form_body(raw_body)?, alipay_public_key, rule, sign_type)
}

/// Verifies a notification from pairs a web framework already decoded (its form dict). Do not decode
/// them again: `+` in a signature must survive.
///
/// # Errors
/// As [`verify_notify_body`].
pub fn verify_notify_params(
    params: BTreeMap<String, String>,
    alipay_public_key: &PublicKey,
    rule: NotifyRule,
    sign_type: SignType,
) -> Result<VerifiedNotification, Error> {
    let (sign, charset) = signature_of(&params, sign_type)?;
    let content = sign_content_excluding(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), rule.excluded());
    alipay_public_key.verify(&charset.encode(&content)?, sign, sign_type, WHAT)?;
    Ok(VerifiedNotification::covered(params, sign_type))
}

/// The parameter naming the Alipay certificate that signed a certificate-mode notification.
pub const ALIPAY_CERT_SN: &str = "alipay_cert_sn";

/// Verifies a certificate-mode notification with the keys it may be signed with (the key of the
/// certificate its `alipay_cert_sn` names; every trusted Alipay key when it names none).
///
/// `alipay_cert_sn` identifies the key and is left out of the signed content like `sign`; as the official
/// SDKs disagree on this (Java and Node keep any parameter they do not know), a notification that does
/// not verify without it is tried once with it. Both contents are signed by the same trusted key, so
/// accepting either admits nothing a forger could make.
///
/// # Errors
/// As [`verify_notify_body`]; [`SignatureError::Mismatch`] when no key verifies either content.
pub fn verify_cert_notify_params(
    params: BTreeMap<String, String>,
    keys: &[PublicKey],
    rule: NotifyRule,
    sign_type: SignType,
) -> Result<VerifiedNotification, Error> {
    let (sign, charset) = signature_of(&params, sign_type)?;
    let pairs = || params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let mut excluded = rule.excluded().to_vec();
    excluded.push(ALIPAY_CERT_SN);
    let mut contents = vec![charset.encode(&sign_content_excluding(pairs(), &excluded))?.into_owned()];
    if params.contains_key(ALIPAY_CERT_SN) {
        contents.push(charset.encode(&sign_content_excluding(pairs(), rule.excluded()))?.into_owned());
    }
    let mut last = SignatureError::Mismatch { what: WHAT.into() };
    for key in keys {
        for content in &contents {
            match key.verify(content, sign, sign_type, WHAT) {
                Ok(()) => return Ok(VerifiedNotification::covered(params, sign_type)),
                Err(e @ SignatureError::MalformedSign { .. }) => return Err(e.into()),
                Err(e) => last = e,
            }
        }
    }
    Err(last.into())
}

const WHAT: &str = "notification";

/// The signature of a notification (its declared `sign_type`, if any, must be `sign_type`) and its charset.
fn signature_of(params: &BTreeMap<String, String>, sign_type: SignType) -> Result<(&str, Charset), Error> {
    let sign =
        params.get("sign").filter(|s| !s.trim().is_empty()).ok_or(SignatureError::Unsigned { what: WHAT.into() })?;
    let declared = params.get("sign_type").map(String::as_str).filter(|s| !s.trim().is_empty());
    if let Some(d) = declared
        && d.parse::<SignType>().ok() != Some(sign_type)
    {
        return Err(SignatureError::SignTypeMismatch {
            what: WHAT.into(),
            expected: sign_type.to_string(),
            found: d.chars().take(16).collect(),
        }
        .into());
    }
    let charset = match params.get("charset") {
        Some(c) => c.parse::<Charset>()?,
        None => Charset::Utf8,
    };
    Ok((sign.as_str(), charset))
}

impl VerifiedNotification {
    /// Keeps what the signature covered: every field with a name and a value that is not blank (the
    /// others are left out of the signed content), plus `sign`, `sign_type` and `alipay_cert_sn`, which
    /// say how it was signed.
    fn covered(mut params: BTreeMap<String, String>, sign_type: SignType) -> Self {
        params.retain(|k, v| {
            matches!(k.as_str(), "sign" | "sign_type" | ALIPAY_CERT_SN) || !(is_blank(k) || is_blank(v))
        });
        Self { params, sign_type }
    }
}
