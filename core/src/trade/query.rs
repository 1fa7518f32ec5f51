//! `alipay.trade.query`: the state of a trade.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::types::{FundBill, TradeStatus};
use super::{ApiRequest, validate};
use crate::error::InvalidInput;
use crate::money::Amount;

/// Asks for a trade's state, by `out_trade_no` or `trade_no`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeQueryRequest {
    /// Your order number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Alipay's trade number (wins when both are given).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_no: Option<String>,
    /// Extra data to ask for, e.g. `fund_bill_list`, `trade_settle_info`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub query_options: Vec<String>,
    /// Any other business field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradeQueryRequest {
    /// Query by your order number.
    pub fn by_out_trade_no(out_trade_no: impl Into<String>) -> Self {
        Self { out_trade_no: Some(out_trade_no.into()), trade_no: None, query_options: Vec::new(), extra: Map::new() }
    }

    /// Query by Alipay's trade number.
    pub fn by_trade_no(trade_no: impl Into<String>) -> Self {
        Self { out_trade_no: None, trade_no: Some(trade_no.into()), query_options: Vec::new(), extra: Map::new() }
    }
}

impl ApiRequest for TradeQueryRequest {
    const METHOD: &'static str = "alipay.trade.query";
    type Response = TradeQueryResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::trade_reference(self.out_trade_no.as_deref(), self.trade_no.as_deref())
    }
}

/// The answer to `alipay.trade.query`. A trade that does not exist (yet) is a gateway error with
/// `sub_code` `ACQ.TRADE_NOT_EXIST` — for a QR code nobody scanned yet, that means "keep waiting".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeQueryResponse {
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
    /// The state. Only `TRADE_SUCCESS` and `TRADE_FINISHED` mean paid.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_status: Option<TradeStatus>,
    /// The order amount.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_amount: Option<Amount>,
    /// What the buyer paid.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_pay_amount: Option<Amount>,
    /// Paid with points.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub point_amount: Option<Amount>,
    /// The invoiceable amount.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub invoice_amount: Option<Amount>,
    /// What the merchant receives.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub receipt_amount: Option<Amount>,
    /// When the funds went to the seller.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub send_pay_date: Option<String>,
    /// The buyer's masked account.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_logon_id: Option<String>,
    /// The buyer's user id.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_user_id: Option<String>,
    /// The buyer's open id.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_open_id: Option<String>,
    /// Your store number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_id: Option<String>,
    /// The store name.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_name: Option<String>,
    /// Your terminal.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub terminal_id: Option<String>,
    /// The payment channels.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_bill_list: Vec<FundBill>,
    /// Platform discount.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub discount_amount: Option<Amount>,
    /// Merchant discount.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mdiscount_amount: Option<Amount>,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradeQueryResponse {
    /// `true` when the buyer has paid.
    pub fn is_paid(&self) -> bool {
        self.trade_status.as_ref().is_some_and(TradeStatus::is_paid)
    }
}
