//! QR codes as images: the PNG decodes back to the text (with a QR decoder, rqrr), the SVG is a
//! document of the code's modules, and bad input is refused by name.

use alipay_core::qr;

/// A precreate answer's `qr_code`, as Alipay gives it.
const QR_CODE: &str = "https://qr.alipay.com/bax08431ptpwnzudonnb00f5";

/// Decodes a PNG's QR code with rqrr.
fn decode(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
    let frame = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    let (w, h) = (frame.width as usize, frame.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("it decodes").1
}

#[test]
fn a_png_decodes_back_to_the_precreate_qr_code() {
    let image = qr::png(QR_CODE, 480).expect("png");
    assert_eq!(&image[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(decode(&image), QR_CODE);
}

#[test]
fn a_png_is_a_whole_number_of_pixels_per_module_no_larger_than_asked() {
    let image = qr::png(QR_CODE, 500).expect("png");
    let reader = png::Decoder::new(std::io::Cursor::new(&image)).read_info().expect("a PNG");
    let (w, h) = (reader.info().width, reader.info().height);
    assert_eq!(w, h);
    assert!(w <= 500 && w > 400, "{w}");
    // Version 4 (33 modules) plus 4 modules of quiet zone on each side: 41 modules.
    assert_eq!(w % 41, 0, "{w}");
    assert_eq!(decode(&qr::png("短", 29).expect("one pixel a module")), "短");
}

#[test]
fn an_svg_holds_the_code_with_its_quiet_zone() {
    let svg = qr::svg(QR_CODE).expect("svg");
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
    assert!(svg.contains("#000000") && svg.contains("#ffffff"));
    assert!(svg.contains(r#"viewBox="0 0 41 41""#), "41 modules a side: {}", &svg[..200.min(svg.len())]);
}

#[test]
fn bad_input_is_refused_by_name() {
    let err = qr::png(QR_CODE, 20).expect_err("too small");
    assert!(err.to_string().contains("size") && err.to_string().contains("41"), "{err}");
    let err = qr::png(QR_CODE, qr::MAX_PNG_SIZE + 1).expect_err("too large");
    assert!(err.to_string().contains("size"), "{err}");
    let err = qr::svg("").expect_err("nothing to draw");
    assert!(err.to_string().contains("qr_code"), "{err}");
    let err = qr::svg(&"x".repeat(5000)).expect_err("too long for a QR code");
    assert!(err.to_string().contains("qr_code"), "{err}");
}
