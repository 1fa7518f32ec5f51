//! The sandbox-only HTTP endpoints (`/sandbox/...`, listed in the crate docs): the buyer's scan, the
//! ground truth, virtual time, faults, held-up requests and certificate rotation, each over the
//! library call of the same name; bill downloads are routed here and served by the bill module.

use std::time::Duration;

use alipay_core::clock::format_shanghai;
use alipay_core::transport::{HttpMethod, HttpResponse};
use serde_json::{Value, json};

use crate::error::SandboxError;
use crate::faults::Fault;
use crate::rotation::Rotation;
use crate::sandbox::{Reply, Sandbox, ScanOutcome};

impl Sandbox {
    /// Serves every request that is not for the gateway: the sandbox-only endpoints and bill
    /// downloads; anything else is a 404.
    pub(crate) fn control(&self, method: HttpMethod, path: &str, body: &[u8]) -> Reply {
        match (method, path) {
            (HttpMethod::Get, p) if p.starts_with("/sandbox/bill/") => {
                self.bill_file(p.trim_start_matches("/sandbox/bill/"))
            }
            (HttpMethod::Post, "/sandbox/qr/scan") => self.http_scan(body),
            (HttpMethod::Get, "/sandbox/notifications") => {
                json_reply(200, &serde_json::to_value(self.deliveries()).unwrap_or_default())
            }
            (HttpMethod::Get, "/sandbox/buyers") => json_reply(200, &crate::buyer::codes_json()),
            (HttpMethod::Get, "/sandbox/trades") => {
                json_reply(200, &Value::Array(self.trades().iter().map(crate::view::trade_json).collect()))
            }
            (HttpMethod::Post, "/sandbox/time/advance") => {
                let secs = form_value(body, "seconds").and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
                self.advance(Duration::from_secs(secs));
                json_reply(200, &json!({"now": format_shanghai(self.now())}))
            }
            (HttpMethod::Post, "/sandbox/faults") => self.http_fault(body),
            (HttpMethod::Post, "/sandbox/held/release") => json_reply(200, &json!({"released": self.release_held()})),
            (HttpMethod::Post, "/sandbox/certs/rotate") => self.http_rotate(body),
            _ => json_reply(404, &json!({"error": "not found"})),
        }
    }

    /// `POST /sandbox/certs/rotate`: form `variant=<Rotation name>` (or the older `rogue=true`).
    fn http_rotate(&self, body: &[u8]) -> Reply {
        let rogue = form_value(body, "rogue").is_some_and(|v| v == "true");
        let rotation = match form_value(body, "variant") {
            Some(name) => match name.parse::<Rotation>() {
                Ok(rotation) => rotation,
                Err(e) => return json_reply(400, &json!({"error": e.to_string()})),
            },
            None if rogue => Rotation::Rogue,
            None => Rotation::Genuine,
        };
        match self.rotate_alipay_cert_to(rotation) {
            Ok(sn) => json_reply(
                200,
                &json!({"alipay_cert_sn": sn, "rogue": rotation == Rotation::Rogue, "variant": rotation.as_str()}),
            ),
            Err(e) => json_reply(500, &json!({"error": e.to_string()})),
        }
    }

    /// `POST /sandbox/qr/scan`: form `qr_code` or `out_trade_no`, and `action=pay` or `abandon`.
    fn http_scan(&self, body: &[u8]) -> Reply {
        let code = form_value(body, "qr_code").or_else(|| form_value(body, "out_trade_no")).unwrap_or_default();
        let outcome = match form_value(body, "action").as_deref() {
            Some("abandon") => ScanOutcome::Abandon,
            _ => ScanOutcome::Pay,
        };
        match self.scan_qr(&code, outcome) {
            Ok(t) => json_reply(200, &crate::view::trade_json(&t)),
            Err(e @ SandboxError::NoTrade(_)) => json_reply(404, &json!({"error": e.to_string()})),
            Err(e) => json_reply(409, &json!({"error": e.to_string()})),
        }
    }

    /// `POST /sandbox/faults`: form `fault`, optionally `method` and (for `latency`) `ms`.
    fn http_fault(&self, body: &[u8]) -> Reply {
        let method = form_value(body, "method");
        let fault = match form_value(body, "fault").unwrap_or_default().parse::<Fault>() {
            Ok(Fault::Latency(_)) => {
                let ms = form_value(body, "ms").and_then(|m| m.parse().ok()).unwrap_or(1000);
                Fault::Latency(Duration::from_millis(ms))
            }
            Ok(fault) => fault,
            Err(reason) => return json_reply(400, &json!({ "error": reason })),
        };
        self.inject(method.as_deref(), fault);
        json_reply(200, &json!({"injected": format!("{fault:?}")}))
    }
}

fn form_value(body: &[u8], key: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// A JSON answer.
pub(crate) fn json_reply(status: u16, value: &Value) -> Reply {
    Reply::Http(HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: serde_json::to_vec(value).unwrap_or_default(),
    })
}
