//! The table of typed calls every binding offers, and their dispatch by method name: one row per
//! Alipay method, naming its request and answer models. [`Client::call_fields`] and
//! [`Client::page_fields`] take a call's fields as JSON (see [`crate::fields`]), the one entry point
//! the language bindings share; the bindings generate their methods from the table (through the
//! requests schema's `x-alipay-calls`), so a call added here appears in every language after
//! `make generate`.

use serde_json::Value;

use super::{Client, PageFormat};
use crate::bill::BillDownloadUrlQueryRequest;
use crate::error::{Error, InvalidInput};
use crate::fields::{from_fields, to_fields};
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

/// The one list of typed calls: it makes [`TYPED_CALLS`], [`TYPED_METHODS`], [`PAGE_METHODS`] and the
/// dispatch by method name of [`Client::call_fields`] and [`Client::page_fields`].
macro_rules! calls {
    (
        call { $($call:ident: $call_request:ident => $call_response:ident,)+ }
        bill_download { $($bill:ident: $bill_request:ident => $bill_response:ident,)+ }
        page { $($page:ident: $page_request:ident,)+ }
        app_pay { $($app:ident: $app_request:ident,)+ }
    ) => {
        /// Every typed call, in the order bindings list them.
        pub const TYPED_CALLS: &[TypedCall] = &[
            $(TypedCall::new(stringify!($call), $call_request::METHOD, CallKind::Call, stringify!($call_request), stringify!($call_response)),)+
            $(TypedCall::new(stringify!($bill), $bill_request::METHOD, CallKind::BillDownload, stringify!($bill_request), stringify!($bill_response)),)+
            $(TypedCall::new(stringify!($page), $page_request::METHOD, CallKind::Page, stringify!($page_request), "String"),)+
            $(TypedCall::new(stringify!($app), $app_request::METHOD, CallKind::AppPay, stringify!($app_request), "String"),)+
        ];

        /// The methods [`Client::call_fields`] knows; any other goes through [`Client::execute`].
        pub const TYPED_METHODS: &[&str] = &[$($call_request::METHOD,)+];

        /// The methods [`Client::page_fields`] renders.
        pub const PAGE_METHODS: &[&str] = &[$($page_request::METHOD,)+ $($app_request::METHOD,)+];

        impl Client {
            /// The typed call `method` (one of [`TYPED_METHODS`]) with its request built from `fields`;
            /// the verified, typed answer comes back as fields.
            ///
            /// # Errors
            /// [`Error::InvalidInput`] for an unknown method or fields the request type refuses
            /// (nothing is sent); otherwise as [`Client::call`].
            pub async fn call_fields(&self, method: &str, fields: Value) -> Result<Value, Error> {
                match method {
                    $($call_request::METHOD => self.call_with::<$call_request>(fields).await,)+
                    other => Err(InvalidInput::new(
                        "method",
                        format!("`{other}` has no typed call; send it with execute (typed: {})", TYPED_METHODS.join(", ")),
                    )
                    .into()),
                }
            }

            /// Page, wap or app pay (one of [`PAGE_METHODS`]) from `fields`: the form or URL to hand to
            /// the browser (`format` is ignored for app pay, which is always the order string).
            ///
            /// # Errors
            /// [`Error::InvalidInput`] for an unknown method or fields the request type refuses.
            pub fn page_fields(&self, method: &str, fields: Value, format: PageFormat) -> Result<String, Error> {
                match method {
                    $($page_request::METHOD => self.render_page(&from_fields::<$page_request>(fields)?, format),)+
                    $($app_request::METHOD => self.trade_app_pay(&from_fields(fields)?),)+
                    other => Err(InvalidInput::new(
                        "method",
                        format!("`{other}` is not a page payment (page payments: {})", PAGE_METHODS.join(", ")),
                    )
                    .into()),
                }
            }
        }
    };
}

impl Client {
    /// One typed call from fields, for [`Client::call_fields`].
    async fn call_with<R>(&self, fields: Value) -> Result<Value, Error>
    where
        R: ApiRequest + serde::de::DeserializeOwned,
        R::Response: serde::Serialize,
    {
        let request: R = from_fields(fields)?;
        to_fields(&self.call(&request).await?)
    }
}

impl TypedCall {
    const fn new(
        name: &'static str,
        method: &'static str,
        kind: CallKind,
        request: &'static str,
        response: &'static str,
    ) -> Self {
        Self { name, method, kind, request, response }
    }
}

/// The one list of typed calls, handed to the macro `$then`: `call { name: Request => Response, … }`,
/// `bill_download { … }`, `page { name: Request, … }`, `app_pay { … }`, each `name` the [`Client`]
/// method. It makes the table here ([`TYPED_CALLS`], the dispatch by method name), and a binding whose
/// methods must be Rust (the Kotlin and Swift one) makes them from it with a macro of its own.
#[macro_export]
macro_rules! for_each_typed_call {
    ($then:ident) => {
        $then! {
            call {
                trade_pay: TradePayRequest => TradePayResponse,
                trade_precreate: TradePrecreateRequest => TradePrecreateResponse,
                trade_create: TradeCreateRequest => TradeCreateResponse,
                trade_query: TradeQueryRequest => TradeQueryResponse,
                trade_refund: TradeRefundRequest => TradeRefundResponse,
                trade_fastpay_refund_query: TradeFastpayRefundQueryRequest => TradeFastpayRefundQueryResponse,
                trade_cancel: TradeCancelRequest => TradeCancelResponse,
                trade_close: TradeCloseRequest => TradeCloseResponse,
                data_dataservice_bill_downloadurl_query: BillDownloadUrlQueryRequest => BillDownloadUrlQueryResponse,
            }
            bill_download {
                download_bill: BillDownloadUrlQueryRequest => Bill,
            }
            page {
                trade_page_pay: TradePagePayRequest,
                trade_wap_pay: TradeWapPayRequest,
            }
            app_pay {
                trade_app_pay: TradeAppPayRequest,
            }
        }
    };
}

for_each_typed_call!(calls);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_is_named_after_its_method() {
        for call in TYPED_CALLS.iter().filter(|c| c.kind != CallKind::BillDownload) {
            let expected = call.method.strip_prefix("alipay.").unwrap_or(call.method).replace('.', "_");
            assert_eq!(call.name, expected);
        }
    }
}
