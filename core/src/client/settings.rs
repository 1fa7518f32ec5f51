//! [`ClientSettings`]: everything a client is made from, as plain data. Every language binding and
//! the CLI's profile file take these same settings, read by this one piece of code, with the same
//! errors.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::{Client, ClientBuilder, Gateway, Protocol};
use crate::charset::Charset;
use crate::crypto::SignType;
use crate::error::{ConfigError, Error};

/// A client's settings, as JSON (a profile file), a binding's keyword arguments or environment
/// variables give them. Each key and certificate is given either inline (`app_private_key`: the PEM
/// or bare base64 text) or as a file (`app_private_key_file`). Certificate mode replaces
/// `alipay_public_key` with all three of `app_cert`, `alipay_cert` and `alipay_root_cert`.
///
/// ```
/// use alipay_core::client::ClientSettings;
/// let settings: ClientSettings = serde_json::from_value(serde_json::json!({
///     "app_id": "2021000122671080",
///     "app_private_key_file": "keys/app_private_key.pem",
///     "alipay_public_key_file": "keys/alipay_public_key.pem",
///     "gateway": "sandbox",
///     "timeout": 10,
/// })).unwrap();
/// assert_eq!(settings.gateway.as_deref(), Some("sandbox"));
/// // settings.build() reads the files and checks the keys.
/// ```
///
/// `Debug` never shows a key's text or the AES key: only whether each was given.
#[derive(Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "schema", schemars(extend("x-alipay-leading" = ["app_id", "app_private_key", "alipay_public_key"])))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientSettings {
    /// The app id (APPID).
    pub app_id: String,
    /// The app private key that signs requests: PEM or bare base64, PKCS#1 or PKCS#8.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_private_key: Option<String>,
    /// The file holding the app private key.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_private_key_file: Option<PathBuf>,
    /// The Alipay public key that verifies answers and notifications (public-key mode).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_public_key: Option<String>,
    /// The file holding the Alipay public key.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_public_key_file: Option<PathBuf>,
    /// Certificate mode: the app's public-key certificate (`appCertPublicKey_….crt`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_cert: Option<String>,
    /// The file holding the app certificate.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_cert_file: Option<PathBuf>,
    /// Certificate mode: Alipay's public-key certificate (`alipayCertPublicKey_RSA2.crt`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_cert: Option<String>,
    /// The file holding the Alipay certificate.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_cert_file: Option<PathBuf>,
    /// Certificate mode: Alipay's root certificate (`alipayRootCert.crt`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_root_cert: Option<String>,
    /// The file holding the Alipay root certificate.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub alipay_root_cert_file: Option<PathBuf>,
    /// The AES content-encryption key (base64), for calls that encrypt their content.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub encrypt_key: Option<String>,
    /// Whether every call encrypts its content (needs `encrypt_key`).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub encrypt_by_default: bool,
    /// `production` (the default), `sandbox`, or a gateway URL.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub gateway: Option<String>,
    /// `v2` (`gateway.do`, the default) or `v3`.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub protocol: Option<String>,
    /// `RSA2` (the default) or the legacy `RSA`.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sign_type: Option<String>,
    /// `utf-8` (the default) or `GBK`.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub charset: Option<String>,
    /// How long connecting may take, in seconds (more than 0).
    #[serde(default, deserialize_with = "crate::seconds::optional::deserialize")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub connect_timeout: Option<Duration>,
    /// How long a whole request may take, in seconds (more than 0).
    #[serde(default, deserialize_with = "crate::seconds::optional::deserialize")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timeout: Option<Duration>,
    /// An HTTP(S) proxy URL for every request.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub proxy: Option<String>,
    /// The `User-Agent` header.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub user_agent: Option<String>,
}

