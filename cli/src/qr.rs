//! `alipay qr TEXT [--svg FILE] [--png FILE [--size N]]`: a QR code of TEXT (a precreate `qr_code`),
//! drawn in the terminal, or written as SVG or PNG for a checkout page or a POS screen.

use std::path::PathBuf;

#[derive(clap::Args)]
pub struct QrArgs {
    /// What to encode, e.g. the qr_code a precreate answered.
    text: String,
    /// Write an SVG image to this file.
    #[arg(long)]
    svg: Option<PathBuf>,
    /// Write a PNG image to this file.
    #[arg(long)]
    png: Option<PathBuf>,
    /// The PNG's size in pixels a side (at most; each module is a whole number of pixels).
    #[arg(long, default_value_t = 480)]
    size: u32,
    /// Draw it in the terminal too (the default when no file is asked for).
    #[arg(long)]
    terminal: bool,
}

pub fn run(args: QrArgs) -> Result<(), String> {
    let write = |path: &PathBuf, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    if let Some(path) = &args.svg {
        write(path, alipay_core::qr::svg(&args.text).map_err(|e| e.to_string())?.as_bytes())?;
    }
    if let Some(path) = &args.png {
        write(path, &alipay_core::qr::png(&args.text, args.size).map_err(|e| e.to_string())?)?;
    }
    if args.terminal || (args.svg.is_none() && args.png.is_none()) {
        println!("{}", alipay_core::qr::terminal(&args.text).map_err(|e| e.to_string())?);
    }
    Ok(())
}
