//! The sandbox's error type: what its setup and library calls fail with, the certificate authority
//! and the certificate side included.

/// A sandbox error (setup or library calls).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Key generation or loading failed.
    #[error("sandbox keys: {0}")]
    Keys(String),
    /// The server could not start.
    #[error("sandbox server: {0}")]
    Server(String),
    /// No such trade (or QR code).
    #[error("no trade {0}")]
    NoTrade(String),
    /// The trade is not in a state that allows this.
    #[error("trade {out_trade_no} is {status}")]
    WrongState {
        /// The trade.
        out_trade_no: String,
        /// Its state.
        status: String,
    },
}
