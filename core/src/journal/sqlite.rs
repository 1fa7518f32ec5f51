//! The built-in journal: one SQLite file (SQLite is compiled in).
//!
//! One worker thread owns the connection. Writes that arrive together are committed in one
//! transaction (group commit), and each caller's future completes only after the commit that holds its
//! write, with `synchronous=FULL` in WAL mode — so an intent that was acknowledged survives a crash or
//! a power cut, and ten thousand concurrent workflows cost a handful of disk syncs, not twenty thousand.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use tokio::sync::oneshot;

use super::{EntryState, EntryUpdate, JournalEntry, JournalError, TradeJournal, WorkflowKind, from_millis, to_millis};
use crate::future::BoxFuture;

/// The schema version this code writes (`PRAGMA user_version`).
/// 2: `app_auth_token` holds a token's fingerprint, never the token.
const SCHEMA_VERSION: i64 = 2;

/// At most this many writes share one transaction.
const MAX_BATCH: usize = 1024;

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
    updated_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS workflows_unfinished ON workflows (created_at) WHERE state <> 'settled';
CREATE TABLE IF NOT EXISTS notifications (
    notify_id  TEXT PRIMARY KEY,
    handled_at INTEGER NOT NULL
);
";

const COLUMNS: &str = "key, kind, out_trade_no, trade_no, out_request_no, biz_content, app_auth_token, state, \
                       outcome, created_at, updated_at";

type Reply<T> = oneshot::Sender<Result<T, JournalError>>;

enum Command {
    Begin(JournalEntry, Reply<Option<JournalEntry>>),
    Update(String, EntryUpdate, Reply<()>),
    Entry(String, Reply<Option<JournalEntry>>),
    Unfinished(Reply<Vec<JournalEntry>>),
    NotificationHandled(String, Reply<bool>),
    MarkNotification(String, Reply<()>),
}

/// A [`TradeJournal`] in one SQLite file. Cheap to clone; clones share one worker thread, which stops
/// when the last clone is dropped.
///
/// ```no_run
/// # fn demo() -> Result<(), alipay_core::journal::JournalError> {
/// let journal = alipay_core::journal::SqliteJournal::open("/var/lib/pos/alipay-journal.db")?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteJournal {
    commands: mpsc::Sender<Command>,
    path: Option<PathBuf>,
}

impl SqliteJournal {
    /// Opens (creating if needed) the journal file at `path`.
    ///
    /// # Errors
    /// [`JournalError::Storage`] when the file cannot be opened or was written by a newer version.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, JournalError> {
        let path = path.as_ref().to_path_buf();
        create_private(&path)?;
        let conn = Connection::open(&path).map_err(storage("open the journal file"))?;
        Self::start(conn, Some(path))
    }

    /// A journal in memory (for tests): the same code as a file, without the file.
    ///
    /// # Errors
    /// [`JournalError::Storage`] when SQLite cannot start.
    pub fn open_in_memory() -> Result<Self, JournalError> {
        let conn = Connection::open_in_memory().map_err(storage("open an in-memory journal"))?;
        Self::start(conn, None)
    }

    /// The file, unless in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn start(conn: Connection, path: Option<PathBuf>) -> Result<Self, JournalError> {
        prepare(&conn)?;
        let (commands, inbox) = mpsc::channel();
        thread::Builder::new()
            .name("alipay-journal".into())
            .spawn(move || worker(conn, inbox))
            .map_err(|e| JournalError::Storage { operation: "start the journal thread", message: e.to_string() })?;
        Ok(Self { commands, path })
    }

    fn ask<T: Send + 'static>(
        &self,
        command: impl FnOnce(Reply<T>) -> Command,
    ) -> BoxFuture<'static, Result<T, JournalError>> {
        let (reply, answer) = oneshot::channel();
        let sent = self.commands.send(command(reply));
        Box::pin(async move {
            sent.map_err(|_| JournalError::Closed)?;
            answer.await.map_err(|_| JournalError::Closed)?
        })
    }
}

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

impl TradeJournal for SqliteJournal {
    fn begin(&self, entry: JournalEntry) -> BoxFuture<'_, Result<Option<JournalEntry>, JournalError>> {
        self.ask(|reply| Command::Begin(entry, reply))
    }

    fn update<'a>(&'a self, key: &'a str, update: EntryUpdate) -> BoxFuture<'a, Result<(), JournalError>> {
        self.ask(|reply| Command::Update(key.to_string(), update, reply))
    }

    fn entry<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<JournalEntry>, JournalError>> {
        self.ask(|reply| Command::Entry(key.to_string(), reply))
    }

    fn unfinished(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>> {
        self.ask(Command::Unfinished)
    }

    fn notification_handled<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<bool, JournalError>> {
        self.ask(|reply| Command::NotificationHandled(notify_id.to_string(), reply))
    }

    fn mark_notification_handled<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<(), JournalError>> {
        self.ask(|reply| Command::MarkNotification(notify_id.to_string(), reply))
    }
}

fn storage(operation: &'static str) -> impl Fn(rusqlite::Error) -> JournalError {
    move |e| JournalError::Storage { operation, message: e.to_string() }
}

