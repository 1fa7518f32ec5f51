//! The built-in journal: one SQLite file (SQLite is compiled in).
//!
//! One worker thread owns the connection. Writes that arrive together are committed in one
//! transaction (group commit, [`super::mailbox`]), and each caller's future completes only after the
//! commit that holds its write, with `synchronous=FULL` in WAL mode — so an intent that was
//! acknowledged survives a crash or a power cut, and ten thousand concurrent workflows cost a handful
//! of disk syncs, not twenty thousand.
//!
//! Several processes on one machine may share the file. Each transaction is `IMMEDIATE` (it takes the
//! write lock first, so two processes' take-overs are serialized), the worker renews this instance's
//! leases while it waits for work, and each instance holds a lock file ([`super::liveness`]) so that a
//! killed process's workflows are taken over at once.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::SystemTime;

use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use super::liveness::{self, InstanceLock};
use super::mailbox::{Command, Outbox, deliver, mailbox_journal, next_batch};
use super::{
    EntryState, EntryUpdate, JournalEntry, JournalError, JournalOptions, NotificationClaim, WorkflowKind, from_millis,
    millis_after, new_instance_name, to_millis,
};

/// The schema version this code writes (`PRAGMA user_version`).
/// 2: `app_auth_token` holds a token's fingerprint, never the token.
/// 3: workflows have an `owner` and a `lease_until`; notifications are claimed (`hold_until`) before
///    they are handled (`handled_at`); order and refund numbers are unique.
const SCHEMA_VERSION: i64 = 3;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS workflows (
    key            TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    out_trade_no   TEXT,
    trade_no       TEXT,
    out_request_no TEXT,
    biz_content    TEXT NOT NULL,
    app_auth_token TEXT,
    state          TEXT NOT NULL,
    outcome        TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    owner          TEXT,
    lease_until    INTEGER
);
CREATE TABLE IF NOT EXISTS notifications (
    notify_id  TEXT PRIMARY KEY,
    handled_at INTEGER,
    hold_until INTEGER
);
";

/// What schema 3 adds to a table of schema 1 or 2, then the indexes of every version.
const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS workflows_unfinished ON workflows (created_at) WHERE state <> 'settled';
CREATE INDEX IF NOT EXISTS workflows_created ON workflows (created_at);
CREATE INDEX IF NOT EXISTS workflows_owned ON workflows (owner) WHERE state = 'open';
CREATE UNIQUE INDEX IF NOT EXISTS workflows_order ON workflows (out_trade_no) WHERE kind <> 'refund';
CREATE UNIQUE INDEX IF NOT EXISTS workflows_refund
    ON workflows (COALESCE(out_trade_no, trade_no), out_request_no) WHERE kind = 'refund';
";

const COLUMNS: &str = "key, kind, out_trade_no, trade_no, out_request_no, biz_content, app_auth_token, state, \
                       outcome, created_at, updated_at, owner, lease_until";

/// A [`TradeJournal`](super::TradeJournal) in one SQLite file. Cheap to clone; clones are one
/// instance and share one worker thread, which stops when the last clone is dropped.
///
/// ```no_run
/// # fn demo() -> Result<(), alipay_core::journal::JournalError> {
/// let journal = alipay_core::journal::SqliteJournal::open("/var/lib/pos/alipay-journal.db")?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteJournal {
    commands: mpsc::Sender<Command>,
    instance: String,
    path: Option<PathBuf>,
}

