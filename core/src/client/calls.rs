//! The table of typed calls every binding offers: one row per Alipay method, naming its request and
//! answer models. Bindings generate their methods from it (through the requests schema's
//! `x-alipay-calls`), so a call added here appears in every language after `make generate`.

use crate::bill::BillDownloadUrlQueryRequest;
use crate::trade::{
    ApiRequest, PagePayApi, TradeAppPayRequest, TradeCancelRequest, TradeCloseRequest, TradeCreateRequest,
    TradeFastpayRefundQueryRequest, TradePagePayRequest, TradePayRequest, TradePrecreateRequest, TradeQueryRequest,
    TradeRefundRequest, TradeWapPayRequest,
};

/// How a binding offers a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallKind {
    /// Sent to the gateway; the verified answer is the response model ([`super::Client::call_fields`]).
    Call,
    /// Signed, not sent: a form or URL for the browser ([`super::Client::page_fields`], with a format).
    Page,
    /// Signed, not sent: the order string for the Alipay mobile SDK ([`super::Client::page_fields`]).
    AppPay,
    /// The bill's URL asked for, the bill downloaded and parsed ([`super::Client::download_bill`]).
    BillDownload,
}

/// One typed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TypedCall {
    /// The name bindings give it: the method without `alipay.`, dots as underscores
    /// (`trade_pay`, `data_dataservice_bill_downloadurl_query`); camelCase where a language wants it.
    pub name: &'static str,
    /// The Alipay method.
    pub method: &'static str,
    /// How it is offered.
    pub kind: CallKind,
    /// The request model's name.
    pub request: &'static str,
    /// The answer model's name (`String` for a form, URL or order string).
    pub response: &'static str,
}

macro_rules! calls {
    ($($name:literal: $kind:ident $request:ident => $response:ident,)+) => {
        /// Every typed call, in the order bindings list them.
        pub const TYPED_CALLS: &[TypedCall] = &[$(
            TypedCall {
                name: $name,
                method: $request::METHOD,
                kind: CallKind::$kind,
                request: stringify!($request),
                response: stringify!($response),
            },
        )+];
    };
}

calls! {
    "trade_pay": Call TradePayRequest => TradePayResponse,
    "trade_precreate": Call TradePrecreateRequest => TradePrecreateResponse,
    "trade_create": Call TradeCreateRequest => TradeCreateResponse,
    "trade_query": Call TradeQueryRequest => TradeQueryResponse,
    "trade_refund": Call TradeRefundRequest => TradeRefundResponse,
    "trade_fastpay_refund_query": Call TradeFastpayRefundQueryRequest => TradeFastpayRefundQueryResponse,
    "trade_cancel": Call TradeCancelRequest => TradeCancelResponse,
    "trade_close": Call TradeCloseRequest => TradeCloseResponse,
    "data_dataservice_bill_downloadurl_query": Call BillDownloadUrlQueryRequest => BillDownloadUrlQueryResponse,
    "download_bill": BillDownload BillDownloadUrlQueryRequest => Bill,
    "trade_page_pay": Page TradePagePayRequest => String,
    "trade_wap_pay": Page TradeWapPayRequest => String,
    "trade_app_pay": AppPay TradeAppPayRequest => String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_is_named_after_its_method_and_dispatched_by_the_core() {
        for call in TYPED_CALLS {
            if call.kind != CallKind::BillDownload {
                let expected = call.method.strip_prefix("alipay.").unwrap_or(call.method).replace('.', "_");
                assert_eq!(call.name, expected);
            }
            let dispatched = match call.kind {
                CallKind::Call | CallKind::BillDownload => super::super::TYPED_METHODS.contains(&call.method),
                CallKind::Page | CallKind::AppPay => super::super::PAGE_METHODS.contains(&call.method),
            };
            assert!(dispatched, "{} is not dispatched", call.method);
        }
    }
}
