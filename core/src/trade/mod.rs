//! Typed trade calls: one request and one response type per Alipay method, named after it
//! (`alipay.trade.query` → [`TradeQueryRequest`] / [`TradeQueryResponse`]).
//!
//! Requests name the commonly used business fields; anything else goes into `extra`, merged into
//! `biz_content` as given. Responses name the common fields and keep every other one in `extra`.

mod cancel;
mod create;
mod page;
mod pay;
mod query;
mod refund;
mod types;
mod validate;

pub use cancel::{CancelAction, TradeCancelRequest, TradeCancelResponse, TradeCloseRequest, TradeCloseResponse};
pub use create::{TradeCreateRequest, TradeCreateResponse, TradePrecreateRequest, TradePrecreateResponse};
pub use page::{PagePayApi, TradeAppPayRequest, TradePagePayRequest, TradeWapPayRequest};
pub use pay::{TradePayRequest, TradePayResponse};
pub use query::{TradeQueryRequest, TradeQueryResponse};
pub use refund::{
    DepositBackInfo, DepositBackStatus, RefundStatus, TradeFastpayRefundQueryRequest, TradeFastpayRefundQueryResponse,
    TradeRefundRequest, TradeRefundResponse,
};
pub use types::{FundBill, GoodsDetail, TradeStatus};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::InvalidInput;

/// A business request to one Alipay method: its `biz_content` is this value serialized as JSON.
pub trait ApiRequest: Serialize {
    /// The Alipay method, e.g. `alipay.trade.pay`.
    const METHOD: &'static str;
    /// The typed answer.
    type Response: DeserializeOwned;

    /// Checks the request can be sent: required fields present, lengths within Alipay's limits.
    ///
    /// # Errors
    /// [`InvalidInput`] naming the field.
    fn validate(&self) -> Result<(), InvalidInput>;
}
