//! `alipay.trade.precreate` (a QR code the buyer scans) and `alipay.trade.create` (a trade the buyer pays
//! in a mini program or JSAPI page).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::types::GoodsDetail;
use super::{ApiRequest, validate};
use crate::error::InvalidInput;
use crate::money::Money;

/// A QR-code order (扫码支付). The answer's `qr_code` is valid for 2 hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradePrecreateRequest {
    /// Your order number, unique forever.
    pub out_trade_no: String,
    /// The amount.
    pub total_amount: Money,
    /// The order title.
    pub subject: String,
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
    /// Relative timeout of the trade (e.g. `90m`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timeout_express: Option<String>,
    /// Absolute timeout, `yyyy-MM-dd HH:mm:ss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_expire: Option<String>,
    /// Validity of the QR code itself, counted from its creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub qr_code_timeout_express: Option<String>,
    /// The items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_detail: Vec<GoodsDetail>,
    /// Any other business field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradePrecreateRequest {
    /// A QR-code order.
    pub fn new(out_trade_no: impl Into<String>, total_amount: Money, subject: impl Into<String>) -> Self {
        Self {
            out_trade_no: out_trade_no.into(),
            total_amount,
            subject: subject.into(),
            product_code: None,
            body: None,
            store_id: None,
            operator_id: None,
            terminal_id: None,
            seller_id: None,
            timeout_express: None,
            time_expire: None,
            qr_code_timeout_express: None,
            goods_detail: Vec::new(),
            extra: Map::new(),
        }
    }
}

impl ApiRequest for TradePrecreateRequest {
    const METHOD: &'static str = "alipay.trade.precreate";
    type Response = TradePrecreateResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::required("out_trade_no", &self.out_trade_no, 64)?;
        validate::required("subject", &self.subject, 256)?;
        validate::optional("store_id", self.store_id.as_deref(), 32)?;
        validate::optional("body", self.body.as_deref(), 128)
    }
}

/// The answer to `alipay.trade.precreate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradePrecreateResponse {
    /// `10000`.
    pub code: String,
    /// The gateway message.
    #[serde(default)]
    pub msg: String,
    /// Your order number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// The QR code content (a URL); render it as the QR image. Valid 2 hours.
    pub qr_code: String,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

/// A trade for a known buyer, paid in the Alipay app (mini program, JSAPI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeCreateRequest {
    /// Your order number, unique forever.
    pub out_trade_no: String,
    /// The amount.
    pub total_amount: Money,
    /// The order title.
    pub subject: String,
    /// The buyer's user id (2088…); or use `buyer_open_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_id: Option<String>,
    /// The buyer's open id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_open_id: Option<String>,
    /// The product code of your contract (e.g. `JSAPI_PAY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_code: Option<String>,
    /// The order description.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub body: Option<String>,
    /// The payee, when not the signing account.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub seller_id: Option<String>,
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
    /// Relative timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timeout_express: Option<String>,
    /// Absolute timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub time_expire: Option<String>,
    /// The items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub goods_detail: Vec<GoodsDetail>,
    /// Any other business field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl TradeCreateRequest {
    /// A trade for a buyer identified later through `buyer_id` or `buyer_open_id`.
    pub fn new(out_trade_no: impl Into<String>, total_amount: Money, subject: impl Into<String>) -> Self {
        Self {
            out_trade_no: out_trade_no.into(),
            total_amount,
            subject: subject.into(),
            buyer_id: None,
            buyer_open_id: None,
            product_code: None,
            body: None,
            seller_id: None,
            store_id: None,
            operator_id: None,
            terminal_id: None,
            timeout_express: None,
            time_expire: None,
            goods_detail: Vec::new(),
            extra: Map::new(),
        }
    }
}

impl ApiRequest for TradeCreateRequest {
    const METHOD: &'static str = "alipay.trade.create";
    type Response = TradeCreateResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        validate::required("out_trade_no", &self.out_trade_no, 64)?;
        validate::required("subject", &self.subject, 256)?;
        validate::optional("buyer_id", self.buyer_id.as_deref(), 28)?;
        validate::optional("body", self.body.as_deref(), 128)
    }
}

/// The answer to `alipay.trade.create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeCreateResponse {
    /// `10000`.
    pub code: String,
    /// The gateway message.
    #[serde(default)]
    pub msg: String,
    /// Your order number.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_trade_no: Option<String>,
    /// Alipay's trade number, which the client-side payment needs.
    pub trade_no: String,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}
