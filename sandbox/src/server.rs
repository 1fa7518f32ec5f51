//! The sandbox over real HTTP on loopback (axum): every request goes to [`Sandbox::handle`].

use std::net::SocketAddr;

use alipay_core::transport::{HttpMethod, HttpRequest};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{Method, Request, Response, StatusCode, header};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::error::SandboxError;
use crate::sandbox::{Reply, Sandbox};

/// A running HTTP server. Dropping it (or [`SandboxServer::shutdown`]) stops it.
#[derive(Debug)]
pub struct SandboxServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl SandboxServer {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/gateway.do`.
    pub fn gateway_url(&self) -> String {
        format!("{}/gateway.do", self.base_url())
    }

    /// Stops the server.
    pub fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Sandbox {
    /// Serves the sandbox over HTTP on `addr` (`127.0.0.1:0` picks a free port).
    ///
    /// # Errors
    /// [`SandboxError::Server`] when the address cannot be bound.
    pub async fn serve(&self, addr: SocketAddr) -> Result<SandboxServer, SandboxError> {
        let listener = TcpListener::bind(addr).await.map_err(|e| SandboxError::Server(format!("bind {addr}: {e}")))?;
        let addr = listener.local_addr().map_err(|e| SandboxError::Server(e.to_string()))?;
        self.set_base_url(format!("http://{addr}"));
        let app = axum::Router::new().fallback(route).with_state(self.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(SandboxServer { addr, stop: Some(stop) })
    }
}

async fn route(State(sandbox): State<Sandbox>, request: Request<Body>) -> Response<Body> {
    let method = if request.method() == Method::GET { HttpMethod::Get } else { HttpMethod::Post };
    let url = format!("{}{}", sandbox.base_url(), request.uri().path_and_query().map_or("/", |pq| pq.as_str()));
    let headers = request
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body: Bytes = match axum::body::to_bytes(request.into_body(), 16 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
    };
    match sandbox.handle(HttpRequest { method, url, headers, body: body.to_vec(), max_body_bytes: None }).await {
        Reply::Http(r) => {
            let mut response = Response::builder().status(r.status);
            for (k, v) in r.headers {
                response = response.header(k, v);
            }
            response
                .body(Body::from(r.body))
                .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad response"))
        }
        // A body that fails at once: hyper aborts the connection, the client sees it drop.
        Reply::Drop => Response::new(Body::from_stream(futures_util::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "fault: connection dropped",
            ))
        }))),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain"));
    r
}
