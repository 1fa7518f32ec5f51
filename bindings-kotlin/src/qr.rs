//! QR codes as images: what a checkout page or a POS screen shows for a precreate `qr_code`
//! (`PaymentHandle.qrSvg()` / `qrPng(size)` draw the handle's own).

use crate::error::{Result, guarded_sync};

/// `text` as an SVG document (one unit per module, with its quiet zone); empty text, or text too long
/// for a QR code, throws `AlipayException.InvalidInput`.
#[uniffi::export]
pub fn qr_svg(text: String) -> Result<String> {
    guarded_sync(|| Ok(alipay_core::qr::svg(&text)?))
}

/// `text` as a PNG about `size` pixels a side (whole pixels per module); a `size` too small for the
/// code or above 4096 throws `AlipayException.InvalidInput` naming `size`.
#[uniffi::export]
pub fn qr_png(text: String, size: u32) -> Result<Vec<u8>> {
    guarded_sync(|| Ok(alipay_core::qr::png(&text, size)?))
}
