//! Integration tests of alipay-core: the shared vectors, bad input, and the client over loopback HTTP.

mod aes_vectors;
mod bills;
mod cert_download_guard;
mod cert_trust;
mod cert_vectors;
mod charset_vectors;
mod client_config;
#[cfg(feature = "reqwest")]
mod client_http;
#[cfg(feature = "reqwest")]
mod client_v3;
mod conformance;
mod fuzz;
#[cfg(feature = "schema")]
mod generated_schema;
mod journal;
mod keys;
mod models;
#[path = "../../../tests/support/node_sdk.rs"]
mod node_sdk;
mod node_sdk_parity;
mod notify;
mod pages;
#[cfg(feature = "postgres")]
#[path = "../../../tests/support/postgres.rs"]
mod pg;
mod primitives;
#[cfg(feature = "qr")]
mod qr_images;
mod reconcile_orders;
#[cfg(feature = "reqwest")]
mod responder;
mod response_vectors;
mod robustness;
mod sign_vectors;
mod support;
mod uploads;
mod v3_vectors;
mod vectors_in_sync;
