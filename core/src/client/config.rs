//! Building a [`Client`]: app id, keys, gateway and protocol, sign type, charset, certificates, AES,
//! timeouts, proxy, user agent.

use std::sync::Arc;
use std::time::Duration;

use crate::cert::CertMode;
use crate::charset::Charset;
use crate::clock::{Clock, SystemClock};
use crate::crypto::SignType;
use crate::encrypt::EncryptKey;
use crate::error::{ConfigError, Error};
use crate::keys::{KeyRole, PrivateKey, PublicKey};
use crate::transport::{Transport, TransportSettings};

use super::{Client, Inner};

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Gateway {
    /// `https://openapi.alipay.com/gateway.do`.
    #[default]
    Production,
    /// Alipay's online sandbox, `https://openapi-sandbox.dl.alipaydev.com/gateway.do`.
    Sandbox,
    /// Any other gateway URL — the offline sandbox, a test server, a proxy.
    Custom(String),
}

impl Gateway {
    /// The production gateway URL.
    pub const PRODUCTION_URL: &'static str = "https://openapi.alipay.com/gateway.do";
    /// The online sandbox gateway URL.
    pub const SANDBOX_URL: &'static str = "https://openapi-sandbox.dl.alipaydev.com/gateway.do";

    /// The gateway URL.
    pub fn url(&self) -> &str {
        match self {
            Gateway::Production => Self::PRODUCTION_URL,
            Gateway::Sandbox => Self::SANDBOX_URL,
            Gateway::Custom(url) => url,
        }
    }

    /// Where v3 paths start: the gateway URL without its query and without `/gateway.do`
    /// (`https://openapi.alipay.com` for production).
    ///
    /// ```
    /// use alipay_core::Gateway;
    /// assert_eq!(Gateway::Production.v3_base_url(), "https://openapi.alipay.com");
    /// let local = Gateway::Custom("http://127.0.0.1:8080/gateway.do?charset=utf-8".into());
    /// assert_eq!(local.v3_base_url(), "http://127.0.0.1:8080");
    /// ```
    pub fn v3_base_url(&self) -> &str {
        let url = self.url();
        let url = url.split_once('?').map_or(url, |(base, _)| base);
        let url = url.strip_suffix("/gateway.do").unwrap_or(url);
        url.trim_end_matches('/')
    }
}

impl std::str::FromStr for Gateway {
    type Err = crate::error::InvalidInput;

    /// `production`, `sandbox`, or an `http(s)://` gateway URL.
    ///
    /// ```
    /// use alipay_core::Gateway;
    /// assert_eq!("sandbox".parse::<Gateway>().unwrap(), Gateway::Sandbox);
    /// assert_eq!("http://127.0.0.1:9/gateway.do".parse::<Gateway>().unwrap().url(), "http://127.0.0.1:9/gateway.do");
    /// assert!("staging".parse::<Gateway>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "production" => Ok(Gateway::Production),
            "sandbox" => Ok(Gateway::Sandbox),
            url if url.starts_with("https://") || url.starts_with("http://") => Ok(Gateway::Custom(url.to_string())),
            other => Err(crate::error::InvalidInput::new(
                "gateway",
                format!("{}; use production, sandbox or an http(s):// URL", unshown(other)),
            )),
        }
    }
}

/// A setting's value as errors describe it: by its length only. A value in the wrong setting may be a
/// secret (a private key pasted into `gateway`, a proxy URL with a password), so none is echoed.
fn unshown(value: &str) -> String {
    format!("the value given ({} characters, not shown)", value.chars().count())
}

/// Which of Alipay's two protocols calls speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Protocol {
    /// The `gateway.do` protocol: signed form parameters, answers signed inside the JSON (Alipay's 公共请求参数 and 自行实现签名 docs).
    #[default]
    V2,
    /// The REST protocol: `/v3/...` paths, an `Authorization` header, answers signed in headers
    /// (Alipay's OpenAPI v3 reference). Every typed call and the workflows work the same over it.
    V3,
}

impl std::str::FromStr for Protocol {
    type Err = crate::error::InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v2" | "2" => Ok(Protocol::V2),
            "v3" | "3" => Ok(Protocol::V3),
            other => {
                Err(crate::error::InvalidInput::new("protocol", format!("unknown protocol {other:?}; use v2 or v3")))
            }
        }
    }
}

/// The resolved configuration a client runs with.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The app id (APPID).
    pub app_id: String,
    /// The app private key that signs requests.
    pub app_private_key: PrivateKey,
    /// The Alipay public key that verifies answers and notifications.
    pub alipay_public_key: PublicKey,
    /// The gateway.
    pub gateway: Gateway,
    /// `RSA2` (default) or legacy `RSA`.
    pub sign_type: SignType,
    /// `utf-8` (default) or `GBK`.
    pub charset: Charset,
    /// Certificate mode, when configured: `app_cert_sn` and `alipay_root_cert_sn` go with every request,
    /// and answers are verified with the key of the certificate they name.
    pub cert_mode: Option<CertMode>,
    /// The AES content-encryption key, when configured.
    pub encrypt_key: Option<EncryptKey>,
    /// Whether calls encrypt their content unless their [`super::CallOptions`] say otherwise.
    pub encrypt_by_default: bool,
    /// v2 (`gateway.do`, the default) or v3 (`/v3/...`).
    pub protocol: Protocol,
}

