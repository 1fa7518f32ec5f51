//! A client's configuration from Python arguments: keys and certificates as text (`str`), raw file
//! content (`bytes`) or a file (`os.PathLike`); gateway presets; timeouts in seconds.

use std::path::PathBuf;
use std::time::Duration;

use alipay_core::error::ConfigError;
use alipay_core::{Charset, Client, Error, Gateway, Protocol, SignType};
use pyo3::prelude::*;

use crate::errors::to_py;

/// A key or certificate as Python hands it over.
#[derive(FromPyObject)]
pub(crate) enum Source {
    /// The text itself (PEM or bare base64).
    Text(String),
    /// The file's content.
    Bytes(Vec<u8>),
    /// A file to read (`pathlib.Path`, or any `os.PathLike`).
    Path(PathBuf),
}

impl Source {
    /// The text, read from the file when given a path. `name` is the setting, for errors.
    pub(crate) fn text(&self, name: &'static str) -> Result<String, Error> {
        let invalid = |reason: String| Error::from(ConfigError::Invalid { name, reason });
        match self {
            Source::Text(t) => Ok(t.clone()),
            Source::Bytes(b) => {
                String::from_utf8(b.clone()).map_err(|_| invalid("the bytes are not UTF-8 text".into()))
            }
            Source::Path(p) => {
                std::fs::read_to_string(p).map_err(|e| invalid(format!("cannot read {}: {e}", p.display())))
            }
        }
    }
}

/// Everything `Client(...)` accepts, as Python passed it.
pub(crate) struct Settings {
    pub(crate) app_id: String,
    pub(crate) app_private_key: Source,
    pub(crate) alipay_public_key: Option<Source>,
    pub(crate) gateway: String,
    pub(crate) protocol: String,
    pub(crate) sign_type: String,
    pub(crate) charset: String,
    pub(crate) app_cert: Option<Source>,
    pub(crate) alipay_cert: Option<Source>,
    pub(crate) alipay_root_cert: Option<Source>,
    pub(crate) encrypt_key: Option<String>,
    pub(crate) encrypt_by_default: bool,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) proxy: Option<String>,
    pub(crate) user_agent: Option<String>,
}

impl Settings {
    /// The core client these settings describe.
    pub(crate) fn build(self) -> PyResult<Client> {
        self.try_build().map_err(to_py)
    }

    fn try_build(self) -> Result<Client, Error> {
        let gateway: Gateway = self.gateway.parse()?;
        let protocol: Protocol = self.protocol.parse()?;
        let sign_type: SignType = self.sign_type.parse()?;
        let charset: Charset = self.charset.parse()?;
        let mut builder = Client::builder()
            .app_id(self.app_id)
            .app_private_key_text(&self.app_private_key.text("app_private_key")?)?
            .gateway(gateway)
            .protocol(protocol)
            .sign_type(sign_type)
            .charset(charset)
            .encrypt_by_default(self.encrypt_by_default);
        if let Some(key) = &self.alipay_public_key {
            builder = builder.alipay_public_key_text(&key.text("alipay_public_key")?)?;
        }
        builder = match (&self.app_cert, &self.alipay_cert, &self.alipay_root_cert) {
            (None, None, None) => builder,
            (Some(app), Some(alipay), Some(root)) => builder.certificates(
                &app.text("app_cert")?,
                &alipay.text("alipay_cert")?,
                &root.text("alipay_root_cert")?,
            )?,
            _ => {
                return Err(ConfigError::Invalid {
                    name: "app_cert",
                    reason: "certificate mode needs all three of app_cert, alipay_cert and alipay_root_cert".into(),
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
        if let Some(proxy) = self.proxy {
            builder = builder.proxy(proxy);
        }
        if let Some(agent) = self.user_agent {
            builder = builder.user_agent(agent);
        }
        builder.build()
    }
}

fn positive(name: &'static str, wait: Duration) -> Result<Duration, Error> {
    if wait.is_zero() {
        return Err(ConfigError::Invalid { name, reason: "a timeout must be more than 0 seconds".into() }.into());
    }
    Ok(wait)
}
