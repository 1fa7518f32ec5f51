//! Test helpers: the shared vectors, the key fixtures, and each compiled-in crypto backend.

use std::path::PathBuf;

use alipay_core::{Backend, PrivateKey, PublicKey};
use serde_json::Value;

/// The repository root (the workspace).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Reads a vector from `tests/vectors/`, skipping its leading `#` comment lines.
pub fn vector(name: &str) -> Value {
    let path = repo_root().join("tests/vectors").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: String = text.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Reads a key fixture from `core/tests/fixtures/`.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A string field of a vector.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("vector field {key} is not a string"))
}

/// Every backend compiled into this test binary.
pub fn backends() -> &'static [Backend] {
    Backend::available()
}

pub fn private_key(text: &str, backend: Backend) -> PrivateKey {
    PrivateKey::from_text_with_backend(text, backend).expect("fixture private key loads")
}

pub fn public_key(text: &str, backend: Backend) -> PublicKey {
    PublicKey::from_text_with_backend(text, backend).expect("fixture public key loads")
}

/// A transport for tests that must not touch the network: every request fails as not sent.
#[derive(Debug)]
pub struct NoNetwork;

impl alipay_core::transport::Transport for NoNetwork {
    fn send(
        &self,
        _: alipay_core::transport::HttpRequest,
    ) -> alipay_core::transport::BoxFuture<
        '_,
        Result<alipay_core::transport::HttpResponse, alipay_core::error::TransportError>,
    > {
        Box::pin(async {
            Err(alipay_core::error::TransportError::not_sent(
                alipay_core::error::TransportErrorKind::Other,
                "no network in this test",
            ))
        })
    }
}

/// A client on the fixture keys, a fixed clock and no network.
pub fn offline_builder() -> alipay_core::ClientBuilder {
    alipay_core::Client::builder()
        .app_id("2021000122671080")
        .app_private_key_text(&fixture("app_pkcs1.pem"))
        .expect("app key")
        .alipay_public_key_text(&fixture("alipay_public_spki.pem"))
        .expect("alipay key")
        .gateway(alipay_core::Gateway::Sandbox)
        .clock(std::sync::Arc::new(alipay_core::clock::FixedClock::at_shanghai("2026-11-22 10:00:00")))
        .transport(std::sync::Arc::new(NoNetwork))
}
