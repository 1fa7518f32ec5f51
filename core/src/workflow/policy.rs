//! How long workflows wait and how often they retry. The defaults are the official face-to-face
//! demo's: query every 5 s, 5 queries for a barcode payment, cancel tried 3 times 2 s apart.
//!
//! Both policies (de)serialize with durations in seconds (a number, fractions allowed), so a binding
//! takes them as a plain object: [`PollPolicy::overlay`] fills what the object leaves out from a
//! base policy.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::InvalidInput;

/// Polling and cancelling for [`super::Workflows::pay_and_wait`] and
/// [`super::Workflows::precreate_and_wait`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct PollPolicy {
    /// The wait before each query (official: 5 s).
    #[serde(with = "crate::seconds")]
    #[cfg_attr(feature = "schema", schemars(with = "f64"))]
    pub query_interval: Duration,
    /// How many queries before the buyer is given up on and the trade cancelled (official: 5).
    pub max_queries: u32,
    /// An overall limit from the start of the workflow: once the next query would come after it, the
    /// trade is cancelled at once. `None`: only `max_queries` limits the wait.
    #[serde(with = "crate::seconds::optional")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub deadline: Option<Duration>,
    /// How many times a cancel is sent before its outcome counts as unknown (official: 3; at least 1).
    pub cancel_attempts: u32,
    /// The wait between cancel attempts (official: 2 s).
    #[serde(with = "crate::seconds")]
    #[cfg_attr(feature = "schema", schemars(with = "f64"))]
    pub cancel_interval: Duration,
    /// The trade's own expiry, sent as `time_expire` when the request has neither `time_expire` nor
    /// `timeout_express` (barcode: 2 minutes, as the official demo; QR: 5 minutes). A trade nobody has
    /// seen is settled "not created" only after it (see [`super::SETTLE_MARGIN`]), so keep it short.
    #[serde(with = "crate::seconds")]
    #[cfg_attr(feature = "schema", schemars(with = "f64"))]
    pub trade_expiry: Duration,
}

impl PollPolicy {
    /// The official barcode defaults: 5 queries 5 s apart (≈25 s for the buyer to confirm), then cancel,
    /// tried 3 times 2 s apart.
    pub fn barcode() -> Self {
        Self {
            query_interval: Duration::from_secs(5),
            max_queries: 5,
            deadline: None,
            cancel_attempts: 3,
            cancel_interval: Duration::from_secs(2),
            trade_expiry: Duration::from_secs(120),
        }
    }

    /// QR defaults: 24 queries 5 s apart — two minutes for the buyer to scan and pay — then cancel.
    /// (The official demo does not poll QR payments at all; two minutes is our choice for a checkout
    /// screen. The QR code itself stays valid for two hours unless cancelled.)
    pub fn qr() -> Self {
        Self { max_queries: 24, trade_expiry: Duration::from_secs(300), ..Self::barcode() }
    }

    /// The same policy with another query interval.
    pub fn with_query_interval(mut self, interval: Duration) -> Self {
        self.query_interval = interval;
        self
    }

    /// The same policy with another number of queries.
    pub fn with_max_queries(mut self, max_queries: u32) -> Self {
        self.max_queries = max_queries;
        self
    }

    /// The same policy with an overall deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The same policy with another expiry for the trades it creates.
    pub fn with_trade_expiry(mut self, expiry: Duration) -> Self {
        self.trade_expiry = expiry;
        self
    }

    /// The same policy with another cancel schedule.
    pub fn with_cancel(mut self, attempts: u32, interval: Duration) -> Self {
        self.cancel_attempts = attempts;
        self.cancel_interval = interval;
        self
    }
}

impl PollPolicy {
    /// `base` with the fields `overrides` (an object of this policy's fields) names; `null` keeps
    /// the base's value, as does a field left out. A binding's keyword arguments go through here.
    ///
    /// ```
    /// use alipay_core::workflow::PollPolicy;
    /// let p = PollPolicy::overlay(PollPolicy::qr(), &serde_json::json!({"max_queries": 3, "query_interval": 0.5})).unwrap();
    /// assert_eq!((p.max_queries, p.query_interval.as_millis(), p.trade_expiry), (3, 500, PollPolicy::qr().trade_expiry));
    /// ```
    ///
    /// # Errors
    /// [`InvalidInput`] naming the field (`max_queries`) that is unknown or of the wrong type.
    pub fn overlay(base: PollPolicy, overrides: &Value) -> Result<Self, InvalidInput> {
        overlay(base, overrides)
    }
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self::barcode()
    }
}

/// Retrying and confirming for [`super::Workflows::refund_until_known`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RefundPolicy {
    /// How many times the refund is sent (always with the same `out_request_no`; at least 1).
    pub attempts: u32,
    /// How many refund queries may be spent confirming.
    pub confirm_queries: u32,
    /// The wait before a retry or a confirming query.
    #[serde(with = "crate::seconds")]
    #[cfg_attr(feature = "schema", schemars(with = "f64"))]
    pub interval: Duration,
}

impl RefundPolicy {
    /// The same policy with another interval.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The same policy with other limits.
    pub fn with_limits(mut self, attempts: u32, confirm_queries: u32) -> Self {
        self.attempts = attempts;
        self.confirm_queries = confirm_queries;
        self
    }
}

impl RefundPolicy {
    /// `base` with the fields `overrides` names, as [`PollPolicy::overlay`].
    ///
    /// # Errors
    /// [`InvalidInput`] naming the field that is unknown or of the wrong type.
    pub fn overlay(base: RefundPolicy, overrides: &Value) -> Result<Self, InvalidInput> {
        overlay(base, overrides)
    }
}

impl Default for RefundPolicy {
    /// 3 attempts and up to 5 confirming queries, 2 s apart.
    fn default() -> Self {
        Self { attempts: 3, confirm_queries: 5, interval: Duration::from_secs(2) }
    }
}

/// `base` with the non-null fields of the object `overrides`.
fn overlay<P: Serialize + DeserializeOwned>(base: P, overrides: &Value) -> Result<P, InvalidInput> {
    let Value::Object(changes) = overrides else {
        return Err(InvalidInput::new("policy", "is not an object of policy fields"));
    };
    let mut merged = serde_json::to_value(base).map_err(|e| InvalidInput::new("policy", e.to_string()))?;
    if let Value::Object(fields) = &mut merged {
        fields.extend(changes.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())));
    }
    serde_path_to_error::deserialize(merged).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { "policy".to_string() } else { field };
        InvalidInput::new(field, e.into_inner().to_string())
    })
}