fn prepare(conn: &Connection) -> Result<(), JournalError> {
    let version: i64 =
        conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(storage("read the schema version"))?;
    if version > SCHEMA_VERSION {
        return Err(JournalError::Storage {
            operation: "open the journal",
            message: format!("the file has schema version {version}, written by a newer alipay-core"),
        });
    }
    // WAL + FULL: a committed write survives a power cut; readers never block the writer.
    conn.pragma_update(None, "journal_mode", "WAL").map_err(storage("enable WAL"))?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(storage("set synchronous=FULL"))?;
    // What is deleted or replaced is overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON").map_err(storage("set secure_delete"))?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(storage("set the busy timeout"))?;
    conn.execute_batch(SCHEMA).map_err(storage("create the schema"))?;
    scrub_tokens(conn)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(storage("write the schema version"))?;
    Ok(())
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
    if clear.is_empty() {
        return Ok(());
    }
    for (key, token) in clear {
        conn.execute(
            "UPDATE workflows SET app_auth_token = ?1 WHERE key = ?2",
            (super::token_fingerprint(&token), key),
        )
        .map_err(storage("replace a token by its fingerprint"))?;
    }
    // Write the scrubbed pages over the old ones in the file now, not at some later checkpoint.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(storage("checkpoint the scrubbed journal"))
}

/// The worker: takes every command waiting, runs them in one transaction, commits, then answers.
fn worker(mut conn: Connection, inbox: mpsc::Receiver<Command>) {
    while let Ok(first) = inbox.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match inbox.try_recv() {
                Ok(c) => batch.push(c),
                Err(_) => break,
            }
        }
        run_batch(&mut conn, batch);
    }
}

fn run_batch(conn: &mut Connection, batch: Vec<Command>) {
    let tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(e) => {
            let err = storage("start a transaction")(e);
            batch.into_iter().for_each(|c| answer_all_with(c, err.clone()));
            return;
        }
    };
    let answers: Vec<Box<dyn FnOnce(Option<JournalError>) + Send>> =
        batch.into_iter().map(|command| execute(&tx, command)).collect();
    let committed = tx.commit().err().map(storage("commit"));
    for answer in answers {
        answer(committed.clone());
    }
}

/// Runs one command inside the transaction; the returned closure answers the caller once the commit
/// is known (with the commit's error, if any, instead of the command's result).
fn execute(tx: &Transaction<'_>, command: Command) -> Box<dyn FnOnce(Option<JournalError>) + Send> {
    fn deliver<T: Send + 'static>(
        reply: Reply<T>,
        result: Result<T, JournalError>,
    ) -> Box<dyn FnOnce(Option<JournalError>) + Send> {
        Box::new(move |commit_error| {
            let _ = reply.send(match commit_error {
                Some(e) => Err(e),
                None => result,
            });
        })
    }
    match command {
        Command::Begin(entry, reply) => deliver(reply, begin(tx, &entry)),
        Command::Update(key, update, reply) => deliver(reply, apply_update(tx, &key, &update)),
        Command::Entry(key, reply) => deliver(reply, load(tx, &key)),
        Command::Unfinished(reply) => deliver(reply, unfinished(tx)),
        Command::NotificationHandled(id, reply) => deliver(
            reply,
            tx.query_row("SELECT 1 FROM notifications WHERE notify_id = ?1", [&id], |_| Ok(()))
                .optional()
                .map(|found| found.is_some())
                .map_err(storage("look up a notification")),
        ),
        Command::MarkNotification(id, reply) => deliver(
            reply,
            tx.execute(
                "INSERT OR IGNORE INTO notifications (notify_id, handled_at) VALUES (?1, ?2)",
                params![id, to_millis(std::time::SystemTime::now())],
            )
            .map(drop)
            .map_err(storage("record a notification")),
        ),
    }
}

fn answer_all_with(command: Command, error: JournalError) {
    match command {
        Command::Begin(_, r) | Command::Entry(_, r) => drop(r.send(Err(error))),
        Command::Update(_, _, r) | Command::MarkNotification(_, r) => drop(r.send(Err(error))),
        Command::Unfinished(r) => drop(r.send(Err(error))),
        Command::NotificationHandled(_, r) => drop(r.send(Err(error))),
    }
}

fn begin(tx: &Transaction<'_>, e: &JournalEntry) -> Result<Option<JournalEntry>, JournalError> {
    if let Some(existing) = load(tx, &e.key)? {
        return Ok(Some(existing));
    }
    tx.execute(
        &format!("INSERT INTO workflows ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
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
        ],
    )
    .map_err(storage("record an intent"))?;
    Ok(None)
}

fn apply_update(tx: &Transaction<'_>, key: &str, u: &EntryUpdate) -> Result<(), JournalError> {
    let changed = tx
        .execute(
            "UPDATE workflows SET state = COALESCE(?2, state), trade_no = COALESCE(?3, trade_no), \
             outcome = COALESCE(?4, outcome), updated_at = ?5 WHERE key = ?1",
            params![
                key,
                u.state.map(EntryState::as_str),
                u.trade_no,
                u.outcome,
                to_millis(std::time::SystemTime::now())
            ],
        )
        .map_err(storage("update an entry"))?;
    if changed == 0 {
        return Err(JournalError::Storage { operation: "update an entry", message: format!("no entry `{key}`") });
    }
    Ok(())
}

fn load(tx: &Transaction<'_>, key: &str) -> Result<Option<JournalEntry>, JournalError> {
    tx.query_row(&format!("SELECT {COLUMNS} FROM workflows WHERE key = ?1"), [key], read_row)
        .optional()
        .map_err(storage("read an entry"))?
        .transpose()
}

fn unfinished(tx: &Transaction<'_>) -> Result<Vec<JournalEntry>, JournalError> {
    let mut statement = tx
        .prepare(&format!("SELECT {COLUMNS} FROM workflows WHERE state <> 'settled' ORDER BY created_at, key"))
        .map_err(storage("list unfinished entries"))?;
    let rows = statement.query_map([], read_row).map_err(storage("list unfinished entries"))?;
    rows.map(|r| r.map_err(storage("list unfinished entries"))?).collect()
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
    }))
}