impl SqliteJournal {
    /// Opens (creating if needed) the journal file at `path`, with the default [`JournalOptions`].
    ///
    /// # Errors
    /// [`JournalError::Storage`] when the file cannot be opened; [`JournalError::NewerSchema`] when a
    /// newer alipay-core wrote it.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, JournalError> {
        Self::open_with(path, JournalOptions::default())
    }

    /// [`SqliteJournal::open`] with these options.
    ///
    /// # Errors
    /// As [`SqliteJournal::open`].
    pub fn open_with(path: impl AsRef<Path>, options: JournalOptions) -> Result<Self, JournalError> {
        let path = path.as_ref().to_path_buf();
        create_private(&path)?;
        let conn = Connection::open(&path).map_err(storage("open the journal file"))?;
        Self::start(conn, Some(path), options)
    }

    /// A journal in memory (for tests): the same code as a file, without the file.
    ///
    /// # Errors
    /// [`JournalError::Storage`] when SQLite cannot start.
    pub fn open_in_memory() -> Result<Self, JournalError> {
        let conn = Connection::open_in_memory().map_err(storage("open an in-memory journal"))?;
        Self::start(conn, None, JournalOptions::default())
    }

    /// The file, unless in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn start(conn: Connection, path: Option<PathBuf>, options: JournalOptions) -> Result<Self, JournalError> {
        prepare(&conn)?;
        let instance = new_instance_name();
        let lock = path.as_deref().map(|p| InstanceLock::acquire(p, &instance)).transpose()?;
        let (commands, inbox) = mpsc::channel();
        let mut worker = Worker { conn, me: instance.clone(), path: path.clone(), options, _lock: lock };
        thread::Builder::new()
            .name("alipay-journal".into())
            .spawn(move || worker.run(&inbox))
            .map_err(|e| JournalError::Storage { operation: "start the journal thread", message: e.to_string() })?;
        Ok(Self { commands, instance, path })
    }
}

mailbox_journal!(SqliteJournal);

/// Creates the journal file readable and writable by its owner only (`0600` on Unix; SQLite gives its
/// `-wal` and `-shm` files the same mode). An existing file is left as it is.
fn create_private(path: &Path) -> Result<(), JournalError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(JournalError::Storage { operation: "create the journal file", message: e.to_string() }),
    }
}

fn storage(operation: &'static str) -> impl Fn(rusqlite::Error) -> JournalError {
    move |e| JournalError::Storage { operation, message: e.to_string() }
}

fn prepare(conn: &Connection) -> Result<(), JournalError> {
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(storage("set the busy timeout"))?;
    let version: i64 =
        conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(storage("read the schema version"))?;
    if version > SCHEMA_VERSION {
        return Err(JournalError::NewerSchema { found: version, known: SCHEMA_VERSION });
    }
    // WAL + FULL: a committed write survives a power cut; readers never block the writer.
    conn.pragma_update(None, "journal_mode", "WAL").map_err(storage("enable WAL"))?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(storage("set synchronous=FULL"))?;
    // What is deleted or replaced is overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON").map_err(storage("set secure_delete"))?;
    if version < SCHEMA_VERSION {
        migrate(conn)?;
    }
    Ok(())
}

