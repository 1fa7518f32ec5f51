//! Integration tests of the sandbox: every behaviour, through alipay-core's client, in process and over
//! loopback HTTP.

mod bills;
mod cert_downloads;
mod cert_setup;
mod cert_trust;
mod conformance;
mod faults;
mod gateway;
mod gateway_v3;
mod http;
mod mitm;
mod modes;
mod node_fidelity;
#[path = "../../../tests/support/node_sdk.rs"]
mod node_sdk;
mod notifications;
mod observability;
#[path = "../../../tests/support/postgres.rs"]
mod pg;
mod reconcile;
mod support;
mod trades;
mod uploads;
mod workflows;
