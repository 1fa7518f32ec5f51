//! `alipay.trade.page.pay` (desktop web), `alipay.trade.wap.pay` (mobile web) and `alipay.trade.app.pay`
//! (mobile app): the SDK makes no HTTP call, it signs what the buyer's browser or the Alipay app sends.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::types::GoodsDetail;
use super::validate;
use crate::error::InvalidInput;
use crate::money::Money;

/// A pay request rendered for the buyer's side rather than sent by the server.
pub trait PagePayApi: Serialize {
    /// The Alipay method.
    const METHOD: &'static str;

    /// Checks the request can be sent.
    ///
    /// # Errors
    /// [`InvalidInput`] naming the field.
    fn validate(&self) -> Result<(), InvalidInput>;
}

/// The default product codes of requests built from fields.
fn fast_instant_trade_pay() -> String {
    "FAST_INSTANT_TRADE_PAY".into()
}
fn quick_wap_way() -> String {
    "QUICK_WAP_WAY".into()
}
fn quick_msecurity_pay() -> String {
    "QUICK_MSECURITY_PAY".into()
}

macro_rules! page_request {
    (
        $(#[$meta:meta])*
        $name:ident, $method:literal, $product:literal, $default_product:literal { $( $(#[$fmeta:meta])* $field:ident : $ty:ty, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
        #[non_exhaustive]
        pub struct $name {
            /// Your order number, unique forever.
            pub out_trade_no: String,
            /// The amount.
            pub total_amount: Money,
            /// The order title (no `/`, `=` or `&`).
            pub subject: String,
            /// The product code; `new` sets the method's own.
            #[serde(default = $default_product)]
            #[cfg_attr(feature = "uniffi", uniffi(default = $product))]
            pub product_code: String,
            /// The order description.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub body: Option<String>,
            /// Relative timeout (`1m`–`15d`).
            #[serde(skip_serializing_if = "Option::is_none")]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub timeout_express: Option<String>,
            /// Absolute timeout, `yyyy-MM-dd HH:mm:ss`.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub time_expire: Option<String>,
            /// Echoed back in the notification (URL-encode it yourself if it holds special characters).
            #[serde(skip_serializing_if = "Option::is_none")]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub passback_params: Option<String>,
            /// The items.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub goods_detail: Vec<GoodsDetail>,
            $( $(#[$fmeta])* #[serde(skip_serializing_if = "Option::is_none")] #[cfg_attr(feature = "uniffi", uniffi(default))] pub $field: $ty, )*
            /// Any other business field (`extend_params`, `business_params`, …).
            #[serde(flatten)]
            #[cfg_attr(feature = "uniffi", uniffi(default))]
            pub extra: Map<String, Value>,
        }

        impl $name {
            #[doc = concat!("A `", $method, "` request with product code `", $product, "`.")]
            pub fn new(out_trade_no: impl Into<String>, total_amount: Money, subject: impl Into<String>) -> Self {
                Self {
                    out_trade_no: out_trade_no.into(),
                    total_amount,
                    subject: subject.into(),
                    product_code: $product.into(),
                    body: None,
                    timeout_express: None,
                    time_expire: None,
                    passback_params: None,
                    goods_detail: Vec::new(),
                    $( $field: None, )*
                    extra: Map::new(),
                }
            }
        }

        impl PagePayApi for $name {
            const METHOD: &'static str = $method;

            fn validate(&self) -> Result<(), InvalidInput> {
                validate::required("out_trade_no", &self.out_trade_no, 64)?;
                validate::required("subject", &self.subject, 256)?;
                validate::required("product_code", &self.product_code, 64)?;
                validate::optional("passback_params", self.passback_params.as_deref(), 512)
            }
        }
    };
}

page_request! {
    /// Desktop web payment: the buyer pays on Alipay's cashier page (电脑网站支付).
    TradePagePayRequest, "alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY", "fast_instant_trade_pay" {
        /// How the QR code is shown: `0`–`4` (`4` with `qrcode_width`).
        qr_pay_mode: Option<String>,
        /// The QR code's width in pixels, with `qr_pay_mode` `4`.
        qrcode_width: Option<u32>,
        /// `PCWEB` (default) or `ALIAPP`.
        integration_type: Option<String>,
    }
}

page_request! {
    /// Mobile web payment (手机网站支付).
    TradeWapPayRequest, "alipay.trade.wap.pay", "QUICK_WAP_WAY", "quick_wap_way" {
        /// Where the buyer goes when they quit the payment.
        quit_url: Option<String>,
    }
}

page_request! {
    /// Mobile app payment (APP 支付): the order string is handed to the Alipay mobile SDK.
    TradeAppPayRequest, "alipay.trade.app.pay", "QUICK_MSECURITY_PAY", "quick_msecurity_pay" {}
}