/// Brings a new file, or one of an older schema, to [`SCHEMA_VERSION`] — in one transaction, which
/// another process opening the file at the same moment waits for.
fn migrate(conn: &Connection) -> Result<(), JournalError> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(storage("start the migration"))?;
    let migrated = (|| {
        // Another process may have migrated while this one waited for the lock.
        let version: i64 =
            conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(storage("read the schema version"))?;
        if version >= SCHEMA_VERSION {
            return Ok(false);
        }
        conn.execute_batch(SCHEMA).map_err(storage("create the schema"))?;
        if !has_column(conn, "workflows", "owner")? {
            conn.execute_batch(
                "ALTER TABLE workflows ADD COLUMN owner TEXT; ALTER TABLE workflows ADD COLUMN lease_until INTEGER;",
            )
            .map_err(storage("add ownership to the workflows"))?;
        }
        if !has_column(conn, "notifications", "hold_until")? {
            // Schema 1 and 2 kept only handled notifications, `handled_at NOT NULL`.
            conn.execute_batch(
                "ALTER TABLE notifications RENAME TO notifications_v2;
                 CREATE TABLE notifications (notify_id TEXT PRIMARY KEY, handled_at INTEGER, hold_until INTEGER);
                 INSERT INTO notifications (notify_id, handled_at) SELECT notify_id, handled_at FROM notifications_v2;
                 DROP TABLE notifications_v2;",
            )
            .map_err(storage("migrate the notifications"))?;
        }
        conn.execute_batch(INDEXES).map_err(storage("create the indexes"))?;
        scrub_tokens(conn)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(storage("write the schema version"))?;
        Ok(true)
    })();
    match migrated {
        Ok(scrubbed) => {
            conn.execute_batch("COMMIT").map_err(storage("commit the migration"))?;
            if scrubbed {
                // Write the scrubbed pages over the old ones in the file now, not at a later checkpoint.
                conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                    .map_err(storage("checkpoint the migrated journal"))?;
            }
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn has_column(conn: &Connection, table: &str, column: &str) -> Result<bool, JournalError> {
    let mut statement = conn
        .prepare(&format!("SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1"))
        .map_err(storage("read the schema"))?;
    statement.exists([column]).map_err(storage("read the schema"))
}

/// A journal written before schema 2 kept `app_auth_token`s in clear: each is replaced by its
/// fingerprint, so the file holds no usable credential from now on.
fn scrub_tokens(conn: &Connection) -> Result<(), JournalError> {
    let mut select = conn
        .prepare("SELECT key, app_auth_token FROM workflows WHERE app_auth_token IS NOT NULL AND app_auth_token NOT LIKE 'sha256:%'")
        .map_err(storage("find tokens kept in clear"))?;
    let clear: Vec<(String, String)> = select
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(Iterator::collect)
        .map_err(storage("read tokens kept in clear"))?;
    for (key, token) in clear {
        conn.execute(
            "UPDATE workflows SET app_auth_token = ?1 WHERE key = ?2",
            (super::token_fingerprint(&token), key),
        )
        .map_err(storage("replace a token by its fingerprint"))?;
    }
    Ok(())
}

/// The thread that owns the connection.
struct Worker {
    conn: Connection,
    me: String,
    /// The file, for the lock files of other instances (none in memory).
    path: Option<PathBuf>,
    options: JournalOptions,
    _lock: Option<InstanceLock>,
}

impl Worker {
    /// Runs batches as they come; renews this instance's leases whenever a third of a lease passed.
    fn run(&mut self, inbox: &mpsc::Receiver<Command>) {
        let every = self.options.renew_every();
        let mut renewed = std::time::Instant::now();
        loop {
            match next_batch(inbox, every) {
                Err(()) => return,
                Ok(Some(batch)) => self.run_batch(batch),
                Ok(None) => {}
            }
            if renewed.elapsed() >= every {
                // A failed renewal is retried next time; should the lease run out meanwhile, the next
                // write tells the workflow (LeaseLost).
                let _ = self.conn.execute(
                    "UPDATE workflows SET lease_until = ?2 WHERE owner = ?1 AND state = 'open'",
                    params![self.me, millis_after(SystemTime::now(), self.options.lease)],
                );
                renewed = std::time::Instant::now();
            }
        }
    }

    fn run_batch(&mut self, batch: Vec<Command>) {
        let tx = match self.conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(e) => {
                let err = storage("start a transaction")(e);
                batch.into_iter().for_each(|c| c.fail(err.clone()));
                return;
            }
        };
        let on = Tx { tx: &tx, me: &self.me, path: self.path.as_deref(), options: self.options };
        let answers: Vec<Outbox> = batch.into_iter().map(|command| on.execute(command)).collect();
        let committed = tx.commit().err().map(storage("commit"));
        for answer in answers {
            answer(committed.clone());
        }
    }
}

/// One transaction, as this instance.
struct Tx<'a> {
    tx: &'a Transaction<'a>,
    me: &'a str,
    path: Option<&'a Path>,
    options: JournalOptions,
}

