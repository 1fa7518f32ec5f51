//! `alipay`: the offline demo, the sandbox gateway, key and certificate tools, signature debugging and
//! trade operations — one binary over alipay-core.

mod demo;
mod journal;
mod profile;
mod qr;
mod reconcile;
mod serve;
mod tools;
mod trade;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "alipay", version, about = "Alipay open-platform tools over alipay-core")]
struct Cli {
    /// Log what the core does to stderr: `-v` each call and workflow step, `-vv` with details
    /// (debug), `-vvv` everything (trace). Never a key, token or auth code.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

/// The stderr log `-v` asks for.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => tracing::Level::INFO,
        2 => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    };
    let subscriber =
        tracing_subscriber::fmt().with_max_level(level).with_ansi(false).with_writer(std::io::stderr).finish();
    // Only main sets one; should it fail, the command still runs, unlogged.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

#[derive(Subcommand)]
enum Command {
    /// Walk through barcode pay, QR pay, notifications, refunds, close and bills against an embedded sandbox.
    Demo {
        /// Virtual time speed of the embedded sandbox.
        #[arg(long, default_value_t = 60.0)]
        speed: f64,
    },
    /// Serve the offline sandbox gateway until interrupted; prints one JSON line describing it.
    Sandbox(serve::SandboxArgs),
    /// Key tools.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The SN of a certificate (app_cert_sn, or the Alipay public-key certificate's).
    CertSn {
        /// A PEM certificate file.
        file: PathBuf,
    },
    /// alipay_root_cert_sn of Alipay's root certificate file.
    RootCertSn {
        /// The root certificate file (several PEM certificates).
        file: PathBuf,
    },
    /// Sign parameters and show exactly what was signed.
    Sign(tools::SignArgs),
    /// Verify a raw gateway answer read from stdin; print the verified node.
    VerifyResponse(tools::VerifyResponseArgs),
    /// Verify a notification's raw form body read from stdin; print the verified fields.
    VerifyNotify(tools::VerifyNotifyArgs),
    /// Operate on a trade through a configured gateway (profile file or ALIPAY_* environment).
    Trade(trade::TradeArgs),
    /// Inspect a workflow journal (SQLite file or postgresql:// URL), or run its recovery.
    Journal(journal::JournalArgs),
    /// Draw a QR code (a precreate qr_code) in the terminal, or write it as SVG or PNG.
    Qr(qr::QrArgs),
    /// Compare a day's or month's trade bill with the journal (and the merchant's orders): a JSON report,
    /// optionally a CSV; exit status 2 when something does not match.
    Reconcile(reconcile::ReconcileArgs),
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Generate an RSA-2048 app key pair (PKCS#1 and PKCS#8 PEM, and the one-line forms).
    Generate {
        /// Write the files into this folder instead of printing JSON.
        #[arg(long)]
        out_dir: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let result = match cli.command {
        Command::Demo { speed } => demo::run(speed).await,
        Command::Sandbox(args) => serve::run(args).await,
        Command::Keys { command: KeysCommand::Generate { out_dir } } => tools::keys_generate(out_dir),
        Command::CertSn { file } => tools::cert_sn(&file, false),
        Command::RootCertSn { file } => tools::cert_sn(&file, true),
        Command::Sign(args) => tools::sign(args),
        Command::VerifyResponse(args) => tools::verify_response(args),
        Command::VerifyNotify(args) => tools::verify_notify(args),
        Command::Trade(args) => trade::run(args).await,
        Command::Journal(args) => journal::run(args).await,
        Command::Qr(args) => qr::run(args),
        Command::Reconcile(args) => match reconcile::run(args).await {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(2),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("alipay: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Reads a file, naming it in the error.
pub(crate) fn read_file(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
