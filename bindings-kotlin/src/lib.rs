//! The Kotlin and Swift binding of alipay-core (uniffi 0.32, proc-macros): the core's client, workflows
//! and primitives as objects with async methods — Kotlin `suspend` functions, Swift `async` — over the
//! core's own models, which derive their uniffi Records in the core (feature `uniffi`).
//!
//! Every function here converts types and maps errors, nothing more. `make generate` writes the
//! Kotlin and Swift sources from the built library (`bindings-kotlin/generated/`).

// The exception is the core's error record, lowered by value across the boundary: its size is the
// record's, and boxing it would change nothing on the Kotlin or Swift side.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!("alipay_core_ffi");

// The core's custom types this crate's own signatures use (JSON as its text).
uniffi::use_remote_type!(alipay_core::serde_json::Value);

pub mod client;
pub mod error;
pub mod listener;
pub mod logging;
pub mod notification;
pub mod primitives;
pub mod qr;
pub mod reconcile;
pub mod testing;
pub mod upload;
pub mod workflows;
