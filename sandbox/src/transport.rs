//! The sandbox as an in-process [`Transport`]: requests never leave the process, yet go through the
//! same router as HTTP requests, faults included.

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
            match self.sandbox.handle(request).await {
                Reply::Http(response) => Ok(response),
                Reply::Drop => {
                    Err(TransportError::outcome_unknown(TransportErrorKind::Io, "the sandbox dropped the connection"))
                }
            }
        })
    }
}