/// The settings `ClientSettings::from_env` reads, each from `ALIPAY_` and its name in capitals
/// (`ALIPAY_APP_PRIVATE_KEY_FILE`).
const FROM_ENV: &[&str] = &[
    "app_id",
    "app_private_key",
    "app_private_key_file",
    "alipay_public_key",
    "alipay_public_key_file",
    "app_cert",
    "app_cert_file",
    "alipay_cert",
    "alipay_cert_file",
    "alipay_root_cert",
    "alipay_root_cert_file",
    "encrypt_key",
    "gateway",
    "protocol",
    "sign_type",
    "charset",
    "proxy",
    "user_agent",
];

impl ClientSettings {
    /// The keys and certificates: each given inline (`app_private_key`) or as a file
    /// (`app_private_key_file`). A binding that takes "text, bytes or a path" for one maps a path to
    /// the `_file` setting.
    pub const KEYS: &'static [&'static str] =
        &["app_private_key", "alipay_public_key", "app_cert", "alipay_cert", "alipay_root_cert"];

    /// Settings from the environment: each text setting from `ALIPAY_<NAME>` (`ALIPAY_APP_ID`,
    /// `ALIPAY_APP_PRIVATE_KEY_FILE`, `ALIPAY_GATEWAY`, …). Timeouts and `encrypt_by_default` are not
    /// read from it.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(format!("ALIPAY_{}", name.to_uppercase())).ok();
        let mut fields = serde_json::Map::new();
        for name in FROM_ENV {
            if let Some(value) = var(name) {
                fields.insert((*name).to_string(), value.into());
            }
        }
        // Every value is text and every name is a field, so this cannot fail.
        serde_json::from_value(fields.into()).unwrap_or_default()
    }

    /// The client these settings describe: keys and certificates read (from their files when given
    /// as files) and checked.
    ///
    /// # Errors
    /// [`Error::Config`] naming the setting: a key or certificate given both inline and as a file, a
    /// file that cannot be read, an incomplete certificate mode, a malformed key, gateway, protocol,
    /// sign type or charset, a timeout of 0.
    pub fn build(&self) -> Result<Client, Error> {
        self.builder()?.build()
    }

    /// A [`ClientBuilder`] with these settings applied (keys and certificates read and checked), to
    /// add what settings cannot hold (a transport of your own, a clock) before `build()`.
    ///
    /// # Errors
    /// As [`ClientSettings::build`], for everything but the final checks of `build()`.
    pub fn builder(&self) -> Result<ClientBuilder, Error> {
        let gateway: Gateway = self.gateway.as_deref().map_or(Ok(Gateway::Production), str::parse)?;
        let protocol: Protocol = self.protocol.as_deref().map_or(Ok(Protocol::default()), str::parse)?;
        let sign_type: SignType = self.sign_type.as_deref().map_or(Ok(SignType::default()), str::parse)?;
        let charset: Charset = self.charset.as_deref().map_or(Ok(Charset::default()), str::parse)?;
        let private_key = text("app_private_key", &self.app_private_key, &self.app_private_key_file)?
            .ok_or(ConfigError::Missing("app_private_key"))?;
        let mut builder = Client::builder()
            .app_id(self.app_id.clone())
            .app_private_key_text(&private_key)?
            .gateway(gateway)
            .protocol(protocol)
            .sign_type(sign_type)
            .charset(charset)
            .encrypt_by_default(self.encrypt_by_default);
        if let Some(key) = text("alipay_public_key", &self.alipay_public_key, &self.alipay_public_key_file)? {
            builder = builder.alipay_public_key_text(&key)?;
        }
        let certificates = [
            text("app_cert", &self.app_cert, &self.app_cert_file)?,
            text("alipay_cert", &self.alipay_cert, &self.alipay_cert_file)?,
            text("alipay_root_cert", &self.alipay_root_cert, &self.alipay_root_cert_file)?,
        ];
        builder = match certificates {
            [None, None, None] => builder,
            [Some(app), Some(alipay), Some(root)] => builder.certificates(&app, &alipay, &root)?,
            given => {
                let missing = ["app_cert", "alipay_cert", "alipay_root_cert"]
                    .iter()
                    .zip(&given)
                    .filter(|(_, text)| text.is_none())
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(" and ");
                return Err(ConfigError::Invalid {
                    name: "app_cert",
                    reason: format!(
                        "certificate mode needs all three of app_cert, alipay_cert and alipay_root_cert \
                         (each inline or as a file); {missing} missing"
                    ),
                }
                .into());
            }
        };
        if let Some(key) = &self.encrypt_key {
            builder = builder.encrypt_key(key)?;
        }
        if let Some(wait) = self.connect_timeout {
            builder = builder.connect_timeout(positive("connect_timeout", wait)?);
        }
        if let Some(wait) = self.timeout {
            builder = builder.request_timeout(positive("timeout", wait)?);
        }
        if let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy.clone());
        }
        if let Some(agent) = &self.user_agent {
            builder = builder.user_agent(agent.clone());
        }
        Ok(builder)
    }
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let given = |inline: &Option<String>, file: &Option<PathBuf>| match (inline, file) {
            (Some(_), _) => "inline".to_string(),
            (None, Some(path)) => path.display().to_string(),
            (None, None) => "none".to_string(),
        };
        f.debug_struct("ClientSettings")
            .field("app_id", &self.app_id)
            .field("app_private_key", &given(&self.app_private_key, &self.app_private_key_file))
            .field("alipay_public_key", &given(&self.alipay_public_key, &self.alipay_public_key_file))
            .field("app_cert", &given(&self.app_cert, &self.app_cert_file))
            .field("alipay_cert", &given(&self.alipay_cert, &self.alipay_cert_file))
            .field("alipay_root_cert", &given(&self.alipay_root_cert, &self.alipay_root_cert_file))
            .field("encrypt_key", &self.encrypt_key.as_ref().map(|_| "set"))
            .field("encrypt_by_default", &self.encrypt_by_default)
            .field("gateway", &self.gateway)
            .field("protocol", &self.protocol)
            .field("sign_type", &self.sign_type)
            .field("charset", &self.charset)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("proxy", &self.proxy.as_ref().map(|_| "set"))
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// A key's or certificate's text: given inline, read from its file, or not given.
fn text(name: &'static str, inline: &Option<String>, file: &Option<PathBuf>) -> Result<Option<String>, Error> {
    match (inline, file) {
        (Some(_), Some(_)) => {
            Err(ConfigError::Invalid { name, reason: format!("give {name} or {name}_file, not both") }.into())
        }
        (Some(text), None) => Ok(Some(text.clone())),
        (None, Some(path)) => read(name, path).map(Some),
        (None, None) => Ok(None),
    }
}

