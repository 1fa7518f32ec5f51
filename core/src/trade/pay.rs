//! `alipay.trade.pay`: charge the buyer's payment code (barcode pay, 付款码支付).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::types::{FundBill, GoodsDetail};
use super::{ApiRequest, validate};
use crate::error::InvalidInput;
use crate::money::{Amount, Money};
use crate::response::{CODE_SUCCESS, CODE_WAIT_BUYER};

/// A barcode payment. `out_trade_no` must be new: never reuse one, even after a failure or a cancel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradePayRequest {
    /// Your order number (≤ 64 characters), unique forever.
    pub out_trade_no: String,
    /// The amount to charge.
    pub total_amount: Money,
    /// The order title (≤ 256 characters).
    pub subject: String,
    /// The buyer's payment code as scanned (digits starting 25–30, 16–24 long).
    pub auth_code: String,
    /// `bar_code` (the default) or `security_code` (face).
    #[serde(default = "bar_code")]
    #[cfg_attr(feature = "uniffi", uniffi(default = "bar_code"))]
    pub scene: String,
    /// Defaults to `FACE_TO_FACE_PAYMENT` on Alipay's side.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_code: Option<String>,
    /// The order description.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub body: Option<String>,
    /// Your store number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_id: Option<String>,
    /// Your cashier.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub operator_id: Option<String>,
    /// Your terminal.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub terminal_id: Option<String>,
    /// The payee, when not the signing account.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub seller_id: Option<String>,
    /// Relative timeout (`1m`–`15d`, e.g. `2m`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timeout_express: Option<String>,
    /// Absolute timeout, `yyyy-MM-dd HH:mm:ss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_expire: Option<String>,
    /// The items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_detail: Vec<GoodsDetail>,
    /// Extra response data to ask for, e.g. `fund_bill_list`, `voucher_detail_list`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub query_options: Vec<String>,
    /// Any other business field (`extend_params`, `business_params`, …).
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

/// The default `scene` of a request built from fields.
fn bar_code() -> String {
    "bar_code".into()
}

impl TradePayRequest {
    /// A barcode payment (`scene=bar_code`).
    pub fn new(
        out_trade_no: impl Into<String>,
        total_amount: Money,
        subject: impl Into<String>,
        auth_code: impl Into<String>,
    ) -> Self {
        Self {
            out_trade_no: out_trade_no.into(),
            total_amount,
            subject: subject.into(),
            auth_code: auth_code.into(),
            scene: bar_code(),
            product_code: None,
            body: None,
            store_id: None,
            operator_id: None,
            terminal_id: None,
            seller_id: None,
            timeout_express: None,
            time_expire: None,
            goods_detail: Vec::new(),
            query_options: Vec::new(),
            extra: Map::new(),
        }
    }
}

impl ApiRequest for TradePayRequest {
    const METHOD: &'static str = "alipay.trade.pay";
    type Response = TradePayResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::required("out_trade_no", &self.out_trade_no, 64)?;
        validate::required("subject", &self.subject, 256)?;
        validate::required("auth_code", &self.auth_code, 64)?;
        validate::required("scene", &self.scene, 32)?;
        validate::optional("store_id", self.store_id.as_deref(), 32)?;
        validate::optional("body", self.body.as_deref(), 128)
    }
}

/// The answer to `alipay.trade.pay`: code `10000` (paid) or `10003` (the buyer must confirm; poll).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradePayResponse {
    /// `10000` paid, `10003` waiting for the buyer.
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
    /// The buyer's user id.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_user_id: Option<String>,
    /// The buyer's open id.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_open_id: Option<String>,
    /// The order amount.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_amount: Option<Amount>,
    /// What the merchant receives.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub receipt_amount: Option<Amount>,
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
    /// When it was paid.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gmt_payment: Option<String>,
    /// The payment channels.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_bill_list: Vec<FundBill>,
    /// The store name.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store_name: Option<String>,
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

impl TradePayResponse {
    /// `true` when the buyer has paid (`10000`).
    pub fn is_paid(&self) -> bool {
        self.code == CODE_SUCCESS
    }

    /// `true` when the buyer must still confirm (`10003`): poll with `alipay.trade.query`, and cancel if
    /// the buyer never does.
    pub fn is_waiting_for_buyer(&self) -> bool {
        self.code == CODE_WAIT_BUYER
    }
}
