//! QR images (the core's feature `qr`): the `qr_code` of a precreate drawn as SVG or PNG, for a checkout
//! page or a POS screen. Synchronous: a code is drawn in well under a millisecond.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::errors::to_js;

/// `text` as an SVG document (one unit per module, with its quiet zone).
#[napi(catch_unwind)]
pub fn qr_svg(text: String) -> napi::Result<String> {
    alipay_core::qr::svg(&text).map_err(|e| to_js(&e))
}

/// `text` as a PNG about `size` pixels a side (whole pixels per module, at most `qr::MAX_PNG_SIZE`).
#[napi(catch_unwind)]
pub fn qr_png(text: String, size: u32) -> napi::Result<Buffer> {
    alipay_core::qr::png(&text, size).map(Buffer::from).map_err(|e| to_js(&e))
}
