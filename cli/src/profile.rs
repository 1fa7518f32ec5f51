//! Where `alipay trade …` finds its gateway and keys: a JSON profile file, or `ALIPAY_*` variables.
//! Both are the core's [`ClientSettings`], so a profile takes exactly what every language binding
//! takes, with the same errors:
//!
//! ```json
//! { "app_id": "2021…", "app_private_key_file": "app_private_key.pem",
//!   "alipay_public_key_file": "alipay_public_key.pem", "gateway": "production" }
//! ```
//! `gateway` is `production`, `sandbox` or a URL. Keys may be given inline (`app_private_key`,
//! `alipay_public_key`) instead of as files. Certificate mode replaces the Alipay public key with
//! `app_cert(_file)`, `alipay_cert(_file)` and `alipay_root_cert(_file)`; `encrypt_key` turns on AES;
//! `protocol` is `v2` (default) or `v3`; `timeout` and `connect_timeout` are seconds. Without a
//! profile, each text setting comes from `ALIPAY_` and its name in capitals (`ALIPAY_APP_ID`,
//! `ALIPAY_APP_PRIVATE_KEY_FILE`, `ALIPAY_GATEWAY`, …).

use std::path::Path;

use alipay_core::Client;
use alipay_core::client::ClientSettings;

use crate::read_file;

/// Builds a client from a profile file, or from the environment when `profile` is `None`.
pub fn client(profile: Option<&Path>) -> Result<Client, String> {
    let settings: ClientSettings = match profile {
        Some(p) => {
            serde_json::from_str(&read_file(p)?).map_err(|e| format!("{}: not a valid profile: {e}", p.display()))?
        }
        None => ClientSettings::from_env(),
    };
    settings.build().map_err(|e| e.to_string())
}
