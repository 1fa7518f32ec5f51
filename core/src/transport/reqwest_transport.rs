//! The default transport: one pooled reqwest client (rustls, HTTP/1.1 and HTTP/2) over tokio.

use crate::error::{ConfigError, TransportError, TransportErrorKind};

use super::{BoxFuture, HttpMethod, HttpRequest, HttpResponse, Transport, TransportSettings};

/// reqwest behind the [`Transport`] trait. Clones share one connection pool.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with the given timeouts, proxy and user agent.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for a malformed proxy URL or a TLS setup failure.
    pub fn new(settings: &TransportSettings) -> Result<Self, ConfigError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .user_agent(settings.user_agent.clone())
            .pool_idle_timeout(std::time::Duration::from_secs(60));
        if let Some(proxy) = &settings.proxy {
            let proxy = reqwest::Proxy::all(proxy).map_err(|_| ConfigError::Invalid {
                // Not echoed: a proxy URL may carry a password.
                name: "proxy",
                reason: "not a proxy URL like http://host:port or socks5://host:port".into(),
            })?;
            builder = builder.proxy(proxy);
        }
        #[cfg(target_os = "android")]
        {
            builder = with_bundled_roots(builder)?;
        }
        let client =
            builder.build().map_err(|e| ConfigError::Invalid { name: "http client", reason: e.to_string() })?;
        Ok(Self { client })
    }

    /// Wraps an existing reqwest client (its own timeouts and pool apply).
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client }
    }
}

/// `builder` trusting Mozilla's root certificates (bundled) and nothing else: on Android, where asking
/// the platform's trust store would need the app to hand its JNI context to Rust first.
#[cfg(any(target_os = "android", test))]
fn with_bundled_roots(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, ConfigError> {
    let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| reqwest::Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigError::Invalid {
            name: "http client",
            reason: format!("a bundled root certificate: {e}"),
        })?;
    Ok(builder.tls_certs_only(roots))
}

impl Transport for ReqwestTransport {
    fn send(&self, mut request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let method = match request.method {
                HttpMethod::Get => reqwest::Method::GET,
                HttpMethod::Post => reqwest::Method::POST,
            };
            let mut builder = self.client.request(method, &request.url);
            for (k, v) in &request.headers {
                builder = builder.header(k, v);
            }
            if !request.body.is_empty() {
                builder = builder.body(std::mem::take(&mut request.body));
            }
            let mut response = builder.send().await.map_err(classify)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect();
            let body = read_body(&mut response, &request).await?;
            Ok(HttpResponse { status, headers, body })
        })
    }
}

/// Reads the body chunk by chunk, refusing it as soon as it passes the request's `max_body_bytes` (a
/// `Content-Length` over the limit is refused before any of the body is read).
async fn read_body(response: &mut reqwest::Response, request: &HttpRequest) -> Result<Vec<u8>, TransportError> {
    if let Some(declared) = response.content_length() {
        request.check_body_len(declared)?;
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        request.check_body_len(body.len() as u64 + chunk.len() as u64)?;
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Maps a reqwest error to ours, deciding whether the request may have reached the server.
fn classify(e: reqwest::Error) -> TransportError {
    let (builder, connect, timeout) = (e.is_builder(), e.is_connect(), e.is_timeout());
    let message = describe(&e.without_url());
    if builder {
        TransportError::not_sent(TransportErrorKind::Other, message)
    } else if connect {
        TransportError::not_sent(TransportErrorKind::Connect, message)
    } else if timeout {
        TransportError::outcome_unknown(TransportErrorKind::Timeout, message)
    } else {
        TransportError::outcome_unknown(TransportErrorKind::Io, message)
    }
}

/// The error and its causes on one line, without the URL's query (it holds signed parameters).
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_roots_android_trusts_make_a_client() {
        let roots = with_bundled_roots(reqwest::Client::builder()).expect("every bundled root parses");
        assert!(roots.build().is_ok());
        assert!(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() > 100, "Mozilla's root program");
    }
}