impl Tx<'_> {
    fn execute(&self, command: Command) -> Outbox {
        match command {
            Command::Begin(entry, reply) => deliver(reply, self.begin(entry)),
            Command::Acquire(key, reply) => deliver(reply, self.acquire(&key)),
            Command::Update(key, update, reply) => deliver(reply, self.update(&key, &update)),
            Command::Entry(key, reply) => deliver(reply, self.load(&key)),
            Command::Unfinished(reply) => deliver(reply, self.list("state <> 'settled'", [])),
            Command::CreatedBetween(from, to, reply) => {
                deliver(reply, self.list("created_at >= ?1 AND created_at < ?2", [from, to]))
            }
            Command::TakeOver(reply) => deliver(reply, self.take_over()),
            Command::ClaimNotification(id, reply) => deliver(reply, self.claim_notification(&id)),
            Command::MarkNotification(id, reply) => deliver(
                reply,
                self.tx
                    .execute(
                        "INSERT INTO notifications (notify_id, handled_at) VALUES (?1, ?2) \
                         ON CONFLICT (notify_id) DO UPDATE SET handled_at = excluded.handled_at, hold_until = NULL",
                        params![id, to_millis(SystemTime::now())],
                    )
                    .map(drop)
                    .map_err(storage("record a notification")),
            ),
        }
    }

    fn lease_until(&self, now: SystemTime) -> i64 {
        millis_after(now, self.options.lease)
    }

    /// `true` when `entry` is held by another instance that is still alive: its lease runs, and (for a
    /// file) its process still holds its lock file.
    fn held_elsewhere(&self, entry: &JournalEntry, now: SystemTime) -> bool {
        let Some(owner) = entry.owner.as_deref().filter(|o| *o != self.me) else { return false };
        let leased = entry.lease_until.is_some_and(|until| until > now);
        leased && self.path.is_none_or(|path| liveness::is_live(path, owner))
    }

    fn begin(&self, mut e: JournalEntry) -> Result<Option<JournalEntry>, JournalError> {
        if let Some(existing) = self.load(&e.key)? {
            return Ok(Some(existing));
        }
        let now = SystemTime::now();
        e.owner = Some(self.me.to_string());
        self.tx
            .execute(
                &format!(
                    "INSERT INTO workflows ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
                ),
                params![
                    e.key,
                    e.kind.as_str(),
                    e.out_trade_no,
                    e.trade_no,
                    e.out_request_no,
                    e.biz_content,
                    e.app_auth_token_id,
                    e.state.as_str(),
                    e.outcome,
                    to_millis(e.created_at),
                    to_millis(e.updated_at),
                    e.owner,
                    self.lease_until(now),
                ],
            )
            .map_err(storage("record an intent"))?;
        Ok(None)
    }

    fn acquire(&self, key: &str) -> Result<JournalEntry, JournalError> {
        let now = SystemTime::now();
        let entry = self.load(key)?.ok_or_else(|| no_entry(key))?;
        if self.held_elsewhere(&entry, now) {
            return Err(JournalError::Held { key: key.to_string(), holder: entry.owner.unwrap_or_default() });
        }
        self.own(key, now, true)?;
        self.load(key)?.ok_or_else(|| no_entry(key))
    }

    /// Makes `key` this instance's, under a fresh lease (and open again, if `reopen`).
    fn own(&self, key: &str, now: SystemTime, reopen: bool) -> Result<(), JournalError> {
        let reopen = if reopen { ", state = 'open'" } else { "" };
        self.tx
            .execute(
                &format!("UPDATE workflows SET owner = ?2, lease_until = ?3, updated_at = ?4{reopen} WHERE key = ?1"),
                params![key, self.me, self.lease_until(now), to_millis(now)],
            )
            .map(drop)
            .map_err(storage("take a workflow over"))
    }

    fn update(&self, key: &str, u: &EntryUpdate) -> Result<(), JournalError> {
        let now = SystemTime::now();
        // Ending the workflow ends the ownership; otherwise the write renews the lease.
        let ends = u.state.is_some_and(|s| s != EntryState::Open);
        let changed = self
            .tx
            .execute(
                "UPDATE workflows SET state = COALESCE(?3, state), trade_no = COALESCE(?4, trade_no), \
                 outcome = COALESCE(?5, outcome), updated_at = ?6, \
                 owner = CASE WHEN ?7 THEN NULL ELSE owner END, \
                 lease_until = CASE WHEN ?7 THEN NULL ELSE ?8 END \
                 WHERE key = ?1 AND owner = ?2",
                params![
                    key,
                    self.me,
                    u.state.map(EntryState::as_str),
                    u.trade_no,
                    u.outcome,
                    to_millis(now),
                    ends,
                    self.lease_until(now),
                ],
            )
            .map_err(storage("update an entry"))?;
        if changed == 0 {
            let entry = self.load(key)?.ok_or_else(|| no_entry(key))?;
            return Err(JournalError::LeaseLost { key: key.to_string(), holder: entry.owner.unwrap_or_default() });
        }
        Ok(())
    }

    fn take_over(&self) -> Result<Vec<JournalEntry>, JournalError> {
        let now = SystemTime::now();
        let mut taken = Vec::new();
        for mut entry in self.list("state <> 'settled'", [])? {
            if self.held_elsewhere(&entry, now) {
                continue;
            }
            self.own(&entry.key, now, false)?;
            entry.owner = Some(self.me.to_string());
            entry.lease_until = Some(from_millis(self.lease_until(now)));
            taken.push(entry);
        }
        Ok(taken)
    }

    fn claim_notification(&self, id: &str) -> Result<NotificationClaim, JournalError> {
        let now = SystemTime::now();
        let hold = millis_after(now, self.options.notification_hold);
        let inserted = self
            .tx
            .execute(
                "INSERT INTO notifications (notify_id, hold_until) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![id, hold],
            )
            .map_err(storage("claim a notification"))?;
        if inserted == 1 {
            return Ok(NotificationClaim::First);
        }
        let (handled, until): (Option<i64>, Option<i64>) = self
            .tx
            .query_row("SELECT handled_at, hold_until FROM notifications WHERE notify_id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(storage("look up a notification"))?;
        if handled.is_some() {
            return Ok(NotificationClaim::Handled);
        }
        if until.is_some_and(|until| until > to_millis(now)) {
            return Ok(NotificationClaim::InProgress);
        }
        // Its first receiver never marked it handled in time (it crashed): offered again.
        self.tx
            .execute("UPDATE notifications SET hold_until = ?2 WHERE notify_id = ?1", params![id, hold])
            .map_err(storage("claim a notification"))?;
        Ok(NotificationClaim::First)
    }

    fn load(&self, key: &str) -> Result<Option<JournalEntry>, JournalError> {
        self.tx
            .query_row(&format!("SELECT {COLUMNS} FROM workflows WHERE key = ?1"), [key], read_row)
            .optional()
            .map_err(storage("read an entry"))?
            .transpose()
    }

    fn list(&self, filter: &str, params: impl rusqlite::Params) -> Result<Vec<JournalEntry>, JournalError> {
        let mut statement = self
            .tx
            .prepare(&format!("SELECT {COLUMNS} FROM workflows WHERE {filter} ORDER BY created_at, key"))
            .map_err(storage("list entries"))?;
        let rows = statement.query_map(params, read_row).map_err(storage("list entries"))?;
        rows.map(|r| r.map_err(storage("list entries"))?).collect()
    }
}

