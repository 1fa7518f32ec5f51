//! # alipay-core
//!
//! One implementation of the Alipay (支付宝) open-platform client: RSA2-signed requests, responses and
//! notifications verified before they are believed, typed trade calls, page/wap/app pay, and bills.
#![forbid(unsafe_code)]

pub mod charset;
pub mod clock;
pub mod crypto;
mod enums;
pub mod error;
pub mod keys;
pub mod money;
pub mod notify;
pub mod response;
pub mod sign;
pub mod trade;

pub use charset::Charset;
pub use crypto::{Backend, SignType};
pub use error::{Error, ErrorKind, Result};
pub use keys::{KeyError, KeyProblem, KeyRole, PrivateKey, PublicKey};
pub use money::{Amount, Money};