/// Builds a [`Client`]. `app_id`, the app private key and the Alipay public key are required.
///
/// ```no_run
/// # async fn demo() -> alipay_core::Result<()> {
/// use alipay_core::{Client, Gateway};
/// let client = Client::builder()
///     .app_id("2021000122671080")
///     .app_private_key_text(&std::fs::read_to_string("app_private_key.pem").unwrap())?
///     .alipay_public_key_text(&std::fs::read_to_string("alipay_public_key.pem").unwrap())?
///     .gateway(Gateway::Sandbox)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    app_id: Option<String>,
    app_private_key: Option<PrivateKey>,
    alipay_public_key: Option<PublicKey>,
    gateway: Gateway,
    sign_type: SignType,
    charset: Charset,
    settings: TransportSettings,
    transport: Option<Arc<dyn Transport>>,
    clock: Option<Arc<dyn Clock>>,
    cert_mode: Option<CertMode>,
    encrypt_key: Option<EncryptKey>,
    encrypt_by_default: bool,
    protocol: Protocol,
}

impl ClientBuilder {
    /// The app id.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// The app private key (应用私钥), already loaded.
    pub fn app_private_key(mut self, key: PrivateKey) -> Self {
        self.app_private_key = Some(key);
        self
    }

    /// The app private key from text: PKCS#1 or PKCS#8, PEM or bare base64.
    ///
    /// # Errors
    /// [`Error::Config`] naming the mistake.
    pub fn app_private_key_text(self, text: &str) -> Result<Self, Error> {
        let key = PrivateKey::from_text(text).map_err(|e| e.with_role(KeyRole::AppPrivateKey))?;
        Ok(self.app_private_key(key))
    }

    /// The Alipay public key (支付宝公钥), already loaded.
    pub fn alipay_public_key(mut self, key: PublicKey) -> Self {
        self.alipay_public_key = Some(key);
        self
    }

    /// The Alipay public key from text: SubjectPublicKeyInfo or PKCS#1, PEM or bare base64.
    ///
    /// # Errors
    /// [`Error::Config`] naming the mistake.
    pub fn alipay_public_key_text(self, text: &str) -> Result<Self, Error> {
        let key = PublicKey::from_text(text).map_err(|e| e.with_role(KeyRole::AlipayPublicKey))?;
        Ok(self.alipay_public_key(key))
    }

    /// Certificate mode (公钥证书): the PEM text of the app certificate (`appCertPublicKey_<appid>.crt`),
    /// the Alipay public-key certificate (`alipayCertPublicKey_RSA2.crt`) and the Alipay root
    /// certificate (`alipayRootCert.crt`). Replaces any Alipay public key set before: the key comes from
    /// the certificate, and a rotated one is admitted only if it chains to the root.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the file that cannot be used.
    pub fn certificates(mut self, app_cert: &str, alipay_cert: &str, alipay_root_cert: &str) -> Result<Self, Error> {
        let mode = CertMode::from_pem(app_cert, alipay_cert, alipay_root_cert)?;
        self.alipay_public_key = Some(mode.alipay_public_key());
        self.cert_mode = Some(mode);
        Ok(self)
    }

