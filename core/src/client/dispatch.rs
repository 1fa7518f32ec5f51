//! Dispatch by method name: every typed call from and to JSON fields (see [`crate::fields`]), the one entry
//! point the language bindings share, so none of them keeps its own table of calls.

use serde::Serialize;
use serde_json::Value;

use crate::bill::BillDownloadUrlQueryRequest;
use crate::error::{Error, InvalidInput};
use crate::fields::{from_fields, to_fields};
use crate::trade::{
    ApiRequest, PagePayApi, TradeAppPayRequest, TradeCancelRequest, TradeCloseRequest, TradeCreateRequest,
    TradeFastpayRefundQueryRequest, TradePagePayRequest, TradePayRequest, TradePrecreateRequest, TradeQueryRequest,
    TradeRefundRequest, TradeWapPayRequest,
};

use super::{Client, PageFormat};

/// The methods [`Client::call_fields`] knows; any other goes through [`Client::execute`].
pub const TYPED_METHODS: &[&str] = &[
    TradePayRequest::METHOD,
    TradePrecreateRequest::METHOD,
    TradeCreateRequest::METHOD,
    TradeQueryRequest::METHOD,
    TradeRefundRequest::METHOD,
    TradeFastpayRefundQueryRequest::METHOD,
    TradeCancelRequest::METHOD,
    TradeCloseRequest::METHOD,
    BillDownloadUrlQueryRequest::METHOD,
];

/// The methods [`Client::page_fields`] renders.
pub const PAGE_METHODS: &[&str] =
    &[TradePagePayRequest::METHOD, TradeWapPayRequest::METHOD, TradeAppPayRequest::METHOD];

impl Client {
    /// The typed call `method` (one of [`TYPED_METHODS`]) with its request built from `fields`; the
    /// verified, typed answer comes back as fields.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unknown method or fields the request type refuses (nothing is
    /// sent); otherwise as [`Client::call`].
    pub async fn call_fields(&self, method: &str, fields: Value) -> Result<Value, Error> {
        match method {
            TradePayRequest::METHOD => self.call_with::<TradePayRequest>(fields).await,
            TradePrecreateRequest::METHOD => self.call_with::<TradePrecreateRequest>(fields).await,
            TradeCreateRequest::METHOD => self.call_with::<TradeCreateRequest>(fields).await,
            TradeQueryRequest::METHOD => self.call_with::<TradeQueryRequest>(fields).await,
            TradeRefundRequest::METHOD => self.call_with::<TradeRefundRequest>(fields).await,
            TradeFastpayRefundQueryRequest::METHOD => self.call_with::<TradeFastpayRefundQueryRequest>(fields).await,
            TradeCancelRequest::METHOD => self.call_with::<TradeCancelRequest>(fields).await,
            TradeCloseRequest::METHOD => self.call_with::<TradeCloseRequest>(fields).await,
            BillDownloadUrlQueryRequest::METHOD => self.call_with::<BillDownloadUrlQueryRequest>(fields).await,
            other => Err(InvalidInput::new(
                "method",
                format!("`{other}` has no typed call; send it with execute (typed: {})", TYPED_METHODS.join(", ")),
            )
            .into()),
        }
    }

    /// Page, wap or app pay (one of [`PAGE_METHODS`]) from `fields`: the form or URL to hand to the
    /// browser (`format` is ignored for app pay, which is always the order string).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unknown method or fields the request type refuses.
    pub fn page_fields(&self, method: &str, fields: Value, format: PageFormat) -> Result<String, Error> {
        match method {
            TradePagePayRequest::METHOD => self.trade_page_pay(&from_fields(fields)?, format),
            TradeWapPayRequest::METHOD => self.trade_wap_pay(&from_fields(fields)?, format),
            TradeAppPayRequest::METHOD => self.trade_app_pay(&from_fields(fields)?),
            other => Err(InvalidInput::new(
                "method",
                format!("`{other}` is not a page payment (page payments: {})", PAGE_METHODS.join(", ")),
            )
            .into()),
        }
    }

    async fn call_with<R>(&self, fields: Value) -> Result<Value, Error>
    where
        R: ApiRequest + serde::de::DeserializeOwned,
        R::Response: Serialize,
    {
        let request: R = from_fields(fields)?;
        to_fields(&self.call(&request).await?)
    }
}
