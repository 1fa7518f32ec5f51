//! # alipay-sandbox
//!
//! An offline Alipay gateway that behaves like the real one — the way stripe-mock serves Stripe's
//! ecosystem. It speaks the v2 gateway exactly (verifies every request's RSA2 signature with the
//! registered app public key, signs every answer with its own "Alipay" key over the raw node text with
//! `/` escaped as `\/`) and the v3 protocol (`/v3/...`, the `Authorization` header, answers signed in
//! headers), both in certificate mode (it issues its own root, app and Alipay certificates with the
//! subjects of the console's files, and rotates them on demand — genuinely, or to a hostile
//! [`Rotation`] a client must refuse) and with AES content encryption. It keeps trades with
//! real state, plays the buyer (see [`buyer`]), sends signed notifications with retries, serves bills as
//! GBK CSV zips, and fails on demand ([`Fault`]), all in virtual time that can run faster than the wall
//! clock.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use alipay_sandbox::{Sandbox, SandboxConfig, buyer};
//! use alipay_core::trade::TradePayRequest;
//!
//! let sandbox = Sandbox::start(SandboxConfig { speed: 100.0, ..SandboxConfig::default() })?;
//! let client = sandbox.client()?; // in process; or `sandbox.serve(..)` for real HTTP
//! let paid = client.trade_pay(&TradePayRequest::new("T1", "9.90".parse()?, "Coffee", buyer::PAYS_AT_ONCE)).await?;
//! assert!(paid.is_paid());
//! # Ok(()) }
//! ```
//!
//! Sandbox-only HTTP endpoints (for tests in any language):
//!
//! | endpoint | what |
//! | --- | --- |
//! | `POST /gateway.do` | the v2 gateway |
//! | `POST /v3/alipay/trade/…`, `GET /v3/alipay/data/dataservice/bill/downloadurl/query` | the v3 gateway |
//! | `GET /sandbox/bill/<token>` | a bill zip (the URL the bill query returns; valid 30 s) |
//! | `POST /sandbox/qr/scan` (form `qr_code` or `out_trade_no`, `action=pay`\|`abandon`) | the buyer scans |
//! | `GET /sandbox/buyers` | the payment codes of the buyers the sandbox plays, by name ([`buyer::CODES`]) |
//! | `GET /sandbox/trades` | every trade (ground truth) |
//! | `GET /sandbox/notifications` | every notification and its delivery attempts |
//! | `POST /sandbox/time/advance` (form `seconds`) | move virtual time forward |
//! | `POST /sandbox/faults` (form `fault`, optional `method`, `ms`) | a one-shot fault (`hold`: the request is held up on its way) |
//! | `POST /sandbox/held/release` | the held-up requests reach the gateway now |
//! | `POST /sandbox/certs/rotate` (form `variant=` a [`Rotation`] name: `genuine` (default), `rogue`, `other_merchant_app`, `other_merchant_alipay`, `issued_by_leaf`, `unsigned_error_download`, `unsigned_download`; or `rogue=true`) | Alipay rotates its certificate (the hostile variants are for clients to refuse) |
#![forbid(unsafe_code)]

mod bill;
pub mod buyer;
mod ca;
mod certs;
mod clock;
mod control;
mod error;
mod faults;
mod gateway;
mod gbk;
mod notifier;
mod rotation;
mod sandbox;
mod server;
mod trades;
mod transport;
mod uploads;
mod view;

pub use bill::{BILL_URL_VALIDITY, BOOKING_DELAY, BillMisstatement, SERVICE_FEE_PER_MILLE};
pub use certs::SandboxCertificates;
pub use clock::VirtualClock;
pub use error::SandboxError;
pub use faults::{FAULT_NAMES, Fault, FaultRule};
pub use gateway::METHODS;
pub use gateway::multipart::FilePart;
pub use notifier::{Attempt, Delivery, RETRY_SCHEDULE};
pub use rotation::{Rotation, UnknownRotation};
pub use sandbox::{Reply, Sandbox, SandboxConfig, ScanOutcome};
pub use server::SandboxServer;
pub use trades::{DEFAULT_TIMEOUT, Origin, Refund, Trade};
pub use transport::InProcess;
pub use uploads::{MAX_IMAGE_BYTES, Upload};
