//! The sandbox as an in-process [`Transport`]: requests never leave the process, yet go through the
//! same router as HTTP requests, faults included. A request's `max_body_bytes` is honoured like the
//! reqwest transport honours it.

use alipay_core::error::{TransportError, TransportErrorKind};
use alipay_core::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};

use crate::sandbox::{Reply, Sandbox};

/// Hands every request to a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct InProcess {
    sandbox: Sandbox,
}

impl InProcess {
    /// A transport into `sandbox`.
    pub fn new(sandbox: Sandbox) -> Self {
        Self { sandbox }
    }
}

impl Transport for InProcess {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let limit = request.max_body_bytes;
            match self.sandbox.handle(request).await {
                // The body is already in memory here; refusing it keeps the behaviour of a transport
                // that stops reading at the limit.
                Reply::Http(response) => match limit {
                    Some(limit) if response.body.len() as u64 > limit => Err(TransportError::body_too_large(limit)),
                    _ => Ok(response),
                },
                Reply::Drop => {
                    Err(TransportError::outcome_unknown(TransportErrorKind::Io, "the sandbox dropped the connection"))
                }
            }
        })
    }
}
