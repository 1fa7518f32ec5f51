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
