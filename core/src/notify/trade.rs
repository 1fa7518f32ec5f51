//! The trade notification (`notify_type=trade_status_sync`) and the merchant-side order check.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{DecodeError, Error, InvalidInput};
use crate::money::{Amount, Money};
use crate::trade::TradeStatus;

/// A verified trade notification, typed. Fields Alipay sends that this version does not name are kept
/// in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct TradeNotification {
    /// Notification id: the same across retries of one notification. De-duplicate by it.
    pub notify_id: String,
    /// `trade_status_sync` for trade notifications.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_type: Option<String>,
    /// When Alipay sent it (`yyyy-MM-dd HH:mm:ss`, Shanghai time).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_time: Option<String>,
    /// The app the notification is for. Check it is yours.
    pub app_id: String,
    /// The authorizing app in ISV calls.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub auth_app_id: Option<String>,
    /// Alipay's trade number.
    pub trade_no: String,
    /// Your order number. Check it is one of yours.
    pub out_trade_no: String,
    /// Your business number; in refund notifications, the refund's `out_request_no`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub out_biz_no: Option<String>,
    /// The trade's status. Only `TRADE_SUCCESS` and `TRADE_FINISHED` mean the buyer paid.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_status: Option<TradeStatus>,
    /// The order amount. Check it equals your order's.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub total_amount: Option<Amount>,
    /// What the merchant receives.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub receipt_amount: Option<Amount>,
    /// The invoiceable amount.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub invoice_amount: Option<Amount>,
    /// What the buyer paid.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_pay_amount: Option<Amount>,
    /// Paid with points.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub point_amount: Option<Amount>,
    /// Total refunded so far (refund notifications).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub refund_fee: Option<Amount>,
    /// Actually refunded.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub send_back_fee: Option<Amount>,
    /// The buyer's Alipay user id (2088…).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_id: Option<String>,
    /// The buyer's open id (newer apps).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_open_id: Option<String>,
    /// The buyer's masked account.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub buyer_logon_id: Option<String>,
    /// The seller's user id. Check it when you have one.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub seller_id: Option<String>,
    /// The seller's account.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub seller_email: Option<String>,
    /// The order title.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub subject: Option<String>,
    /// The order description.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub body: Option<String>,
    /// Trade created.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gmt_create: Option<String>,
    /// Trade paid.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gmt_payment: Option<String>,
    /// Refunded (with milliseconds).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gmt_refund: Option<String>,
    /// Trade closed.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gmt_close: Option<String>,
    /// The payment channels, parsed from the `fund_bill_list` JSON text.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fund_bill_list: Vec<NotifyFundBill>,
    /// Echo of the request's `passback_params`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub passback_params: Option<String>,
    /// `voucher_detail_list` as the raw JSON text Alipay sent.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub voucher_detail_list: Option<String>,
    /// Every other non-empty field (`charset`, `version`, `sign_type`, `sign`, new fields…).
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: BTreeMap<String, String>,
}

/// One payment channel of a notification's `fund_bill_list` (notifications spell it `fundChannel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct NotifyFundBill {
    /// The channel, e.g. `ALIPAYACCOUNT`, `PCREDIT`, `BANKCARD`. (Written `fundChannel` by Alipay;
    /// handed out as `fund_channel`, like every other field.)
    #[serde(rename(deserialize = "fundChannel"), alias = "fund_channel")]
    pub fund_channel: String,
    /// The amount paid through it.
    pub amount: Amount,
}

