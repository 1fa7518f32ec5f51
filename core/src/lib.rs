//! # alipay-core
//!
//! One implementation of the Alipay (支付宝) open-platform client: RSA2-signed requests, responses and
//! notifications verified before they are believed, typed trade calls, page/wap/app pay, bills, and
//! crash-safe face-to-face workflows ([`workflow`]) over a journal ([`journal`]).
#![forbid(unsafe_code)]

pub mod bill;
pub mod cert;
pub mod charset;
pub mod client;
pub mod clock;
pub mod crypto;
pub mod encrypt;
mod enums;
pub mod error;
#[cfg(feature = "uniffi")]
pub mod ffi;
pub mod fields;
pub mod future;
pub mod journal;
pub mod keys;
pub mod money;
pub mod notify;
pub mod observe;
pub mod primitives;
#[cfg(feature = "qr")]
pub mod qr;
mod random;
pub mod reconcile;
pub mod response;
#[cfg(feature = "schema")]
pub mod schema;
mod seconds;
pub mod sign;
pub mod trade;
pub mod transport;
pub mod upload;
pub mod v3;
pub mod workflow;

pub use charset::Charset;
pub use client::{CallOptions, Client, ClientBuilder, ClientConfig, Gateway, PageFormat, Protocol};
pub use crypto::{Backend, SignType};
pub use error::{Error, ErrorKind, GatewayError, Result};
pub use keys::{KeyError, KeyProblem, KeyRole, PrivateKey, PublicKey};
pub use money::{Amount, Money};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("alipay_core");

/// The README's examples, compiled as doc tests so they cannot rot (with every feature: they show
/// the optional ones too).
#[cfg(all(doctest, feature = "opentelemetry", feature = "sqlite"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
