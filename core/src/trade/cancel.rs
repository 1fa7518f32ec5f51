//! `alipay.trade.cancel` (undo a face-to-face trade whose outcome is unknown: close it if unpaid, refund
//! it if paid) and `alipay.trade.close` (close an unpaid trade).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ApiRequest, validate};
use crate::enums::{open_enum, yes_no};
use crate::error::InvalidInput;

/// Cancels a face-to-face trade. Use it only when the payment's outcome is unknown or the buyer never
/// confirmed; a trade known to be paid is refunded instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeCancelRequest {
    /// Your order number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Alipay's trade number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// Any other business field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradeCancelRequest {
    /// Cancel your order `out_trade_no`.
    pub fn by_out_trade_no(out_trade_no: impl Into<String>) -> Self {
        Self { out_trade_no: Some(out_trade_no.into()), trade_no: None, extra: Map::new() }
    }

    /// Cancel Alipay's trade `trade_no`.
    pub fn by_trade_no(trade_no: impl Into<String>) -> Self {
        Self { out_trade_no: None, trade_no: Some(trade_no.into()), extra: Map::new() }
    }
}

impl ApiRequest for TradeCancelRequest {
    const METHOD: &'static str = "alipay.trade.cancel";
    type Response = TradeCancelResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::trade_reference(self.out_trade_no.as_deref(), self.trade_no.as_deref())
    }
}

open_enum! {
    /// What a cancel did.
    pub enum CancelAction {
        /// The trade was unpaid and is now closed.
        Close = "close",
        /// The trade was paid and the money was refunded.
        Refund = "refund",
    }
}

/// The answer to `alipay.trade.cancel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeCancelResponse {
    /// `10000`.
    pub code: String,
    /// The gateway message.
    #[serde(default)]
    pub msg: String,
    /// Alipay's trade number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// Your order number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// `Some(true)`: the cancel must be retried.
    #[serde(default, deserialize_with = "yes_no::deserialize")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub retry_flag: Option<bool>,
    /// What happened: `close` (was unpaid) or `refund` (was paid, refunded). Absent when nothing did.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub action: Option<CancelAction>,
    /// When the refund was paid out (for `refund`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gmt_refund_pay: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

/// Closes an unpaid trade so it can no longer be paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeCloseRequest {
    /// Your order number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Alipay's trade number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// Your cashier.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub operator_id: Option<String>,
    /// Any other business field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradeCloseRequest {
    /// Close your order `out_trade_no`.
    pub fn by_out_trade_no(out_trade_no: impl Into<String>) -> Self {
        Self { out_trade_no: Some(out_trade_no.into()), trade_no: None, operator_id: None, extra: Map::new() }
    }

    /// Close Alipay's trade `trade_no`.
    pub fn by_trade_no(trade_no: impl Into<String>) -> Self {
        Self { out_trade_no: None, trade_no: Some(trade_no.into()), operator_id: None, extra: Map::new() }
    }
}

impl ApiRequest for TradeCloseRequest {
    const METHOD: &'static str = "alipay.trade.close";
    type Response = TradeCloseResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::trade_reference(self.out_trade_no.as_deref(), self.trade_no.as_deref())?;
        validate::optional("operator_id", self.operator_id.as_deref(), 28)
    }
}

/// The answer to `alipay.trade.close`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeCloseResponse {
    /// `10000`.
    pub code: String,
    /// The gateway message.
    #[serde(default)]
    pub msg: String,
    /// Alipay's trade number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// Your order number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}
