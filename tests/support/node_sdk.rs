//! Where the official Node SDK (npm `alipay-sdk`) was installed for the tests that run it — one
//! convention shared by every crate's tests (`#[path]`-included): `make test` installs it into
//! `ALIPAY_NODE_SDK_DIR`; with `ALIPAY_REQUIRE_NODE_SDK=1` (CI) a missing SDK fails instead of skipping.

use std::path::PathBuf;

/// The folder holding `node_modules/alipay-sdk`, or `None` (with a note) when it is absent and allowed to be.
///
/// # Panics
/// When `ALIPAY_REQUIRE_NODE_SDK=1` and the SDK is missing.
pub fn node_sdk_dir(what: &str) -> Option<PathBuf> {
    let required = std::env::var("ALIPAY_REQUIRE_NODE_SDK").is_ok_and(|v| v == "1");
    let dir = std::env::var_os("ALIPAY_NODE_SDK_DIR").map(PathBuf::from);
    match dir.filter(|d| d.join("node_modules/alipay-sdk/package.json").is_file()) {
        Some(d) => Some(d),
        None if required => {
            panic!("ALIPAY_REQUIRE_NODE_SDK=1 but ALIPAY_NODE_SDK_DIR holds no node_modules/alipay-sdk")
        }
        None => {
            eprintln!(
                "official Node SDK not installed (set ALIPAY_NODE_SDK_DIR; `make test` does): {what} not checked"
            );
            None
        }
    }
}
