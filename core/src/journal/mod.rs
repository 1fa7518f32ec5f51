//! The workflow journal: every workflow writes its intent before its first request and its outcome at
//! the end, so a crash never loses a payment in flight — [`crate::workflow::Workflows::recover`] reads
//! the unfinished entries and drives each to a truthful end.
//!
//! [`SqliteJournal`] (feature `sqlite`, on by default) is the built-in store: one embedded file, right
//! for a POS device as much as a server. [`MemoryJournal`] keeps entries in memory only (tests, or
//! callers who accept losing track of workflows on a crash). Any other store implements
//! [`TradeJournal`].
//!
//! The journal also remembers which asynchronous notifications were handled, by `notify_id`, because
//! Alipay delivers a notification again until it is acknowledged.

mod memory;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryJournal;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteJournal;

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The path that names a journal kept in memory, as SQLite spells it.
pub const IN_MEMORY: &str = ":memory:";

/// The journal at `path`: a SQLite file (created if new) — or, for the path [`IN_MEMORY`], a
/// [`MemoryJournal`] that forgets everything when the process ends (tests only). What the language
/// bindings open from a user's path.
///
/// # Errors
/// [`JournalError`] when the file cannot be opened or is not a journal.
#[cfg(feature = "sqlite")]
pub fn open(path: impl AsRef<std::path::Path>) -> Result<std::sync::Arc<dyn TradeJournal>, JournalError> {
    let path = path.as_ref();
    Ok(if path.as_os_str() == IN_MEMORY {
        std::sync::Arc::new(MemoryJournal::new())
    } else {
        std::sync::Arc::new(SqliteJournal::open(path)?)
    })
}

use crate::future::BoxFuture;

/// Which workflow an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkflowKind {
    /// A barcode payment (`alipay.trade.pay`) and its polling and cancel.
    Pay,
    /// A QR payment (`alipay.trade.precreate`) and its polling and cancel.
    Precreate,
    /// A refund (`alipay.trade.refund`) and its confirmation.
    Refund,
}

impl WorkflowKind {
    /// The stored name: `pay`, `precreate`, `refund`.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowKind::Pay => "pay",
            WorkflowKind::Precreate => "precreate",
            WorkflowKind::Refund => "refund",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pay" => Some(WorkflowKind::Pay),
            "precreate" => Some(WorkflowKind::Precreate),
            "refund" => Some(WorkflowKind::Refund),
            _ => None,
        }
    }
}

/// Where a workflow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryState {
    /// Running, or cut off by a crash.
    Open,
    /// Ended without a known outcome (a cancel whose result stayed unknown, answers that would not
    /// verify). `recover()` tries again.
    Unresolved,
    /// Ended with a known outcome.
    Settled,
}

impl EntryState {
    /// The stored name: `open`, `unresolved`, `settled`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Open => "open",
            EntryState::Unresolved => "unresolved",
            EntryState::Settled => "settled",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(EntryState::Open),
            "unresolved" => Some(EntryState::Unresolved),
            "settled" => Some(EntryState::Settled),
            _ => None,
        }
    }

    /// `true` for the states `recover()` picks up.
    pub fn is_unfinished(self) -> bool {
        self != EntryState::Settled
    }
}

/// One workflow, as journaled.
#[derive(Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// Unique per workflow: `trade:<out_trade_no>` for payments, `refund:<trade>:<out_request_no>`.
    pub key: String,
    /// Which workflow.
    pub kind: WorkflowKind,
    /// Your order number.
    pub out_trade_no: Option<String>,
    /// Alipay's trade number, once known.
    pub trade_no: Option<String>,
    /// The refund's number (refunds only).
    pub out_request_no: Option<String>,
    /// The exact `biz_content` sent (a refund is re-sent byte for byte from it).
    pub biz_content: String,
    /// The fingerprint ([`token_fingerprint`]) of the ISV's `app_auth_token` the workflow ran with —
    /// never the token itself, which is a credential. Recovery acts for the same merchant with the
    /// token the application supplies ([`crate::workflow::Workflows::recover_with_tokens`]).
    pub app_auth_token_id: Option<String>,
    /// Where it stands.
    pub state: EntryState,
    /// The outcome, as a JSON summary, once the workflow ended.
    pub outcome: Option<String>,
    /// When the intent was written.
    pub created_at: SystemTime,
    /// When the entry last changed.
    pub updated_at: SystemTime,
}

