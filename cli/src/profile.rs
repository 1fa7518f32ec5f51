//! Where `alipay trade …` finds its gateway and keys: a JSON profile file, or `ALIPAY_*` variables.
//!
//! ```json
//! { "app_id": "2021…", "app_private_key_file": "app_private_key.pem",
//!   "alipay_public_key_file": "alipay_public_key.pem", "gateway": "production" }
//! ```
//! `gateway` is `production`, `sandbox` or a URL. Keys may be given inline (`app_private_key`,
//! `alipay_public_key`) instead of as files. Certificate mode replaces the Alipay public key with
//! `app_cert(_file)`, `alipay_cert(_file)` and `alipay_root_cert(_file)`; `encrypt_key` turns on AES;
//! `protocol` is `v2` (default) or `v3`. The variables are `ALIPAY_APP_ID`,
//! `ALIPAY_APP_PRIVATE_KEY(_FILE)`, `ALIPAY_ALIPAY_PUBLIC_KEY(_FILE)`, `ALIPAY_APP_CERT(_FILE)`,
//! `ALIPAY_ALIPAY_CERT(_FILE)`, `ALIPAY_ALIPAY_ROOT_CERT(_FILE)`, `ALIPAY_ENCRYPT_KEY`, `ALIPAY_PROTOCOL`,
//! `ALIPAY_GATEWAY`, `ALIPAY_SIGN_TYPE`, `ALIPAY_CHARSET`.

use std::path::Path;

use alipay_core::{Client, Gateway};
use serde_json::Value;

use crate::read_file;

/// Builds a client from a profile file, or from the environment when `profile` is `None`.
pub fn client(profile: Option<&Path>) -> Result<Client, String> {
    let settings: Value = match profile {
        Some(p) => {
            serde_json::from_str(&read_file(p)?).map_err(|e| format!("{}: not a JSON profile: {e}", p.display()))?
        }
        None => from_env(),
    };
    let get = |k: &str| settings.get(k).and_then(Value::as_str).map(str::to_string);
    let text = |inline: &str, file: &str| -> Result<String, String> {
        match (get(inline), get(file)) {
            (Some(t), _) => Ok(t),
            (None, Some(f)) => read_file(Path::new(&f)),
            (None, None) => Err(format!("the profile needs `{inline}` or `{file}`")),
        }
    };
    let gateway: Gateway = match get("gateway") {
        None => Gateway::Production,
        Some(name) => name.parse().map_err(|e: alipay_core::error::InvalidInput| e.to_string())?,
    };
    let mut builder = Client::builder()
        .app_id(get("app_id").ok_or("the profile needs `app_id`")?)
        .app_private_key_text(&text("app_private_key", "app_private_key_file")?)
        .map_err(|e| e.to_string())?
        .gateway(gateway);
    let cert_mode = ["app_cert", "app_cert_file"].iter().any(|k| get(k).is_some());
    builder = if cert_mode {
        let app = text("app_cert", "app_cert_file")?;
        let alipay = text("alipay_cert", "alipay_cert_file")?;
        let root = text("alipay_root_cert", "alipay_root_cert_file")?;
        builder.certificates(&app, &alipay, &root).map_err(|e| e.to_string())?
    } else {
        builder
            .alipay_public_key_text(&text("alipay_public_key", "alipay_public_key_file")?)
            .map_err(|e| e.to_string())?
    };
    if let Some(key) = get("encrypt_key") {
        builder = builder.encrypt_key(&key).map_err(|e| e.to_string())?;
    }
    if let Some(p) = get("protocol") {
        builder = builder.protocol(p.parse().map_err(|e: alipay_core::error::InvalidInput| e.to_string())?);
    }
    if let Some(st) = get("sign_type") {
        builder = builder.sign_type(st.parse().map_err(|e: alipay_core::error::InvalidInput| e.to_string())?);
    }
    if let Some(cs) = get("charset") {
        builder = builder.charset(cs.parse().map_err(|e: alipay_core::error::InvalidInput| e.to_string())?);
    }
    builder.build().map_err(|e| e.to_string())
}

fn from_env() -> Value {
    let mut map = serde_json::Map::new();
    for (var, key) in [
        ("ALIPAY_APP_ID", "app_id"),
        ("ALIPAY_APP_PRIVATE_KEY", "app_private_key"),
        ("ALIPAY_APP_PRIVATE_KEY_FILE", "app_private_key_file"),
        ("ALIPAY_ALIPAY_PUBLIC_KEY", "alipay_public_key"),
        ("ALIPAY_ALIPAY_PUBLIC_KEY_FILE", "alipay_public_key_file"),
        ("ALIPAY_APP_CERT", "app_cert"),
        ("ALIPAY_APP_CERT_FILE", "app_cert_file"),
        ("ALIPAY_ALIPAY_CERT", "alipay_cert"),
        ("ALIPAY_ALIPAY_CERT_FILE", "alipay_cert_file"),
        ("ALIPAY_ALIPAY_ROOT_CERT", "alipay_root_cert"),
        ("ALIPAY_ALIPAY_ROOT_CERT_FILE", "alipay_root_cert_file"),
        ("ALIPAY_ENCRYPT_KEY", "encrypt_key"),
        ("ALIPAY_PROTOCOL", "protocol"),
        ("ALIPAY_GATEWAY", "gateway"),
        ("ALIPAY_SIGN_TYPE", "sign_type"),
        ("ALIPAY_CHARSET", "charset"),
    ] {
        if let Ok(v) = std::env::var(var) {
            map.insert(key.into(), Value::String(v));
        }
    }
    Value::Object(map)
}
