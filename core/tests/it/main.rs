//! Integration tests of alipay-core: the shared vectors, bad input, and the client over loopback HTTP.

mod keys;
mod node_sdk_parity;
mod response_vectors;
mod sign_vectors;
mod support;
mod vectors_in_sync;
