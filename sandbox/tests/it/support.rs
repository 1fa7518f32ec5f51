//! Shared setup.

use alipay_core::Client;
use alipay_sandbox::{Sandbox, SandboxConfig};

/// A sandbox whose virtual time runs `speed` times faster, and an in-process client for it.
pub fn sandbox(speed: f64) -> (Sandbox, Client) {
    let sandbox = Sandbox::start(SandboxConfig { speed, ..SandboxConfig::default() }).expect("sandbox starts");
    let client = sandbox.client().expect("client");
    (sandbox, client)
}

pub fn money(s: &str) -> alipay_core::Money {
    s.parse().expect("money")
}

/// A unique order number per test.
pub fn order(tag: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(1);
    format!("{tag}{:06}", SEQ.fetch_add(1, Ordering::SeqCst))
}
