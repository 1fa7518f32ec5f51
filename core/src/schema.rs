//! The JSON Schema of every model a language binding exposes, from the serde types themselves.
//!
//! This is the one definition each binding's types are generated from (`make generate`): the
//! Python dataclasses, the TypeScript declarations. Two documents, because a type reads differently
//! in each direction:
//!
//! * [`answers`]: what the core hands out, exactly as it serializes it: typed answers, bills,
//!   notifications, workflow outcomes and events, errors. A field that is always written is required
//!   (possibly `null`).
//! * [`requests`]: what the core takes, as it deserializes it: typed requests, page/wap/app pay
//!   inputs, policies, client settings and per-call options. A field with a default may be left out.
//!
//! The requests document also lists every typed call (`x-alipay-calls`: name, method, kind, request
//! and answer models; see [`crate::client::TYPED_CALLS`]) and every workflow entry point
//! (`x-alipay-workflows`, [`crate::workflow::WORKFLOW_CALLS`]), from which bindings generate their
//! methods.
//!
//! In both, money is a decimal written as text (`"format": "decimal"`), never a number; an open enum
//! is its known values or any other text; and an object that keeps unknown fields says so with
//! `additionalProperties`.
//!
//! ```
//! let answers = alipay_core::schema::answers();
//! assert!(answers["$defs"]["TradePayResponse"]["properties"]["total_amount"].is_object());
//! ```

use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::CallOptions;
use crate::bill::{
    AccountBillRow, Bill, BillDownloadUrlQueryRequest, BillDownloadUrlQueryResponse, BillFile, TradeBillRow,
    TradeBillSummaryRow,
};
use crate::client::{ClientSettings, V3Response};
use crate::error::ErrorInfo;
use crate::notify::{DepositBackNotification, ExpectedOrder, TradeNotification};
use crate::observe::LogRecord;
use crate::reconcile::{MerchantOrder, ReconciliationReport};
use crate::response::ResponseNode;
use crate::trade::{
    TradeAppPayRequest, TradeCancelRequest, TradeCancelResponse, TradeCloseRequest, TradeCloseResponse,
    TradeCreateRequest, TradeCreateResponse, TradeFastpayRefundQueryRequest, TradeFastpayRefundQueryResponse,
    TradePagePayRequest, TradePayRequest, TradePayResponse, TradePrecreateRequest, TradePrecreateResponse,
    TradeQueryRequest, TradeQueryResponse, TradeRefundRequest, TradeRefundResponse, TradeWapPayRequest,
};
use crate::upload::{OfflineMaterialImageUploadResponse, OpenFileUploadResponse};
use crate::workflow::{PaymentOutcome, PollPolicy, Recovered, RefundOutcome, RefundPolicy, WorkflowEvent};

/// The models the core hands out, as it serializes them (see the [module docs](self)).
pub fn answers() -> Value {
    let mut generator = generator(Contract::Serialize);
    let roots = [
        root::<TradePayResponse>(&mut generator),
        root::<TradePrecreateResponse>(&mut generator),
        root::<TradeCreateResponse>(&mut generator),
        root::<TradeQueryResponse>(&mut generator),
        root::<TradeRefundResponse>(&mut generator),
        root::<TradeFastpayRefundQueryResponse>(&mut generator),
        root::<TradeCancelResponse>(&mut generator),
        root::<TradeCloseResponse>(&mut generator),
        root::<BillDownloadUrlQueryResponse>(&mut generator),
        root::<Bill>(&mut generator),
        root::<BillFile>(&mut generator),
        root::<TradeBillRow>(&mut generator),
        root::<TradeBillSummaryRow>(&mut generator),
        root::<AccountBillRow>(&mut generator),
        root::<TradeNotification>(&mut generator),
        root::<DepositBackNotification>(&mut generator),
        root::<PaymentOutcome>(&mut generator),
        root::<RefundOutcome>(&mut generator),
        root::<WorkflowEvent>(&mut generator),
        root::<Recovered>(&mut generator),
        root::<ReconciliationReport>(&mut generator),
        root::<OpenFileUploadResponse>(&mut generator),
        root::<OfflineMaterialImageUploadResponse>(&mut generator),
        root::<ErrorInfo>(&mut generator),
        root::<ResponseNode>(&mut generator),
        root::<V3Response>(&mut generator),
        root::<LogRecord>(&mut generator),
    ];
    document(
        "alipay-core answers",
        "What alipay-core hands out: answers, bills, notifications, outcomes, events.",
        &roots,
        generator,
    )
}

