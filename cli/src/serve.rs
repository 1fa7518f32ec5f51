//! `alipay sandbox`: serve the offline gateway and describe it in one JSON line on stdout, so tests in
//! any language can start it and read where it is, which keys to use, and which payment codes play
//! which buyer (`buyers`).

use std::net::SocketAddr;
use std::path::PathBuf;

use alipay_core::{PrivateKey, PublicKey};
use alipay_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

use crate::read_file;

#[derive(clap::Args)]
pub struct SandboxArgs {
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The app id the sandbox accepts.
    #[arg(long, default_value = "2021000000000000")]
    app_id: String,
    /// The app public key file; without it a key pair is generated and its private key printed.
    #[arg(long)]
    app_public_key: Option<PathBuf>,
    /// The "Alipay" private key file that signs answers; generated when absent.
    #[arg(long)]
    alipay_private_key: Option<PathBuf>,
    /// Virtual time runs this many times faster than real time.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// The app's AES content-encryption key (base64): encrypted requests are decrypted with it and
    /// answered encrypted.
    #[arg(long)]
    encrypt_key: Option<String>,
    /// Issue certificate-mode files (app, Alipay and root certificates) and print them in the JSON line.
    #[arg(long)]
    certificates: bool,
}

pub async fn run(args: SandboxArgs) -> Result<(), String> {
    let app_public_key = match &args.app_public_key {
        Some(p) => Some(PublicKey::from_text(&read_file(p)?).map_err(|e| e.to_string())?),
        None => None,
    };
    let alipay_private_key = match &args.alipay_private_key {
        Some(p) => Some(PrivateKey::from_text(&read_file(p)?).map_err(|e| e.to_string())?),
        None => None,
    };
    let config = SandboxConfig {
        app_id: args.app_id,
        app_public_key,
        alipay_private_key,
        speed: args.speed,
        encrypt_key: args.encrypt_key.clone(),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).map_err(|e| e.to_string())?;
    let server = sandbox.serve(SocketAddr::from(([127, 0, 0, 1], args.port))).await.map_err(|e| e.to_string())?;
    let certificates = match args.certificates {
        true => {
            let files = sandbox.certificates().map_err(|e| e.to_string())?;
            json!({"app_cert": files.app_cert, "alipay_cert": files.alipay_cert, "root_cert": files.root_cert})
        }
        false => serde_json::Value::Null,
    };
    let line = json!({
        "gateway": server.gateway_url(),
        "v3_endpoint": sandbox.base_url(),
        "app_id": sandbox.app_id(),
        "app_private_key": sandbox.app_private_key_pem(),
        "alipay_public_key": sandbox.alipay_public_key().to_pem(),
        "encrypt_key": args.encrypt_key,
        "certificates": certificates,
        "buyers": alipay_sandbox::buyer::codes_json(),
    });
    println!("{line}");
    use std::io::Write as _;
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    server.shutdown();
    Ok(())
}
