//! The shared workflow scenarios (`tests/conformance/workflows.json`), which every language binding
//! replays: a buyer, a fault, and the outcome, queries and cancels the pay-and-wait workflow must give.
//! Here in process, in virtual time; the Python binding replays them over HTTP.

use std::sync::Arc;

use alipay_core::journal::MemoryJournal;
use alipay_core::trade::TradePayRequest;
use alipay_core::workflow::{PollPolicy, Workflows};
use alipay_sandbox::{Fault, Sandbox, SandboxConfig, buyer};
use serde_json::Value;

use crate::support::order;

fn scenarios() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/workflows.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("workflows.json")).expect("JSON")
}

/// The outcome's public fields the scenario names, with `error_sub_code` read from `error.sub_code`.
fn observed(outcome: &Value, expect: &serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
    expect
        .keys()
        .map(|k| {
            let v = match k.as_str() {
                "error_sub_code" => outcome["error"]["sub_code"].clone(),
                _ => outcome[k].clone(),
            };
            (k.clone(), v)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shared_workflow_scenario_ends_as_it_says() {
    let all = scenarios();
    let sandbox = Sandbox::start(SandboxConfig { speed: 50.0, ..SandboxConfig::default() }).expect("sandbox");
    let policy = PollPolicy::overlay(PollPolicy::barcode(), &all["policy"]).expect("policy");
    let workflows =
        Workflows::new(sandbox.client().expect("client"), Arc::new(MemoryJournal::new())).with_barcode_policy(policy);
    let amount = all["total_amount"].as_str().expect("amount").parse().expect("money");
    for scenario in all["scenarios"].as_array().expect("scenarios") {
        let name = scenario["name"].as_str().expect("name");
        let buyer_name = scenario["buyer"].as_str().expect("buyer");
        let code = buyer::CODES.iter().find(|(n, _)| *n == buyer_name).map(|(_, c)| *c).expect("a listed buyer");
        sandbox.clear_faults();
        if let Some(fault) = scenario["fault"].as_object() {
            let parsed: Fault = fault["fault"].as_str().expect("fault name").parse().expect("a known fault");
            sandbox.inject(fault["method"].as_str(), parsed);
        }
        let request = TradePayRequest::new(order("CF"), amount, "conformance", code);
        let outcome = workflows.pay_and_wait(request).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        let outcome = serde_json::to_value(&outcome).expect("serializes");
        let expect = scenario["expect"].as_object().expect("expect");
        assert_eq!(&observed(&outcome, expect), expect, "{name}: {outcome}");
    }
}