    /// Certificate mode from the three files Alipay's console hands out (see
    /// [`ClientBuilder::certificates`]).
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the file that cannot be read or used.
    pub fn certificate_files(
        self,
        app_cert: impl AsRef<std::path::Path>,
        alipay_cert: impl AsRef<std::path::Path>,
        alipay_root_cert: impl AsRef<std::path::Path>,
    ) -> Result<Self, Error> {
        let read = |name: &'static str, path: &std::path::Path| {
            std::fs::read_to_string(path)
                .map_err(|e| ConfigError::Invalid { name, reason: format!("cannot read {}: {e}", path.display()) })
        };
        let app = read("app_cert", app_cert.as_ref())?;
        let alipay = read("alipay_cert", alipay_cert.as_ref())?;
        let root = read("alipay_root_cert", alipay_root_cert.as_ref())?;
        self.certificates(&app, &alipay, &root)
    }

    /// The AES content-encryption key (接口内容加密密钥, base64, from the console). From then on every
    /// call encrypts its content, unless [`ClientBuilder::encrypt_by_default`] is turned off or a call's
    /// [`super::CallOptions::encrypt`] says otherwise; encrypted answers are verified, then decrypted.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a key that is not base64 or not an AES key length.
    pub fn encrypt_key(mut self, base64_key: &str) -> Result<Self, Error> {
        self.encrypt_key = Some(EncryptKey::from_base64(base64_key)?);
        self.encrypt_by_default = true;
        Ok(self)
    }

    /// Whether calls encrypt by default once an encrypt key is set (default: yes).
    pub fn encrypt_by_default(mut self, encrypt: bool) -> Self {
        self.encrypt_by_default = encrypt;
        self
    }

    /// The protocol calls speak: [`Protocol::V2`] (default) or [`Protocol::V3`]. v3 signs with RSA2 and
    /// speaks UTF-8 only; its paths start at [`Gateway::v3_base_url`].
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// The gateway (production by default).
    pub fn gateway(mut self, gateway: Gateway) -> Self {
        self.gateway = gateway;
        self
    }

    /// The sign type (RSA2 by default).
    pub fn sign_type(mut self, sign_type: SignType) -> Self {
        self.sign_type = sign_type;
        self
    }

    /// The request charset (utf-8 by default).
    pub fn charset(mut self, charset: Charset) -> Self {
        self.charset = charset;
        self
    }

    /// Time allowed to connect (5 s by default). Applies to the default transport.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole request (20 s by default). Applies to the default transport.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.settings.request_timeout = timeout;
        self
    }

    /// An HTTP(S) proxy for the default transport.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.settings.proxy = Some(url.into());
        self
    }

    /// The `User-Agent` of the default transport.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.settings.user_agent = user_agent.into();
        self
    }

    /// A transport to use instead of the default reqwest one (tests, the offline gateway, custom HTTP).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The clock that stamps requests (the system clock by default).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// [`Error::Config`]: a missing setting, a key too short for the sign type, the app's own public key
    /// configured as the Alipay public key, a malformed gateway or proxy URL.
    pub fn build(self) -> Result<Client, Error> {
        let app_id = self.app_id.filter(|s| !s.trim().is_empty()).ok_or(ConfigError::Missing("app_id"))?;
        if app_id.trim() != app_id || app_id.chars().any(char::is_whitespace) {
            return Err(ConfigError::Invalid { name: "app_id", reason: "contains whitespace".into() }.into());
        }
        let app_private_key = self.app_private_key.ok_or(ConfigError::Missing("app_private_key"))?;
        let alipay_public_key = self.alipay_public_key.ok_or(ConfigError::Missing("alipay_public_key"))?;
        app_private_key.check_for(self.sign_type).map_err(|e| e.with_role(KeyRole::AppPrivateKey))?;
        alipay_public_key.check_for(self.sign_type).map_err(|e| e.with_role(KeyRole::AlipayPublicKey))?;
        if alipay_public_key.same_key_as(app_private_key.public_key()) {
            return Err(ConfigError::AppPublicKeyAsAlipayPublicKey.into());
        }
        if let Some(mode) = &self.cert_mode
            && !mode.app_public_key().same_key_as(app_private_key.public_key())
        {
            return Err(ConfigError::Invalid {
                name: "app_cert",
                reason: "the app certificate does not hold the public half of the app private key".into(),
            }
            .into());
        }
        let url = self.gateway.url();
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.chars().any(char::is_whitespace) {
            return Err(ConfigError::Invalid {
                name: "gateway",
                reason: format!("{} is not an http(s) URL", unshown(url)),
            }
            .into());
        }
        if self.protocol == Protocol::V3 && (self.sign_type != SignType::Rsa2 || self.charset != Charset::Utf8) {
            return Err(ConfigError::Invalid {
                name: "protocol",
                reason: "v3 signs with RSA2 and speaks UTF-8 only; keep the default sign type and charset".into(),
            }
            .into());
        }
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport(&self.settings)?,
        };
        let config = ClientConfig {
            app_id,
            app_private_key,
            alipay_public_key,
            gateway: self.gateway,
            sign_type: self.sign_type,
            charset: self.charset,
            cert_mode: self.cert_mode,
            encrypt_by_default: self.encrypt_by_default && self.encrypt_key.is_some(),
            encrypt_key: self.encrypt_key,
            protocol: self.protocol,
        };
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        Ok(Client::from_inner(Inner {
            config,
            transport,
            clock,
            cert_fetch: tokio::sync::Mutex::new(crate::cert::DownloadGuard::new()),
        }))
    }
}

#[cfg(feature = "reqwest")]
fn default_transport(settings: &TransportSettings) -> Result<Arc<dyn Transport>, Error> {
    Ok(Arc::new(crate::transport::ReqwestTransport::new(settings)?))
}

#[cfg(not(feature = "reqwest"))]
fn default_transport(_: &TransportSettings) -> Result<Arc<dyn Transport>, Error> {
    Err(ConfigError::Invalid {
        name: "transport",
        reason: "alipay-core was built without the `reqwest` feature; pass a transport to the builder".into(),
    }
    .into())
}
