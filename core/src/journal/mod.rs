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
//!
//! # Many processes, one journal
//!
//! Every journal object is an *instance* ([`TradeJournal::instance`]). An instance owns the workflows
//! it begins, under a lease ([`JournalOptions::lease`]) that it renews while it lives. Another
//! instance — a second process on the same SQLite file, or another machine on the same PostgreSQL
//! database — takes a workflow over ([`TradeJournal::take_over`], what `recover()` calls) only once its
//! owner is gone: its lease expired, or (SQLite) its process no longer holds its lock file. A workflow
//! whose entry was taken over learns it at its next journal write ([`JournalError::LeaseLost`]) and
//! stops acting. Two instances recovering at once never both act on one trade.
//!
//! Notifications are claimed atomically ([`TradeJournal::claim_notification`]): of two deliveries of one
//! `notify_id` arriving together on two instances, exactly one is the first.

#[cfg(feature = "sqlite")]
mod liveness;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod mailbox;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryJournal;
#[cfg(feature = "postgres")]
pub use postgres::PostgresJournal;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteJournal;

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The path that names a journal kept in memory, as SQLite spells it.
pub const IN_MEMORY: &str = ":memory:";

/// The journal a user names: a PostgreSQL URL (`postgresql://…` or `postgres://…`, feature
/// `postgres`) opens a [`PostgresJournal`] shared by every instance; any other path a SQLite file
/// (created if new); the path [`IN_MEMORY`] a [`MemoryJournal`] that forgets everything when the
/// process ends (tests only). What the language bindings open from a user's string.
///
/// # Errors
/// [`JournalError`] when the store cannot be opened or is not a journal, and for a PostgreSQL URL in
/// a build without the `postgres` feature.
#[cfg(feature = "sqlite")]
pub fn open(path: impl AsRef<std::path::Path>) -> Result<std::sync::Arc<dyn TradeJournal>, JournalError> {
    open_with(path, JournalOptions::default())
}

/// [`open`] with leases and holds of your choosing.
///
/// # Errors
/// As [`open`].
#[cfg(feature = "sqlite")]
pub fn open_with(
    path: impl AsRef<std::path::Path>,
    options: JournalOptions,
) -> Result<std::sync::Arc<dyn TradeJournal>, JournalError> {
    let path = path.as_ref();
    if let Some(url) = path.to_str().filter(|p| is_postgres_url(p)) {
        #[cfg(feature = "postgres")]
        return Ok(std::sync::Arc::new(PostgresJournal::open_with(url, options)?));
        #[cfg(not(feature = "postgres"))]
        return Err(JournalError::Storage {
            operation: "open the journal",
            message: format!(
                "`{}` is a PostgreSQL URL, and this build of alipay-core has no PostgreSQL journal (feature `postgres`)",
                url.split('@').next_back().unwrap_or("")
            ),
        });
    }
    Ok(if path.as_os_str() == IN_MEMORY {
        std::sync::Arc::new(MemoryJournal::with_options(options))
    } else {
        std::sync::Arc::new(SqliteJournal::open_with(path, options)?)
    })
}

/// `true` for a string that names a PostgreSQL database rather than a file.
pub fn is_postgres_url(s: &str) -> bool {
    s.starts_with("postgresql://") || s.starts_with("postgres://")
}

/// How long ownership and notification claims last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalOptions {
    /// How long a workflow stays its instance's after the instance last renewed it (default 30 s).
    /// A live instance renews its leases every third of this; an instance that stops renewing (its
    /// machine died, its network is cut) has its workflows taken over by the next `recover()` after
    /// this long.
    pub lease: Duration,
    /// How long a notification being handled is held for its first receiver (default 60 s). A
    /// handler that crashed before [`TradeJournal::mark_notification_handled`] has the notification
    /// offered again as a first delivery once this has passed.
    pub notification_hold: Duration,
}

impl Default for JournalOptions {
    fn default() -> Self {
        Self { lease: Duration::from_secs(30), notification_hold: Duration::from_secs(60) }
    }
}

impl JournalOptions {
    /// The default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// With this lease.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// With this notification hold.
    #[must_use]
    pub fn with_notification_hold(mut self, hold: Duration) -> Self {
        self.notification_hold = hold;
        self
    }

    /// How often a live instance renews its leases.
    pub(crate) fn renew_every(&self) -> Duration {
        (self.lease / 3).max(Duration::from_millis(10))
    }
}

