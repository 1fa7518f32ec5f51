//! Integration tests of the sandbox: every behaviour, through alipay-core's client, in process and over
//! loopback HTTP.

mod bills;
mod faults;
mod gateway;
mod http;
mod node_fidelity;
mod notifications;
mod support;
mod trades;
