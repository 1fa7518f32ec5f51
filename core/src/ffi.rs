//! The custom types the Kotlin and Swift binding (uniffi) hands over as their bridge types: money as its
//! decimal text (`java.math.BigDecimal`, Swift `Decimal`, by `bindings-kotlin/uniffi.toml`), JSON
//! objects and values as their JSON text, paths as text, string maps as maps. The models themselves
//! derive `uniffi::Record` / `uniffi::Enum` next to their serde and schema derives.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::money::{Amount, Money};

/// The unknown fields an answer keeps (`extra`), as JSON object text over FFI.
pub type JsonObject = Map<String, Value>;
/// A JSON value, as its text over FFI.
pub type JsonValue = Value;
/// A map of texts (extra request parameters, a notification's fields), as a map over FFI.
pub type StringMap = BTreeMap<String, String>;

uniffi::custom_type!(Money, String, {
    lower: |money| money.to_string(),
    try_lift: |text| Ok(text.parse::<Money>()?),
});

uniffi::custom_type!(Amount, String, {
    lower: |amount| amount.to_string(),
    try_lift: |text| Ok(text.parse::<Amount>()?),
});

uniffi::custom_type!(JsonObject, String, {
    remote,
    lower: |object| Value::Object(object).to_string(),
    try_lift: |text| match serde_json::from_str(&text)? {
        Value::Object(object) => Ok(object),
        _ => Err(uniffi::deps::anyhow::anyhow!("not a JSON object: {text}")),
    },
});

uniffi::custom_type!(JsonValue, String, {
    remote,
    lower: |value| value.to_string(),
    try_lift: |text| Ok(serde_json::from_str(&text)?),
});

uniffi::custom_type!(PathBuf, String, {
    remote,
    lower: |path| path.to_string_lossy().into_owned(),
    try_lift: |text| Ok(PathBuf::from(text)),
});

uniffi::custom_type!(StringMap, HashMap<String, String>, {
    remote,
    lower: |map| map.into_iter().collect(),
    try_lift: |map| Ok(map.into_iter().collect()),
});