/// A name for a new journal instance, unique across machines and processes: `host:pid:random`.
pub(crate) fn new_instance_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_string());
    let mut random = [0u8; 6];
    // Without randomness the pid and a counter still keep names unique within this machine.
    if getrandom::fill(&mut random).is_err() {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        random[..].copy_from_slice(&COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_be_bytes()[2..]);
    }
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let host: String = host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.')).take(64).collect();
    format!("{host}:{}:{hex}", std::process::id())
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
    /// The instance ([`TradeJournal::instance`]) running the workflow, while one does. `None` once it
    /// ended, settled or unresolved: anyone's `recover()` may then pick an unresolved one up.
    pub owner: Option<String>,
    /// Until when the owner's lease runs, unless renewed.
    pub lease_until: Option<SystemTime>,
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
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl JournalEntry {
    /// A new open entry, not yet owned (the journal makes it its instance's in [`TradeJournal::begin`]).
    pub fn new(key: String, kind: WorkflowKind, biz_content: String, now: SystemTime) -> Self {
        Self {
            key,
            kind,
            out_trade_no: None,
            trade_no: None,
            out_request_no: None,
            biz_content,
            app_auth_token_id: None,
            state: EntryState::Open,
            outcome: None,
            created_at: now,
            updated_at: now,
            owner: None,
            lease_until: None,
        }
    }

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
    /// This instance no longer owns the workflow: its lease ran out and another instance took it over.
    /// The workflow stops acting; its new owner finishes it.
    #[error("journal entry `{key}` was taken over by instance `{holder}`; this instance stops acting on it")]
    LeaseLost {
        /// The entry's key.
        key: String,
        /// Who holds it now (empty when nobody does).
        holder: String,
    },
    /// Another live instance is running the workflow.
    #[error("journal entry `{key}` is being worked on by instance `{holder}`")]
    Held {
        /// The entry's key.
        key: String,
        /// The instance holding it.
        holder: String,
    },
    /// The store was written by a newer alipay-core, with a schema this version does not know.
    #[error("the journal has schema version {found}; this alipay-core knows versions up to {known}")]
    NewerSchema {
        /// The stored version.
        found: i64,
        /// The newest version this code knows.
        known: i64,
    },
}

impl JournalError {
    /// `true` when another instance owns the workflow ([`JournalError::LeaseLost`] or
    /// [`JournalError::Held`]): what becomes of it is that instance's to find out.
    pub fn is_held_elsewhere(&self) -> bool {
        matches!(self, JournalError::LeaseLost { .. } | JournalError::Held { .. })
    }
}

/// What [`TradeJournal::claim_notification`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationClaim {
    /// First delivery: this caller handles it, then calls
    /// [`TradeJournal::mark_notification_handled`].
    First,
    /// Another receiver is handling it right now (claimed less than
    /// [`JournalOptions::notification_hold`] ago, not yet marked handled). Answer Alipay with
    /// anything but `success`, so it delivers again; by then it is handled or offered again.
    InProgress,
    /// Handled before: acknowledge it with `success` and do nothing else.
    Handled,
}

impl NotificationClaim {
    /// The stored and bindings' name: `first`, `in_progress`, `handled`.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationClaim::First => "first",
            NotificationClaim::InProgress => "in_progress",
            NotificationClaim::Handled => "handled",
        }
    }
}

/// Where workflows record their intent and outcome. Implementations must make a write durable before
/// its future completes: a workflow sends nothing until its intent is recorded.
///
/// The ownership rules (see the module's documentation) are part of the contract: the tests in
/// `core/tests/it/journal.rs` hold every implementation to them.
pub trait TradeJournal: Send + Sync + fmt::Debug {
    /// This instance's name, unique among every instance sharing the store (`host:pid:random`).
    fn instance(&self) -> &str;

    /// Records a new workflow, owned by this instance under a fresh lease. When an entry with the same
    /// key exists, nothing is written and the existing entry is returned.
    fn begin(&self, entry: JournalEntry) -> BoxFuture<'_, Result<Option<JournalEntry>, JournalError>>;

    /// Makes an existing entry this instance's again, open, under a fresh lease — unless another live
    /// instance holds it ([`JournalError::Held`]). A refund resumed by calling it again does this.
    fn acquire<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<JournalEntry, JournalError>>;

    /// Changes an entry this instance owns (and its `updated_at`, and renews the lease). An update to
    /// [`EntryState::Settled`] or [`EntryState::Unresolved`] ends the ownership. An entry another
    /// instance took over is not changed: [`JournalError::LeaseLost`].
    fn update<'a>(&'a self, key: &'a str, update: EntryUpdate) -> BoxFuture<'a, Result<(), JournalError>>;

    /// One entry.
    fn entry<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<JournalEntry>, JournalError>>;

    /// Every entry not [`EntryState::Settled`], oldest first, whoever owns it (for operators: it
    /// changes nothing).
    fn unfinished(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>>;

    /// Every entry whose intent was written ([`JournalEntry::created_at`]) in `from..to`, in any
    /// state, oldest first (for reconciliation: it changes nothing).
    fn created_between(
        &self,
        from: SystemTime,
        to: SystemTime,
    ) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>>;

    /// Takes every unfinished entry nobody else can be working on — unowned, owned by this instance,
    /// or owned by an instance that is gone — and makes it this instance's. Oldest first. Of two
    /// instances taking over at once, each entry goes to exactly one.
    fn take_over(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>>;

    /// Claims the notification `notify_id` for handling, atomically across every instance: see
    /// [`NotificationClaim`].
    fn claim_notification<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<NotificationClaim, JournalError>>;

    /// Remembers that the notification `notify_id` was handled. Call it after your handler succeeded,
    /// before acknowledging with `success`.
    fn mark_notification_handled<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<(), JournalError>>;
}

/// `now + d`, as stored (milliseconds).
pub(crate) fn millis_after(now: SystemTime, d: Duration) -> i64 {
    to_millis(now).saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Milliseconds since the Unix epoch, as stored.
pub(crate) fn to_millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)).unwrap_or(0)
}

/// The inverse of [`to_millis`].
pub(crate) fn from_millis(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}
