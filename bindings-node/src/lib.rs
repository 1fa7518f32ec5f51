//! The Node.js binding of alipay-core: the native half. `lib/` is the JavaScript package around it
//! (the typed methods and workflow entry points, generated from the core's tables, and the error
//! classes).
//!
//! Every function here converts types and maps errors, nothing more. Values cross as plain JS
//! objects in the core's own serialized shapes (`models/*.schema.json`). Errors cross as a JS `Error`
//! whose message is the core's error record (`ErrorInfo`) as JSON, prefixed with
//! [`errors::ERROR_PREFIX`]; `lib/errors.cjs` turns it into the matching error class, and any other
//! error from the addon (a Rust panic napi contained) into an `AlipayError`.

pub mod client;
pub mod errors;
pub mod logging;
pub mod notification;
pub mod primitives;
pub mod qr;
pub mod reconcile;
pub mod testing;
pub mod upload;
pub mod workflows;