fn no_entry(key: &str) -> JournalError {
    JournalError::Storage { operation: "update an entry", message: format!("no entry `{key}`") }
}

/// Reads a row; a row with an unknown kind or state is reported as corrupt, not skipped.
fn read_row(r: &Row<'_>) -> rusqlite::Result<Result<JournalEntry, JournalError>> {
    let key: String = r.get(0)?;
    let (kind, state): (String, String) = (r.get(1)?, r.get(7)?);
    let corrupt = |message: String| JournalError::Corrupt { key: key.clone(), message };
    let Some(kind) = WorkflowKind::parse(&kind) else { return Ok(Err(corrupt(format!("unknown kind `{kind}`")))) };
    let Some(state) = EntryState::parse(&state) else { return Ok(Err(corrupt(format!("unknown state `{state}`")))) };
    Ok(Ok(JournalEntry {
        key,
        kind,
        out_trade_no: r.get(2)?,
        trade_no: r.get(3)?,
        out_request_no: r.get(4)?,
        biz_content: r.get(5)?,
        app_auth_token_id: r.get(6)?,
        state,
        outcome: r.get(8)?,
        created_at: from_millis(r.get(9)?),
        updated_at: from_millis(r.get(10)?),
        owner: r.get(11)?,
        lease_until: r.get::<_, Option<i64>>(12)?.map(from_millis),
    }))
}
