//! Per-call options: what changes between calls of one client.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

/// Options for the calls of a [`crate::Client`] view made with [`crate::Client::with_options`].
/// Deserializes from the object a binding's `with_options(...)` gives (`params` for
/// `extra_params`), to be laid over the current options with [`CallOptions::merged`].
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct CallOptions {
    /// The merchant's authorization token, when an ISV calls on a merchant's behalf (`app_auth_token`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub app_auth_token: Option<String>,
    /// Where Alipay POSTs asynchronous notifications for the trade (`notify_url`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub notify_url: Option<String>,
    /// Where the buyer's browser returns after page/wap pay (`return_url`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub return_url: Option<String>,
    /// Other text parameters sent beside `biz_content` (e.g. `auth_token`). They are signed.
    #[serde(rename = "params")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra_params: BTreeMap<String, String>,
    /// Encrypt this call's content with the client's AES key (`None`: the client's default).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub encrypt: Option<bool>,
}

impl CallOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `app_auth_token`.
    pub fn app_auth_token(mut self, token: impl Into<String>) -> Self {
        self.app_auth_token = Some(token.into());
        self
    }

    /// Sets `notify_url`.
    pub fn notify_url(mut self, url: impl Into<String>) -> Self {
        self.notify_url = Some(url.into());
        self
    }

    /// Sets `return_url`.
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// Encrypts (or not) the content of these calls, whatever the client's default.
    pub fn encrypt(mut self, encrypt: bool) -> Self {
        self.encrypt = Some(encrypt);
        self
    }

    /// These options with `changes` laid over them: each option `changes` sets replaces this one,
    /// each it leaves unset keeps this one, and its parameters are added (replacing any of the same
    /// name). A view of a view keeps what the first view set.
    ///
    /// ```
    /// use alipay_core::CallOptions;
    /// let isv = CallOptions::new().app_auth_token("token").param("a", "1");
    /// let both = isv.merged(CallOptions::new().notify_url("https://m.example/notify").param("b", "2"));
    /// assert_eq!(both.app_auth_token.as_deref(), Some("token"));
    /// assert_eq!(both.notify_url.as_deref(), Some("https://m.example/notify"));
    /// assert_eq!(both.extra_params.len(), 2);
    /// ```
    pub fn merged(&self, changes: CallOptions) -> CallOptions {
        let mut extra_params = self.extra_params.clone();
        extra_params.extend(changes.extra_params);
        CallOptions {
            app_auth_token: changes.app_auth_token.or_else(|| self.app_auth_token.clone()),
            notify_url: changes.notify_url.or_else(|| self.notify_url.clone()),
            return_url: changes.return_url.or_else(|| self.return_url.clone()),
            extra_params,
            encrypt: changes.encrypt.or(self.encrypt),
        }
    }

    /// Adds a text parameter.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.insert(name.into(), value.into());
        self
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("app_auth_token", &self.app_auth_token.as_ref().map(|_| "<redacted>"))
            .field("notify_url", &self.notify_url)
            .field("return_url", &self.return_url)
            .field("extra_params", &self.extra_params.keys().collect::<Vec<_>>())
            .field("encrypt", &self.encrypt)
            .finish()
    }
}