/// The models the core takes, as it deserializes them (see the [module docs](self)).
pub fn requests() -> Value {
    let mut generator = generator(Contract::Deserialize);
    let roots = [
        root::<TradePayRequest>(&mut generator),
        root::<TradePrecreateRequest>(&mut generator),
        root::<TradeCreateRequest>(&mut generator),
        root::<TradeQueryRequest>(&mut generator),
        root::<TradeRefundRequest>(&mut generator),
        root::<TradeFastpayRefundQueryRequest>(&mut generator),
        root::<TradeCancelRequest>(&mut generator),
        root::<TradeCloseRequest>(&mut generator),
        root::<BillDownloadUrlQueryRequest>(&mut generator),
        root::<TradePagePayRequest>(&mut generator),
        root::<TradeWapPayRequest>(&mut generator),
        root::<TradeAppPayRequest>(&mut generator),
        root::<PollPolicy>(&mut generator),
        root::<RefundPolicy>(&mut generator),
        root::<ClientSettings>(&mut generator),
        root::<CallOptions>(&mut generator),
        root::<ExpectedOrder>(&mut generator),
        root::<MerchantOrder>(&mut generator),
    ];
    let mut doc = document(
        "alipay-core requests",
        "What alipay-core takes: typed requests, page/wap/app pay inputs, policies, client settings and call options.",
        &roots,
        generator,
    );
    doc["x-alipay-calls"] = serde_json::to_value(crate::client::TYPED_CALLS).unwrap_or_default();
    doc["x-alipay-workflows"] = serde_json::to_value(crate::workflow::WORKFLOW_CALLS).unwrap_or_default();
    doc
}

fn generator(contract: Contract) -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.contract = contract;
    settings.into_generator()
}

/// Adds `T` to the definitions and names it.
fn root<T: JsonSchema>(generator: &mut SchemaGenerator) -> String {
    generator.subschema_for::<T>();
    T::schema_name().into_owned()
}

/// One document: every model under `$defs`, sorted by name, and the roots listed as the top level's
/// `anyOf` so that generators which follow references from the top reach them all.
fn document(title: &str, description: &str, roots: &[String], mut generator: SchemaGenerator) -> Value {
    let mut definitions: Map<String, Value> = std::mem::take(generator.definitions_mut()).into_iter().collect();
    definitions.values_mut().for_each(plain_union_members);
    definitions.values_mut().for_each(readable_descriptions);
    let mut sorted: Vec<(String, Value)> = definitions.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let any_of: Vec<Value> = roots.iter().map(|name| json!({"$ref": format!("#/$defs/{name}")})).collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        "anyOf": any_of,
        "$defs": Map::from_iter(sorted),
    })
}

/// A union member that refers to a named model (an untagged enum's variant) is that model: the
/// variant's own description is dropped, or generators declare a second, identical type for it.
fn plain_union_members(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(members)) = map.get_mut("anyOf") {
                for member in members.iter_mut() {
                    if let Value::Object(m) = member
                        && m.contains_key("$ref")
                    {
                        m.remove("description");
                    }
                }
            }
            map.values_mut().for_each(plain_union_members);
        }
        Value::Array(items) => items.iter_mut().for_each(plain_union_members),
        _ => {}
    }
}

/// Descriptions come from the Rust doc comments; other languages get them without Rust's markup:
/// no code examples, and intra-doc links as their plain text (`` [`super::Workflows::recover`] ``
/// becomes `` `recover` ``).
fn readable_descriptions(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if key == "description" => *text = readable(text),
                    _ => readable_descriptions(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(readable_descriptions),
        _ => {}
    }
}

fn readable(doc: &str) -> String {
    let mut lines = Vec::new();
    let mut in_code = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            lines.push(line);
        }
    }
    let text = lines.join("\n");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find('[') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find(']') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let (label, tail) = (&after[..end], &after[end + 1..]);
        // `[label](target)`: the label alone. `` [`path::Item`] ``: the item's name. Other brackets stay.
        let target_end = tail.strip_prefix('(').and_then(|t| t.find(')')).map(|close| close + 2);
        let code = label.strip_prefix('`').and_then(|l| l.strip_suffix('`'));
        match (code, target_end) {
            (Some(code), _) => {
                out.push('`');
                out.push_str(code.rsplit("::").next().unwrap_or(code));
                out.push('`');
            }
            (None, Some(_)) => out.push_str(label),
            (None, None) => {
                out.push('[');
                out.push_str(label);
                out.push(']');
            }
        }
        rest = target_end.map_or(tail, |n| &tail[n..]);
    }
    out.push_str(rest);
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn descriptions_lose_rust_markup_but_keep_their_words() {
        assert_eq!(
            readable("See [`super::Workflows::recover`] and [the docs](crate::workflow)."),
            "See `recover` and the docs."
        );
        assert_eq!(readable("An amount.\n\n```\nlet x = 1;\n```\n"), "An amount.");
        assert_eq!(readable("A list [a, b"), "A list [a, b");
        assert_eq!(readable("`[x]` and [x] stay"), "`[x]` and [x] stay");
    }
}
