//! Types shared by several trade calls.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::open_enum;
use crate::money::{Amount, Money};

open_enum! {
    /// The state of a trade (`trade_status`).
    pub enum TradeStatus {
        /// Created, waiting for the buyer to pay.
        WaitBuyerPay = "WAIT_BUYER_PAY",
        /// Closed unpaid (timeout, close, cancel) — or fully refunded.
        TradeClosed = "TRADE_CLOSED",
        /// Paid; refunds still possible.
        TradeSuccess = "TRADE_SUCCESS",
        /// Paid and finished; no more refunds.
        TradeFinished = "TRADE_FINISHED",
    }
}

impl TradeStatus {
    /// `true` for the two states in which the buyer has paid.
    pub fn is_paid(&self) -> bool {
        matches!(self, TradeStatus::TradeSuccess | TradeStatus::TradeFinished)
    }

    /// `true` for a state that will not change by itself (everything but `WAIT_BUYER_PAY` and unknown values).
    pub fn is_final(&self) -> bool {
        matches!(self, TradeStatus::TradeClosed | TradeStatus::TradeSuccess | TradeStatus::TradeFinished)
    }
}

/// One payment channel of a trade (`fund_bill_list` item, `refund_detail_item_list` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct FundBill {
    /// The channel, e.g. `ALIPAYACCOUNT`, `PCREDIT`, `BANKCARD`, `POINT`, `DISCOUNT`.
    pub fund_channel: String,
    /// The amount on this channel.
    pub amount: Amount,
    /// The amount actually paid on this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub real_amount: Option<Amount>,
    /// For bank cards: the bank code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_code: Option<String>,
    /// For bank cards: `DEBIT_CARD`, `CREDIT_CARD`, `MIXED_CARD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_type: Option<String>,
    /// Other fields.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

/// One item of an order (`goods_detail`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct GoodsDetail {
    /// Your goods id.
    pub goods_id: String,
    /// The goods name.
    pub goods_name: String,
    /// How many.
    pub quantity: u64,
    /// Unit price.
    pub price: Money,
    /// Your category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_category: Option<String>,
    /// Category path, ids joined by `|`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub categories_tree: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub body: Option<String>,
    /// A page showing the goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub show_url: Option<String>,
    /// Other fields.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl GoodsDetail {
    /// An item with its required fields.
    pub fn new(goods_id: impl Into<String>, goods_name: impl Into<String>, quantity: u64, price: Money) -> Self {
        Self {
            goods_id: goods_id.into(),
            goods_name: goods_name.into(),
            quantity,
            price,
            goods_category: None,
            categories_tree: None,
            body: None,
            show_url: None,
            extra: Map::new(),
        }
    }
}
