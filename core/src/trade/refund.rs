//! `alipay.trade.refund` and `alipay.trade.fastpay.refund.query`.
//!
//! A refund is identified by its `out_request_no`: sending the same number again never refunds twice
//! (the answer then has `fund_change=N`), so a refund whose outcome is unknown is retried with the same
//! number, and confirmed with the refund query.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::types::FundBill;
use super::{ApiRequest, validate};
use crate::enums::{open_enum, yes_no};
use crate::error::InvalidInput;
use crate::money::{Amount, Money};

/// A (partial or full) refund. `out_request_no` is required here — it is what makes refunds idempotent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeRefundRequest {
    /// Your order number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Alipay's trade number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// The amount of this refund.
    pub refund_amount: Money,
    /// This refund's number, unique per trade. Reuse it (and only it) to retry this refund.
    #[serde(default)]
    pub out_request_no: String,
    /// Shown to the buyer and in bills.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_reason: Option<String>,
    /// Your cashier.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub operator_id: Option<String>,
    /// Your store.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_id: Option<String>,
    /// Your terminal.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub terminal_id: Option<String>,
    /// Extra data to ask for, e.g. `refund_detail_item_list`, `deposit_back_info`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub query_options: Vec<String>,
    /// Any other business field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradeRefundRequest {
    /// A refund of `refund_amount` on your order `out_trade_no`, numbered `out_request_no`.
    pub fn by_out_trade_no(
        out_trade_no: impl Into<String>,
        refund_amount: Money,
        out_request_no: impl Into<String>,
    ) -> Self {
        Self::new(Some(out_trade_no.into()), None, refund_amount, out_request_no.into())
    }

    /// A refund on Alipay's trade `trade_no`.
    pub fn by_trade_no(trade_no: impl Into<String>, refund_amount: Money, out_request_no: impl Into<String>) -> Self {
        Self::new(None, Some(trade_no.into()), refund_amount, out_request_no.into())
    }

    fn new(
        out_trade_no: Option<String>,
        trade_no: Option<String>,
        refund_amount: Money,
        out_request_no: String,
    ) -> Self {
        Self {
            out_trade_no,
            trade_no,
            refund_amount,
            out_request_no,
            refund_reason: None,
            operator_id: None,
            store_id: None,
            terminal_id: None,
            query_options: Vec::new(),
            extra: Map::new(),
        }
    }
}

impl ApiRequest for TradeRefundRequest {
    const METHOD: &'static str = "alipay.trade.refund";
    type Response = TradeRefundResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::trade_reference(self.out_trade_no.as_deref(), self.trade_no.as_deref())?;
        validate::required("out_request_no", &self.out_request_no, 64)?;
        validate::optional("refund_reason", self.refund_reason.as_deref(), 256)
    }
}

/// The answer to `alipay.trade.refund`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeRefundResponse {
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
    /// The buyer's masked account.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_logon_id: Option<String>,
    /// Did *this call* move money? `Some(false)` on a repeat of a refund already made, or one still in
    /// progress: confirm with the refund query.
    #[serde(default, deserialize_with = "yes_no::deserialize")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_change: Option<bool>,
    /// The total refunded on the trade so far (not this refund's amount).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_fee: Option<Amount>,
    /// When the refund was paid out.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gmt_refund_pay: Option<String>,
    /// The buyer's user id.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_user_id: Option<String>,
    /// The buyer's open id.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_open_id: Option<String>,
    /// What the merchant actually returned.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub send_back_fee: Option<Amount>,
    /// The channels refunded through (when asked for).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_detail_item_list: Vec<FundBill>,
    /// The store name.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_name: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

/// Asks for the state of one refund (`out_request_no`) of a trade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeFastpayRefundQueryRequest {
    /// Your order number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Alipay's trade number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// The refund's number.
    pub out_request_no: String,
    /// Extra data to ask for, e.g. `refund_detail_item_list`, `gmt_refund_pay`, `deposit_back_info`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub query_options: Vec<String>,
    /// Any other business field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradeFastpayRefundQueryRequest {
    /// Query refund `out_request_no` of your order `out_trade_no`.
    pub fn by_out_trade_no(out_trade_no: impl Into<String>, out_request_no: impl Into<String>) -> Self {
        Self {
            out_trade_no: Some(out_trade_no.into()),
            trade_no: None,
            out_request_no: out_request_no.into(),
            query_options: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Query refund `out_request_no` of Alipay's trade `trade_no`.
    pub fn by_trade_no(trade_no: impl Into<String>, out_request_no: impl Into<String>) -> Self {
        Self {
            out_trade_no: None,
            trade_no: Some(trade_no.into()),
            out_request_no: out_request_no.into(),
            query_options: Vec::new(),
            extra: Map::new(),
        }
    }
}

impl ApiRequest for TradeFastpayRefundQueryRequest {
    const METHOD: &'static str = "alipay.trade.fastpay.refund.query";
    type Response = TradeFastpayRefundQueryResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::trade_reference(self.out_trade_no.as_deref(), self.trade_no.as_deref())?;
        validate::required("out_request_no", &self.out_request_no, 64)
    }
}

open_enum! {
    /// The state of one refund.
    pub enum RefundStatus {
        /// The refund succeeded.
        RefundSuccess = "REFUND_SUCCESS",
    }
}

open_enum! {
    /// Whether the refund reached the bank card.
    pub enum DepositBackStatus {
        /// `S`: the bank accepted the refund.
        Succeeded = "S",
        /// `F`: the bank refused; the money went to the buyer's Alipay balance instead.
        Failed = "F",
        /// `P`: still processing (seen in refund queries).
        Processing = "P",
    }
}

/// Whether a refund to a bank card reached the card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct DepositBackInfo {
    /// `"true"` when the refund goes back to a bank card.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub has_deposit_back: Option<String>,
    /// `S` succeeded, `F` failed, `P` processing.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dback_status: Option<DepositBackStatus>,
    /// The amount returned to the card.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dback_amount: Option<Amount>,
    /// When the bank answered.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_ack_time: Option<String>,
    /// When the money is expected on the card.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub est_bank_receipt_time: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

/// The answer to `alipay.trade.fastpay.refund.query`. No `refund_status` means the refund was not
/// received (or failed) — not that it never can be: query again later, and retry the refund with the
/// same `out_request_no` if it must happen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeFastpayRefundQueryResponse {
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
    /// The refund's number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_request_no: Option<String>,
    /// The trade's amount.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_amount: Option<Amount>,
    /// This refund's amount.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_amount: Option<Amount>,
    /// `REFUND_SUCCESS`, or absent when the refund was not (yet) made.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_status: Option<RefundStatus>,
    /// When the refund was paid out (when asked for).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gmt_refund_pay: Option<String>,
    /// What the merchant actually returned.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub send_back_fee: Option<Amount>,
    /// The channels refunded through (when asked for).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_detail_item_list: Vec<FundBill>,
    /// Bank-card refund progress (when asked for).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub deposit_back_info: Option<DepositBackInfo>,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradeFastpayRefundQueryResponse {
    /// `true` when this refund succeeded.
    pub fn is_refunded(&self) -> bool {
        self.refund_status == Some(RefundStatus::RefundSuccess)
    }
}
