//! The face-to-face workflows of alipay-core against the sandbox, in virtual time: every buyer × every
//! fault, QR codes, handles, refunds, recovery, and a crash test that kills a real process.

mod crash;
mod handles;
mod instances;
mod leases;
mod matrix;
mod notifications;
mod qr;
mod recovery;
mod refunds;
mod truth;