impl TradeNotification {
    pub(crate) fn from_params(params: &BTreeMap<String, String>) -> Result<Self, DecodeError> {
        let mut rest: BTreeMap<String, String> =
            params.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut opt = |k: &str| rest.remove(k);
        let required =
            |v: Option<String>, k: &str| v.ok_or_else(|| DecodeError::new(format!("the notification has no `{k}`")));
        let amount = |v: Option<String>, k: &str| -> Result<Option<Amount>, DecodeError> {
            v.map(|s| s.parse::<Amount>().map_err(|e| DecodeError::new(format!("notification `{k}`: {}", e.reason))))
                .transpose()
        };
        let fund_bill_list = match opt("fund_bill_list") {
            None => Vec::new(),
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                DecodeError::new(format!("notification `fund_bill_list` is not the expected JSON: {e}"))
            })?,
        };
        Ok(Self {
            notify_id: required(opt("notify_id"), "notify_id")?,
            notify_type: opt("notify_type"),
            notify_time: opt("notify_time"),
            app_id: required(opt("app_id"), "app_id")?,
            auth_app_id: opt("auth_app_id"),
            trade_no: required(opt("trade_no"), "trade_no")?,
            out_trade_no: required(opt("out_trade_no"), "out_trade_no")?,
            out_biz_no: opt("out_biz_no"),
            trade_status: opt("trade_status").map(|s| TradeStatus::from(s.as_str())),
            total_amount: amount(opt("total_amount"), "total_amount")?,
            receipt_amount: amount(opt("receipt_amount"), "receipt_amount")?,
            invoice_amount: amount(opt("invoice_amount"), "invoice_amount")?,
            buyer_pay_amount: amount(opt("buyer_pay_amount"), "buyer_pay_amount")?,
            point_amount: amount(opt("point_amount"), "point_amount")?,
            refund_fee: amount(opt("refund_fee"), "refund_fee")?,
            send_back_fee: amount(opt("send_back_fee"), "send_back_fee")?,
            buyer_id: opt("buyer_id"),
            buyer_open_id: opt("buyer_open_id"),
            buyer_logon_id: opt("buyer_logon_id"),
            seller_id: opt("seller_id"),
            seller_email: opt("seller_email"),
            subject: opt("subject"),
            body: opt("body"),
            gmt_create: opt("gmt_create"),
            gmt_payment: opt("gmt_payment"),
            gmt_refund: opt("gmt_refund"),
            gmt_close: opt("gmt_close"),
            fund_bill_list,
            passback_params: opt("passback_params"),
            voucher_detail_list: opt("voucher_detail_list"),
            extra: rest,
        })
    }

    /// `true` when the buyer has paid (`TRADE_SUCCESS` or `TRADE_FINISHED`).
    pub fn is_paid(&self) -> bool {
        self.trade_status.as_ref().is_some_and(TradeStatus::is_paid)
    }

    /// Checks the notification against the merchant's own order, as Alipay requires before acting on it.
    ///
    /// # Errors
    /// [`OrderMismatch`] naming the first field that differs.
    pub fn check(&self, order: &ExpectedOrder) -> Result<(), OrderMismatch> {
        let mismatch = |field: &'static str, expected: String, actual: Option<String>| {
            Err(OrderMismatch { field, expected, actual })
        };
        if self.app_id != order.app_id {
            return mismatch("app_id", order.app_id.clone(), Some(self.app_id.clone()));
        }
        if self.out_trade_no != order.out_trade_no {
            return mismatch("out_trade_no", order.out_trade_no.clone(), Some(self.out_trade_no.clone()));
        }
        if self.total_amount != Some(order.total_amount.into()) {
            return mismatch("total_amount", order.total_amount.to_string(), self.total_amount.map(|a| a.to_string()));
        }
        if let Some(seller) = &order.seller_id
            && self.seller_id.as_ref() != Some(seller)
        {
            return mismatch("seller_id", seller.clone(), self.seller_id.clone());
        }
        Ok(())
    }
}

/// The merchant's own record of an order, to check a notification against. Bindings take it as an
/// object with these fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct ExpectedOrder {
    /// Your app id.
    pub app_id: String,
    /// Your order number.
    pub out_trade_no: String,
    /// The amount you charged.
    pub total_amount: Money,
    /// Your seller (merchant) user id, checked when given.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub seller_id: Option<String>,
}

impl ExpectedOrder {
    /// An order to check `app_id`, `out_trade_no` and `total_amount` against.
    pub fn new(app_id: impl Into<String>, out_trade_no: impl Into<String>, total_amount: Money) -> Self {
        Self { app_id: app_id.into(), out_trade_no: out_trade_no.into(), total_amount, seller_id: None }
    }

    /// Also check `seller_id`.
    pub fn with_seller_id(mut self, seller_id: impl Into<String>) -> Self {
        self.seller_id = Some(seller_id.into());
        self
    }
}

/// A verified notification that does not match the merchant's order: do not act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the notification's `{field}` is {} but the order has {expected}", .actual.as_deref().unwrap_or("missing"))]
pub struct OrderMismatch {
    /// The field that differs.
    pub field: &'static str,
    /// The order's value.
    pub expected: String,
    /// The notification's value.
    pub actual: Option<String>,
}

impl From<OrderMismatch> for Error {
    fn from(m: OrderMismatch) -> Self {
        Error::InvalidInput(InvalidInput::new(m.field, m.to_string()))
    }
}
