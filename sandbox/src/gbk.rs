//! Text the sandbox writes in GBK — answers, notification forms, bill files — as Alipay writes it: in
//! Java's GBK (`alipay_core::Charset::Gbk`). What Java's GBK cannot hold (never the trade text of a GBK
//! request, which came in as GBK) is written as WHATWG's GBK writes it.

use std::borrow::Cow;

use alipay_core::Charset;

/// `text` in GBK.
pub(crate) fn encode(text: &str) -> Cow<'_, [u8]> {
    Charset::Gbk.encode(text).unwrap_or_else(|_| encoding_rs::GBK.encode(text).0)
}
