//! The refund deposit-back message (Alipay's 当面付 product docs, 退款银行卡卡退通知): when a refund goes back to a bank card, Alipay tells the
//! app gateway (应用网关) whether the bank accepted it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::DecodeError;
use crate::money::Amount;
use crate::trade::DepositBackStatus;

/// The `msg_method` of the deposit-back message.
pub const MSG_METHOD_DEPOSIT_BACK_COMPLETED: &str = "alipay.trade.refund.depositback.completed";

/// A verified `alipay.trade.refund.depositback.completed` message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct DepositBackNotification {
    /// Message id, for de-duplication (filled from the message, not `biz_content`).
    #[serde(skip_deserializing)]
    pub notify_id: String,
    /// The receiving app (from the message).
    #[serde(skip_deserializing)]
    pub app_id: String,
    /// Send time in epoch milliseconds, as sent (from the message).
    #[serde(skip_deserializing)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub utc_timestamp: Option<String>,
    /// Alipay's trade number.
    pub trade_no: String,
    /// Your order number.
    pub out_trade_no: String,
    /// The refund request number.
    pub out_request_no: String,
    /// The outcome at the bank.
    pub dback_status: DepositBackStatus,
    /// The amount returned to the card (present when the status is `S`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub dback_amount: Option<Amount>,
    /// When the bank answered (`yyyy-MM-dd HH:mm:ss`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub bank_ack_time: Option<String>,
    /// When the money is expected on the card.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub est_bank_receipt_time: Option<String>,
    /// Other `biz_content` fields.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl DepositBackNotification {
    pub(crate) fn from_params(params: &BTreeMap<String, String>) -> Result<Self, DecodeError> {
        let method = params.get("msg_method").map(String::as_str);
        if method != Some(MSG_METHOD_DEPOSIT_BACK_COMPLETED) {
            return Err(DecodeError::new(format!(
                "not a deposit-back message (msg_method is {:?})",
                method.unwrap_or("missing")
            )));
        }
        let field = |k: &str| params.get(k).filter(|v| !v.is_empty()).cloned();
        let biz =
            field("biz_content").ok_or_else(|| DecodeError::new("the deposit-back message has no biz_content"))?;
        let mut parsed: Self = serde_json::from_str(&biz)
            .map_err(|e| DecodeError::new(format!("the deposit-back biz_content is malformed: {e}")))?;
        parsed.notify_id =
            field("notify_id").ok_or_else(|| DecodeError::new("the deposit-back message has no notify_id"))?;
        parsed.app_id = field("app_id").ok_or_else(|| DecodeError::new("the deposit-back message has no app_id"))?;
        parsed.utc_timestamp = field("utc_timestamp");
        Ok(parsed)
    }
}
