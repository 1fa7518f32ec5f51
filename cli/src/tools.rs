//! Keys, certificate SNs, and signature debugging: `sign`, `verify-response`, `verify-notify`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use alipay_core::notify::NotifyRule;
use alipay_core::primitives::{self, NotifyInput};
use serde_json::json;

use crate::read_file;

#[derive(clap::Args)]
pub struct SignArgs {
    /// The app private key file (PKCS#1 or PKCS#8, PEM or one-line base64).
    #[arg(long)]
    app_private_key: PathBuf,
    /// RSA2 or RSA.
    #[arg(long, default_value = "RSA2")]
    sign_type: String,
    /// utf-8 or GBK.
    #[arg(long, default_value = "utf-8")]
    charset: String,
    /// Parameters as key=value.
    #[arg(required = true)]
    params: Vec<String>,
}

#[derive(clap::Args)]
pub struct VerifyResponseArgs {
    /// The API method the answer is for, e.g. alipay.trade.query.
    #[arg(long)]
    method: String,
    /// The Alipay public key file.
    #[arg(long)]
    alipay_public_key: PathBuf,
    /// RSA2 or RSA.
    #[arg(long, default_value = "RSA2")]
    sign_type: String,
    /// utf-8 or GBK.
    #[arg(long, default_value = "utf-8")]
    charset: String,
}

#[derive(clap::Args)]
pub struct VerifyNotifyArgs {
    /// The Alipay public key file.
    #[arg(long)]
    alipay_public_key: PathBuf,
    /// v1 (trade notifications, return_url) or v2 (service messages).
    #[arg(long, default_value = "v1")]
    rule: String,
    /// The sign type you configured (RSA2 or RSA); the notification's own `sign_type` never decides.
    #[arg(long, default_value = "RSA2")]
    sign_type: String,
}

pub fn keys_generate(out_dir: Option<PathBuf>) -> Result<(), String> {
    let pair = alipay_core::keys::generate_rsa2048().map_err(|e| e.to_string())?;
    match out_dir {
        None => {
            let out = json!({
                "app_private_key_pkcs1_pem": pair.private_pkcs1_pem,
                "app_private_key_pkcs8_pem": pair.private_pkcs8_pem,
                "app_private_key_pkcs8_base64": pair.private_pkcs8_base64,
                "app_public_key_pem": pair.public_pem,
                "app_public_key_base64": pair.public_base64,
            });
            println!("{out:#}");
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let files = [
                ("app_private_key_pkcs1.pem", &pair.private_pkcs1_pem),
                ("app_private_key_pkcs8.pem", &pair.private_pkcs8_pem),
                ("app_private_key.txt", &pair.private_pkcs8_base64),
                ("app_public_key.pem", &pair.public_pem),
                ("app_public_key.txt", &pair.public_base64),
            ];
            for (name, content) in files {
                let path = dir.join(name);
                std::fs::write(&path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                println!("wrote {}", path.display());
            }
            println!(
                "Upload the one line of app_public_key.txt as 应用公钥 in the open-platform console; keep the private key secret."
            );
        }
    }
    Ok(())
}

pub fn cert_sn(file: &Path, root: bool) -> Result<(), String> {
    let pem = read_file(file)?;
    let sn = if root { alipay_core::cert::root_cert_sn(&pem) } else { alipay_core::cert::cert_sn(&pem) };
    println!("{}", sn.map_err(|e| e.to_string())?);
    Ok(())
}

pub fn sign(args: SignArgs) -> Result<(), String> {
    let mut params = BTreeMap::new();
    for p in &args.params {
        let (k, v) = p.split_once('=').ok_or_else(|| format!("{p:?} is not key=value"))?;
        params.insert(k.to_string(), v.to_string());
    }
    let key = read_file(&args.app_private_key)?;
    let sign = primitives::sign_params(&params, &key, &args.sign_type, &args.charset).map_err(|e| e.to_string())?;
    println!("{}", json!({"sign_content": primitives::build_sign_content(&params), "sign": sign}));
    Ok(())
}

fn stdin_bytes() -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    std::io::stdin().read_to_end(&mut body).map_err(|e| format!("cannot read stdin: {e}"))?;
    Ok(body)
}

pub fn verify_response(args: VerifyResponseArgs) -> Result<(), String> {
    let key = read_file(&args.alipay_public_key)?;
    let body = stdin_bytes()?;
    let node = primitives::verify_response(&body, &args.method, &key, &args.sign_type, &args.charset)
        .map_err(|e| e.to_string())?;
    if !node.signed {
        eprintln!("note: an unsigned error answer (Alipay sends gateway errors unsigned); it was not verified");
    }
    println!("{}", node.raw);
    Ok(())
}

pub fn verify_notify(args: VerifyNotifyArgs) -> Result<(), String> {
    let key = read_file(&args.alipay_public_key)?;
    let rule: NotifyRule = args.rule.parse().map_err(|e: alipay_core::error::InvalidInput| e.to_string())?;
    let body = stdin_bytes()?;
    let pairs = primitives::verify_notify(NotifyInput::RawBody(body.as_slice().into()), &key, rule, &args.sign_type)
        .map_err(|e| e.to_string())?;
    println!("{}", serde_json::to_string(&pairs).map_err(|e| e.to_string())?);
    Ok(())
}