fn read(name: &'static str, path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| ConfigError::Invalid { name, reason: format!("cannot read {}: {e}", path.display()) })?;
    String::from_utf8(bytes)
        .map_err(|_| ConfigError::Invalid { name, reason: format!("{} is not UTF-8 text", path.display()) }.into())
}

fn positive(name: &'static str, wait: Duration) -> Result<Duration, Error> {
    if wait.is_zero() {
        return Err(ConfigError::Invalid { name, reason: "a timeout must be more than 0 seconds".into() }.into());
    }
    Ok(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_setting_has_a_file_twin() {
        for name in ClientSettings::KEYS {
            let both = serde_json::json!({ "app_id": "x", *name: "v", format!("{name}_file"): "f" });
            assert!(serde_json::from_value::<ClientSettings>(both).is_ok(), "{name}");
        }
    }

    #[test]
    fn from_env_names_only_fields_the_settings_have() {
        for name in FROM_ENV {
            let one = serde_json::json!({ "app_id": "x", *name: "v" });
            assert!(serde_json::from_value::<ClientSettings>(one).is_ok(), "{name} is not a setting");
        }
    }

    #[test]
    fn debug_never_shows_key_text() {
        let settings = ClientSettings {
            app_id: "2021".into(),
            app_private_key: Some("MIIEsecretkeytext".into()),
            encrypt_key: Some("aesSECRET==".into()),
            ..ClientSettings::default()
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("secret") && !shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("inline"));
    }
}
