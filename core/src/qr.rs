//! QR codes as images (feature `qr`): what a checkout page or a POS screen shows for the `qr_code` of
//! `alipay.trade.precreate`, so that the buyer can scan it.
//!
//! ```
//! # fn show(qr_code: &str) -> alipay_core::Result<()> {
//! let page_fragment = alipay_core::qr::svg(qr_code)?;        // inline in HTML
//! let screen = alipay_core::qr::png(qr_code, 480)?;          // 480 × 480 pixels, PNG bytes
//! println!("{}", alipay_core::qr::terminal(qr_code)?);       // for a terminal
//! # Ok(()) }
//! ```
//!
//! Both draw the code with its quiet zone (4 modules of white around it, which scanners need), black
//! on white, at error-correction level M (15 % of the code can be lost).

use qrcode::{EcLevel, QrCode};

use crate::error::{Error, InvalidInput};

/// The quiet zone, in modules, on every side.
const QUIET_ZONE: u32 = 4;
/// The largest PNG drawn, in pixels a side (4096² grey pixels are 16 MiB before compression).
pub const MAX_PNG_SIZE: u32 = 4096;

fn code(text: &str) -> Result<QrCode, Error> {
    if text.is_empty() {
        return Err(InvalidInput::new("qr_code", "there is no text to encode").into());
    }
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| InvalidInput::new("qr_code", format!("cannot be drawn as a QR code: {e}")).into())
}

/// `text` as an SVG image: a `<svg>` document that scales to any size (one unit per module).
///
/// # Errors
/// [`Error::InvalidInput`] for empty text, or text too long for a QR code (about 2,300 bytes at level M).
pub fn svg(text: &str) -> Result<String, Error> {
    Ok(code(text)?
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// `text` for a terminal: lines of Unicode half blocks (two modules a character, top and bottom), with
/// its quiet zone. Scannable from a phone held to the screen, on a dark or light theme alike.
///
/// # Errors
/// As [`svg`].
pub fn terminal(text: &str) -> Result<String, Error> {
    Ok(code(text)?.render::<qrcode::render::unicode::Dense1x2>().quiet_zone(true).build())
}

/// `text` as a PNG image about `size` pixels a side: each module is a whole number of pixels (the
/// largest that fits), so the code stays sharp; the image is exactly that many modules wide.
///
/// # Errors
/// [`Error::InvalidInput`] for empty or too-long text, or a `size` too small to give every module a
/// pixel or larger than [`MAX_PNG_SIZE`].
pub fn png(text: &str, size: u32) -> Result<Vec<u8>, Error> {
    let code = code(text)?;
    let modules = u32::try_from(code.width()).unwrap_or(u32::MAX);
    let side = modules + 2 * QUIET_ZONE;
    if size > MAX_PNG_SIZE {
        return Err(InvalidInput::new("size", format!("{size} pixels is more than the {MAX_PNG_SIZE} allowed")).into());
    }
    let scale = size / side;
    if scale == 0 {
        return Err(InvalidInput::new(
            "size",
            format!("{size} pixels cannot show {side} modules; give at least {side}"),
        )
        .into());
    }
    let pixels = side * scale;
    let colors = code.to_colors();
    let mut image = vec![255u8; (pixels as usize) * (pixels as usize)];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (x, y) = (i as u32 % modules + QUIET_ZONE, i as u32 / modules + QUIET_ZONE);
        for row in y * scale..(y + 1) * scale {
            let start = (row * pixels + x * scale) as usize;
            image[start..start + scale as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixels, pixels);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let failed = |e: png::EncodingError| Error::Internal(format!("encoding the QR code as PNG failed: {e}"));
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&image).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}