impl fmt::Debug for JournalEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JournalEntry")
            .field("key", &self.key)
            .field("kind", &self.kind)
            .field("out_trade_no", &self.out_trade_no)
            .field("trade_no", &self.trade_no)
            .field("out_request_no", &self.out_request_no)
            .field("biz_content", &self.biz_content)
            .field("app_auth_token_id", &self.app_auth_token_id)
            .field("state", &self.state)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

impl JournalEntry {
    /// The key of the payment workflow of order `out_trade_no` (one per order, ever).
    pub fn trade_key(out_trade_no: &str) -> String {
        format!("trade:{out_trade_no}")
    }

    /// The key of refund `out_request_no` of a trade (named by `out_trade_no`, else `trade_no`).
    pub fn refund_key(trade: &str, out_request_no: &str) -> String {
        format!("refund:{trade}:{out_request_no}")
    }
}

/// What the journal keeps of an `app_auth_token`: `sha256:` and the first 16 hex digits of its SHA-256.
/// It tells which token a workflow ran with, and cannot be used as one.
pub fn token_fingerprint(token: &str) -> String {
    use sha2::{Digest as _, Sha256};
    let digest = Sha256::digest(token.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{TOKEN_ID_PREFIX}{hex}")
}

/// How a token fingerprint starts (a value without it, in an old journal, is a token in clear).
pub(crate) const TOKEN_ID_PREFIX: &str = "sha256:";

/// Changes to an entry; `None` fields are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryUpdate {
    /// The new state.
    pub state: Option<EntryState>,
    /// Alipay's trade number, learned from an answer.
    pub trade_no: Option<String>,
    /// The outcome summary.
    pub outcome: Option<String>,
}

/// The journal store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The store could not do what was asked.
    #[error("the journal store failed to {operation}: {message}")]
    Storage {
        /// What was being done, e.g. `record an intent`.
        operation: &'static str,
        /// The store's reason.
        message: String,
    },
    /// A stored entry could not be read back.
    #[error("journal entry `{key}` cannot be read: {message}")]
    Corrupt {
        /// The entry's key.
        key: String,
        /// What is wrong with it.
        message: String,
    },
    /// The journal has shut down (its worker stopped).
    #[error("the journal has shut down")]
    Closed,
}

/// Where workflows record their intent and outcome. Implementations must make a write durable before
/// its future completes: a workflow sends nothing until its intent is recorded.
pub trait TradeJournal: Send + Sync + fmt::Debug {
    /// Records a new workflow. When an entry with the same key exists, nothing is written and the
    /// existing entry is returned.
    fn begin(&self, entry: JournalEntry) -> BoxFuture<'_, Result<Option<JournalEntry>, JournalError>>;

    /// Changes an entry (and its `updated_at`).
    fn update<'a>(&'a self, key: &'a str, update: EntryUpdate) -> BoxFuture<'a, Result<(), JournalError>>;

    /// One entry.
    fn entry<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<JournalEntry>, JournalError>>;

    /// Every entry not [`EntryState::Settled`], oldest first.
    fn unfinished(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>>;

    /// `true` when the notification `notify_id` was already handled.
    fn notification_handled<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<bool, JournalError>>;

    /// Remembers that the notification `notify_id` was handled. Call it after your handler succeeded,
    /// before acknowledging with `success`.
    fn mark_notification_handled<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<(), JournalError>>;
}

/// Milliseconds since the Unix epoch, as stored.
pub(crate) fn to_millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)).unwrap_or(0)
}

/// The inverse of [`to_millis`].
pub(crate) fn from_millis(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}
