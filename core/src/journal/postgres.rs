//! The shared journal: PostgreSQL, for a backend that runs on more than one machine.
//!
//! Every instance of the backend opens the same database. Each workflow row is owned by the instance
//! running it, under a lease that instance renews while it lives; all lease times are the server's
//! clock (`clock_timestamp()`), so the machines' clocks need not agree. A take-over locks the rows it
//! takes (`FOR UPDATE SKIP LOCKED`), so two instances recovering at once never take the same one.
//! Notifications are claimed by one `INSERT … ON CONFLICT`, so of two simultaneous first deliveries
//! exactly one wins, whichever instance each lands on.
//!
//! One worker thread per journal takes commands off the [`super::mailbox`] and commits each batch in
//! one transaction — its statements pipelined on one pooled connection — before answering: 10,000
//! concurrent workflows writing a state cost a handful of transactions, not 10,000 round trips.
//!
//! The URL is libpq's, plus two settings of ours, removed before connecting:
//! - `alipay_pool=N`: connections in the pool (default 4; batches run on up to this many at once);
//! - `alipay_statement_timeout=MS`: PostgreSQL's `statement_timeout` for the journal's statements
//!   (default 10,000 ms), so a locked table is an error, not a hang.
//!
//! `sslmode=require` (or `verify-full`, `verify-ca`) connects over TLS (rustls) and verifies the
//! server's certificate — against Mozilla's roots, or the file `sslrootcert=…` names — for every one
//! of the three: unlike libpq's `require`, the journal never trusts a certificate it cannot verify.
//! Without `sslmode` (or with `disable`, `allow`, `prefer`) it connects in the clear.

use std::fmt;
use std::str::FromStr as _;
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use futures_util::future::join_all;
use tokio_postgres::Row;
use tokio_postgres::config::SslMode;

use super::mailbox::{Command, Outbox, deliver, mailbox_journal, next_batch};
use super::{
    EntryState, EntryUpdate, JournalEntry, JournalError, JournalOptions, NotificationClaim, WorkflowKind, from_millis,
    new_instance_name, to_millis,
};

/// The schema version this code writes (`alipay_journal_meta.version`).
const SCHEMA_VERSION: i64 = 1;

/// Any fixed number: the advisory lock under which instances starting together create the schema one
/// after the other.
const MIGRATION_LOCK: i64 = 0x00A1_1FA7_C0DE;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS alipay_journal_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS alipay_workflows (
    key            TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    out_trade_no   TEXT,
    trade_no       TEXT,
    out_request_no TEXT,
    biz_content    TEXT NOT NULL,
    app_auth_token TEXT,
    state          TEXT NOT NULL,
    outcome        TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    owner          TEXT,
    lease_until    TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS alipay_workflows_unfinished ON alipay_workflows (created_at) WHERE state <> 'settled';
CREATE INDEX IF NOT EXISTS alipay_workflows_created ON alipay_workflows (created_at);
CREATE INDEX IF NOT EXISTS alipay_workflows_owned ON alipay_workflows (owner) WHERE state = 'open';
CREATE UNIQUE INDEX IF NOT EXISTS alipay_workflows_order ON alipay_workflows (out_trade_no) WHERE kind <> 'refund';
CREATE UNIQUE INDEX IF NOT EXISTS alipay_workflows_refund
    ON alipay_workflows ((COALESCE(out_trade_no, trade_no)), out_request_no) WHERE kind = 'refund';
CREATE TABLE IF NOT EXISTS alipay_notifications (
    notify_id  TEXT PRIMARY KEY,
    handled_at BIGINT,
    hold_until TIMESTAMPTZ
);
";

const COLUMNS: &str = "key, kind, out_trade_no, trade_no, out_request_no, biz_content, app_auth_token, state, \
                       outcome, created_at, updated_at, owner, (extract(epoch FROM lease_until) * 1000)::BIGINT";

/// `now + $n` milliseconds, on the server's clock.
macro_rules! after_ms {
    ($n:literal) => {
        concat!("clock_timestamp() + $", $n, "::BIGINT * interval '1 millisecond'")
    };
}

/// Every statement the journal runs (prepared once per connection).
const BEGIN: &str = concat!(
    "INSERT INTO alipay_workflows (key, kind, out_trade_no, trade_no, out_request_no, biz_content, app_auth_token, \
     state, outcome, created_at, updated_at, owner, lease_until) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, ",
    after_ms!(13),
    ") ON CONFLICT DO NOTHING"
);
const ACQUIRE: &str = concat!(
    "UPDATE alipay_workflows SET owner = $2, lease_until = ",
    after_ms!(3),
    ", state = 'open', updated_at = $4 \
     WHERE key = $1 AND (owner IS NULL OR owner = $2 OR lease_until < clock_timestamp())"
);
const UPDATE: &str = concat!(
    "UPDATE alipay_workflows SET state = COALESCE($3, state), trade_no = COALESCE($4, trade_no), \
     outcome = COALESCE($5, outcome), updated_at = $6, \
     owner = CASE WHEN $7 THEN NULL ELSE owner END, \
     lease_until = CASE WHEN $7 THEN NULL ELSE ",
    after_ms!(8),
    " END WHERE key = $1 AND owner = $2"
);
const TAKE_OVER: &str = concat!(
    "UPDATE alipay_workflows w SET owner = $1, lease_until = ",
    after_ms!(2),
    " FROM (SELECT key FROM alipay_workflows \
            WHERE state <> 'settled' AND (owner IS NULL OR owner = $1 OR lease_until < clock_timestamp()) \
            FOR UPDATE SKIP LOCKED) t \
     WHERE w.key = t.key"
);
const RENEW: &str =
    concat!("UPDATE alipay_workflows SET lease_until = ", after_ms!(2), " WHERE owner = $1 AND state = 'open'");
const CLAIM: &str = concat!(
    "INSERT INTO alipay_notifications (notify_id, hold_until) VALUES ($1, ",
    after_ms!(2),
    ") ON CONFLICT (notify_id) DO UPDATE SET hold_until = EXCLUDED.hold_until \
     WHERE alipay_notifications.handled_at IS NULL AND alipay_notifications.hold_until < clock_timestamp()"
);
const HANDLED: &str = "SELECT handled_at FROM alipay_notifications WHERE notify_id = $1";
const MARK: &str = "INSERT INTO alipay_notifications (notify_id, handled_at) VALUES ($1, $2) \
                    ON CONFLICT (notify_id) DO UPDATE SET handled_at = EXCLUDED.handled_at, hold_until = NULL";

/// A [`TradeJournal`](super::TradeJournal) in a PostgreSQL database, shared by every instance of a
/// backend. Cheap to clone; clones are one instance and share one worker thread and pool, which stop
/// when the last clone is dropped.
///
/// ```no_run
/// # fn demo() -> Result<(), alipay_core::journal::JournalError> {
/// let journal = alipay_core::journal::PostgresJournal::open(
///     "postgresql://pay@db.internal/payments?sslmode=require&alipay_pool=8",
/// )?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresJournal {
    commands: mpsc::Sender<Command>,
    instance: String,
    /// Where it connects, without the password.
    target: Arc<str>,
}

impl fmt::Debug for PostgresJournal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresJournal").field("instance", &self.instance).field("target", &self.target).finish()
    }
}

/// What the URL asks for, once our own settings are taken out of it.
struct Settings {
    config: tokio_postgres::Config,
    pool: usize,
    root_cert: Option<String>,
}

fn invalid_url(message: impl fmt::Display) -> JournalError {
    JournalError::Storage { operation: "read the journal URL", message: message.to_string() }
}

impl Settings {
    fn parse(url: &str) -> Result<Self, JournalError> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let (mut pool, mut timeout_ms, mut root_cert, mut kept) = (4usize, 10_000u64, None, Vec::new());
        let mut tls = false;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "alipay_pool" => {
                    pool = value.parse().ok().filter(|n| (1..=256).contains(n)).ok_or_else(|| {
                        invalid_url(format!("alipay_pool must be a number of connections from 1 to 256, not `{value}`"))
                    })?;
                }
                "alipay_statement_timeout" => {
                    timeout_ms = value.parse().map_err(|_| {
                        invalid_url(format!("alipay_statement_timeout must be milliseconds, not `{value}`"))
                    })?;
                }
                // tokio-postgres does not read it: our TLS setup does.
                "sslrootcert" => root_cert = Some(percent_decode(value)),
                "sslmode" => tls = tls_wanted(value)?,
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
        let mut config = tokio_postgres::Config::from_str(&rest).map_err(|e| invalid_url(redact(&e.to_string())))?;
        config.ssl_mode(if tls { SslMode::Require } else { SslMode::Disable });
        let options = config.get_options().map(str::to_string).unwrap_or_default();
        config.options(format!("{options} -c statement_timeout={timeout_ms}").trim());
        if config.get_application_name().is_none() {
            config.application_name("alipay-core journal");
        }
        Ok(Self { config, pool, root_cert })
    }

    /// `user@host:port/db`, for messages and `Debug` (never the password).
    fn target(&self) -> String {
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|h| match h {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let user = self.config.get_user().unwrap_or("");
        let db = self.config.get_dbname().unwrap_or("");
        format!("{user}@{}:{port}/{db}", hosts.join(","))
    }
}

/// Whether `sslmode=value` asks for TLS. The journal never talks to a server it cannot verify, so
/// every mode that encrypts also verifies the certificate (libpq's `require` does not); the modes that
/// merely allow TLS (`allow`, `prefer`, libpq's default) connect in the clear — to encrypt, say so.
fn tls_wanted(value: &str) -> Result<bool, JournalError> {
    match value {
        "disable" | "allow" | "prefer" => Ok(false),
        "require" | "verify-ca" | "verify-full" => Ok(true),
        other => Err(invalid_url(format!(
            "sslmode must be disable, allow, prefer, require, verify-ca or verify-full, not `{other}`"
        ))),
    }
}

fn percent_decode(value: &str) -> String {
    percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned()
}

/// A driver message with anything after `password=` blanked (they quote the string they could not
/// parse).
fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("password") {
        out.push_str(&rest[..i + "password".len()]);
        rest = &rest[i + "password".len()..];
        let end = rest.find(['&', ' ', '@']).unwrap_or(rest.len());
        if end > 0 {
            out.push_str("=…");
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn storage(operation: &'static str) -> impl Fn(tokio_postgres::Error) -> JournalError {
    move |e| {
        let message = match e.as_db_error() {
            Some(db) => format!("{} ({})", db.message(), db.code().code()),
            None => e.to_string(),
        };
        JournalError::Storage { operation, message }
    }
}

/// A pool error with its causes (a TLS failure says why: "invalid peer certificate: UnknownIssuer").
fn pool_error(e: deadpool_postgres::PoolError) -> JournalError {
    let mut message = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !message.contains(&text) {
            message = format!("{message}: {text}");
        }
        cause = c.source();
    }
    JournalError::Storage { operation: "connect to the journal database", message: redact(&message) }
}

impl PostgresJournal {
    /// Connects to the database at `url`, creating or migrating the journal's tables, with the default
    /// [`JournalOptions`].
    ///
    /// # Errors
    /// [`JournalError::Storage`] for a malformed URL or a database that cannot be reached;
    /// [`JournalError::NewerSchema`] when a newer alipay-core wrote the tables.
    pub fn open(url: &str) -> Result<Self, JournalError> {
        Self::open_with(url, JournalOptions::default())
    }

    /// [`PostgresJournal::open`] with these options.
    ///
    /// # Errors
    /// As [`PostgresJournal::open`].
    pub fn open_with(url: &str, options: JournalOptions) -> Result<Self, JournalError> {
        let settings = Settings::parse(url)?;
        let target: Arc<str> = settings.target().into();
        let instance = new_instance_name();
        let (commands, inbox) = mpsc::channel();
        // The worker connects and migrates on its own runtime, so that opening works the same from
        // plain code and from inside an async runtime (where blocking on another would panic).
        let (opened_tx, opened) = mpsc::sync_channel(1);
        let me = instance.clone();
        thread::Builder::new()
            .name("alipay-journal".into())
            .spawn(move || {
                let started = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("alipay-journal-pg")
                    .enable_all()
                    .build()
                    .map_err(|e| JournalError::Storage {
                        operation: "start the journal runtime",
                        message: e.to_string(),
                    })
                    .and_then(|runtime| {
                        let pool = runtime.block_on(async {
                            let pool = connect(settings).await?;
                            migrate(&pool).await?;
                            Ok::<_, JournalError>(pool)
                        })?;
                        Ok((runtime, pool))
                    });
                match started {
                    Ok((runtime, pool)) => {
                        let _ = opened_tx.send(Ok(()));
                        Worker { pool, me, options }.run(&runtime, &inbox);
                    }
                    Err(e) => drop(opened_tx.send(Err(e))),
                }
            })
            .map_err(|e| JournalError::Storage { operation: "start the journal thread", message: e.to_string() })?;
        opened.recv().map_err(|_| JournalError::Closed)??;
        Ok(Self { commands, instance, target })
    }
}

mailbox_journal!(PostgresJournal);

async fn connect(settings: Settings) -> Result<Pool, JournalError> {
    let manager_config = ManagerConfig { recycling_method: RecyclingMethod::Fast };
    let manager = match settings.config.get_ssl_mode() {
        SslMode::Disable => Manager::from_config(settings.config, tokio_postgres::NoTls, manager_config),
        _ => {
            let tls = tls(settings.root_cert.as_deref())?;
            Manager::from_config(settings.config, tokio_postgres_rustls::MakeRustlsConnect::new(tls), manager_config)
        }
    };
    let pool = Pool::builder(manager)
        .max_size(settings.pool)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .map_err(|e| JournalError::Storage { operation: "build the connection pool", message: e.to_string() })?;
    // Connect now, so a wrong URL fails at open, not at the first payment.
    drop(pool.get().await.map_err(pool_error)?);
    Ok(pool)
}

/// rustls trusting `root_cert` (a PEM file) if given, else Mozilla's roots.
fn tls(root_cert: Option<&str>) -> Result<rustls::ClientConfig, JournalError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let failed = |message: String| JournalError::Storage { operation: "set up TLS to the journal database", message };
    let mut roots = rustls::RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(Iterator::collect)
                .map_err(|e| failed(format!("sslrootcert `{path}`: {e}")))?;
            if certs.is_empty() {
                return Err(failed(format!("sslrootcert `{path}` holds no certificate")));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| failed(format!("sslrootcert `{path}`: {e}")))?;
            }
        }
        None => {
            for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
                // A root the parser rejects is skipped, as every rustls user of this list does.
                let _ = roots.add(cert.clone());
            }
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| failed(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Creates the tables, or checks that their version is one this code knows.
async fn migrate(pool: &Pool) -> Result<(), JournalError> {
    let mut client = pool.get().await.map_err(pool_error)?;
    let tx = client.transaction().await.map_err(storage("start the migration"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(storage("lock the schema"))?;
    tx.batch_execute(SCHEMA).await.map_err(storage("create the schema"))?;
    let found: Option<i64> = tx
        .query_opt("SELECT version FROM alipay_journal_meta WHERE id = 1", &[])
        .await
        .map_err(storage("read the schema version"))?
        .map(|r| r.get(0));
    match found {
        Some(v) if v > SCHEMA_VERSION => return Err(JournalError::NewerSchema { found: v, known: SCHEMA_VERSION }),
        Some(_) => {}
        None => {
            tx.execute("INSERT INTO alipay_journal_meta (id, version) VALUES (1, $1)", &[&SCHEMA_VERSION])
                .await
                .map_err(storage("write the schema version"))?;
        }
    }
    tx.commit().await.map_err(storage("commit the migration"))
}

/// The thread that hands batches to the pool.
struct Worker {
    pool: Pool,
    me: String,
    options: JournalOptions,
}

impl Worker {
    fn run(self, runtime: &tokio::runtime::Runtime, inbox: &mpsc::Receiver<Command>) {
        let worker = Arc::new(self);
        let every = worker.options.renew_every();
        let mut renewed = std::time::Instant::now();
        // Batches run side by side, one per pooled connection. While every connection is busy the
        // commands wait in the mailbox, so the next batch takes all of them: the busier the journal,
        // the more writes share one commit.
        let connections = Arc::new(tokio::sync::Semaphore::new(worker.pool.status().max_size));
        loop {
            let Ok(connection) = runtime.block_on(Arc::clone(&connections).acquire_owned()) else { return };
            match next_batch(inbox, every) {
                Err(()) => return,
                Ok(Some(batch)) => {
                    let worker = Arc::clone(&worker);
                    drop(runtime.spawn(async move {
                        worker.run_batch(batch).await;
                        drop(connection);
                    }));
                }
                Ok(None) => drop(connection),
            }
            if renewed.elapsed() >= every {
                drop(runtime.spawn(Arc::clone(&worker).renew()));
                renewed = std::time::Instant::now();
            }
        }
    }

    /// Renews this instance's leases. A failure is retried at the next renewal; should the lease run
    /// out meanwhile, the workflow's next write says so (LeaseLost).
    async fn renew(self: Arc<Self>) {
        if let Ok(client) = self.pool.get().await {
            let _ = client.execute(RENEW, &[&self.me, &lease_ms(self.options.lease)]).await;
        }
    }

    async fn run_batch(self: Arc<Self>, batch: Vec<Command>) {
        match self.pool.get().await {
            Err(e) => {
                let err = pool_error(e);
                batch.into_iter().for_each(|c| c.fail(err.clone()));
            }
            Ok(mut client) => {
                if batch.len() == 1 {
                    self.in_transaction(&mut client, batch).await;
                    return;
                }
                // One transaction for the batch; should it fail (one bad command aborts a PostgreSQL
                // transaction), each command runs again in a transaction of its own, so that one
                // command's error is its own.
                if let Err(batch) = self.try_together(&mut client, batch).await {
                    for command in batch {
                        self.in_transaction(&mut client, vec![command]).await;
                    }
                }
            }
        }
    }

    /// Runs `batch` in one transaction and answers every command — or, if any statement failed, gives
    /// the batch back unanswered.
    async fn try_together(
        &self,
        client: &mut deadpool_postgres::Object,
        batch: Vec<Command>,
    ) -> Result<(), Vec<Command>> {
        let Ok(tx) = client.transaction().await else { return Err(batch) };
        let on = Tx { tx: &tx, me: &self.me, options: self.options };
        // Dry run: the commands' statements, pipelined; their answers kept until the commit.
        let results = join_all(batch.iter().map(|command| on.run(command))).await;
        if results.iter().any(|r| matches!(r, Err(JournalError::Storage { .. }))) {
            let _ = tx.rollback().await;
            return Err(batch);
        }
        let committed = tx.commit().await.err().map(storage("commit"));
        for (command, result) in batch.into_iter().zip(results) {
            answer(command, result)(committed.clone());
        }
        Ok(())
    }

    async fn in_transaction(&self, client: &mut deadpool_postgres::Object, batch: Vec<Command>) {
        let tx = match client.transaction().await {
            Ok(tx) => tx,
            Err(e) => {
                let err = storage("start a transaction")(e);
                batch.into_iter().for_each(|c| c.fail(err.clone()));
                return;
            }
        };
        let on = Tx { tx: &tx, me: &self.me, options: self.options };
        let mut outboxes: Vec<Outbox> = Vec::with_capacity(batch.len());
        let mut failed = false;
        for command in batch {
            let result = on.run(&command).await;
            failed |= matches!(result, Err(JournalError::Storage { .. }));
            outboxes.push(answer(command, result));
        }
        let committed = if failed {
            let _ = tx.rollback().await;
            None
        } else {
            tx.commit().await.err().map(storage("commit"))
        };
        for outbox in outboxes {
            outbox(committed.clone());
        }
    }
}

/// A command's result before it is typed for its reply.
enum Answer {
    Entry(Option<JournalEntry>),
    Acquired(JournalEntry),
    Done,
    Entries(Vec<JournalEntry>),
    Claim(NotificationClaim),
}

/// The reply of `command`, carrying `result`.
fn answer(command: Command, result: Result<Answer, JournalError>) -> Outbox {
    fn typed<T>(
        result: Result<Answer, JournalError>,
        pick: impl FnOnce(Answer) -> Option<T>,
    ) -> Result<T, JournalError> {
        result.and_then(|a| {
            pick(a).ok_or_else(|| JournalError::Storage {
                operation: "answer a journal call",
                message: "a reply of the wrong kind (a bug in alipay-core)".into(),
            })
        })
    }
    match command {
        Command::Begin(_, r) | Command::Entry(_, r) => deliver(
            r,
            typed(result, |a| match a {
                Answer::Entry(e) => Some(e),
                _ => None,
            }),
        ),
        Command::Acquire(_, r) => deliver(
            r,
            typed(result, |a| match a {
                Answer::Acquired(e) => Some(e),
                _ => None,
            }),
        ),
        Command::Update(_, _, r) | Command::MarkNotification(_, r) => deliver(
            r,
            typed(result, |a| match a {
                Answer::Done => Some(()),
                _ => None,
            }),
        ),
        Command::Unfinished(r) | Command::TakeOver(r) | Command::CreatedBetween(_, _, r) => deliver(
            r,
            typed(result, |a| match a {
                Answer::Entries(e) => Some(e),
                _ => None,
            }),
        ),
        Command::ClaimNotification(_, r) => deliver(
            r,
            typed(result, |a| match a {
                Answer::Claim(c) => Some(c),
                _ => None,
            }),
        ),
    }
}

fn lease_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// One transaction, as this instance.
struct Tx<'a> {
    tx: &'a Transaction<'a>,
    me: &'a str,
    options: JournalOptions,
}

impl Tx<'_> {
    /// Runs one command's statements. A journal answer that is an error (no such entry, held
    /// elsewhere, lease lost) is `Err` like a failed statement, but only [`JournalError::Storage`]
    /// means the transaction is aborted.
    async fn run(&self, command: &Command) -> Result<Answer, JournalError> {
        match command {
            Command::Begin(entry, _) => self.begin(entry).await.map(Answer::Entry),
            Command::Acquire(key, _) => self.acquire(key).await.map(Answer::Acquired),
            Command::Update(key, update, _) => self.update(key, update).await.map(|()| Answer::Done),
            Command::Entry(key, _) => self.load(key).await.map(Answer::Entry),
            Command::Unfinished(_) => self.list("state <> 'settled'", &[]).await.map(Answer::Entries),
            Command::CreatedBetween(from, to, _) => {
                self.list("created_at >= $1 AND created_at < $2", &[from, to]).await.map(Answer::Entries)
            }
            Command::TakeOver(_) => self.take_over().await.map(Answer::Entries),
            Command::ClaimNotification(id, _) => self.claim_notification(id).await.map(Answer::Claim),
            Command::MarkNotification(id, _) => self
                .tx
                .execute(MARK, &[id, &to_millis(std::time::SystemTime::now())])
                .await
                .map(|_| Answer::Done)
                .map_err(storage("record a notification")),
        }
    }

    fn lease(&self) -> i64 {
        lease_ms(self.options.lease)
    }

    async fn begin(&self, e: &JournalEntry) -> Result<Option<JournalEntry>, JournalError> {
        let statement = self.tx.prepare_cached(BEGIN).await.map_err(storage("record an intent"))?;
        let inserted = self
            .tx
            .execute(
                &statement,
                &[
                    &e.key,
                    &e.kind.as_str(),
                    &e.out_trade_no,
                    &e.trade_no,
                    &e.out_request_no,
                    &e.biz_content,
                    &e.app_auth_token_id,
                    &e.state.as_str(),
                    &e.outcome,
                    &to_millis(e.created_at),
                    &to_millis(e.updated_at),
                    &self.me,
                    &self.lease(),
                ],
            )
            .await
            .map_err(storage("record an intent"))?;
        if inserted == 1 {
            return Ok(None);
        }
        match self.load(&e.key).await? {
            Some(existing) => Ok(Some(existing)),
            // Not this key: another workflow holds the same order or refund number.
            None => Err(JournalError::Storage {
                operation: "record an intent",
                message: format!("`{}` uses an order or refund number another journal entry already has", e.key),
            }),
        }
    }

    async fn acquire(&self, key: &str) -> Result<JournalEntry, JournalError> {
        let statement = self.tx.prepare_cached(ACQUIRE).await.map_err(storage("take a workflow"))?;
        let now = to_millis(std::time::SystemTime::now());
        let changed = self
            .tx
            .execute(&statement, &[&key, &self.me, &self.lease(), &now])
            .await
            .map_err(storage("take a workflow"))?;
        let entry = self.load(key).await?.ok_or_else(|| no_entry(key))?;
        if changed == 0 {
            return Err(JournalError::Held { key: key.to_string(), holder: entry.owner.unwrap_or_default() });
        }
        Ok(entry)
    }

    async fn update(&self, key: &str, u: &EntryUpdate) -> Result<(), JournalError> {
        let statement = self.tx.prepare_cached(UPDATE).await.map_err(storage("update an entry"))?;
        let ends = u.state.is_some_and(|s| s != EntryState::Open);
        let changed = self
            .tx
            .execute(
                &statement,
                &[
                    &key,
                    &self.me,
                    &u.state.map(EntryState::as_str),
                    &u.trade_no,
                    &u.outcome,
                    &to_millis(std::time::SystemTime::now()),
                    &ends,
                    &self.lease(),
                ],
            )
            .await
            .map_err(storage("update an entry"))?;
        if changed == 0 {
            let entry = self.load(key).await?.ok_or_else(|| no_entry(key))?;
            return Err(JournalError::LeaseLost { key: key.to_string(), holder: entry.owner.unwrap_or_default() });
        }
        Ok(())
    }

    async fn take_over(&self) -> Result<Vec<JournalEntry>, JournalError> {
        let statement = self
            .tx
            .prepare_cached(&format!("{TAKE_OVER} RETURNING {}", qualified(COLUMNS)))
            .await
            .map_err(storage("take workflows over"))?;
        let rows =
            self.tx.query(&statement, &[&self.me, &self.lease()]).await.map_err(storage("take workflows over"))?;
        let mut taken = rows.iter().map(read_row).collect::<Result<Vec<_>, _>>()?;
        taken.sort_by(|a, b| (a.created_at, &a.key).cmp(&(b.created_at, &b.key)));
        Ok(taken)
    }

    async fn claim_notification(&self, id: &str) -> Result<NotificationClaim, JournalError> {
        let hold = lease_ms(self.options.notification_hold);
        let statement = self.tx.prepare_cached(CLAIM).await.map_err(storage("claim a notification"))?;
        if self.tx.execute(&statement, &[&id, &hold]).await.map_err(storage("claim a notification"))? == 1 {
            return Ok(NotificationClaim::First);
        }
        let handled: Option<i64> =
            self.tx.query_opt(HANDLED, &[&id]).await.map_err(storage("look up a notification"))?.and_then(|r| r.get(0));
        Ok(if handled.is_some() { NotificationClaim::Handled } else { NotificationClaim::InProgress })
    }

    async fn load(&self, key: &str) -> Result<Option<JournalEntry>, JournalError> {
        let statement = self
            .tx
            .prepare_cached(&format!("SELECT {COLUMNS} FROM alipay_workflows WHERE key = $1"))
            .await
            .map_err(storage("read an entry"))?;
        self.tx
            .query_opt(&statement, &[&key])
            .await
            .map_err(storage("read an entry"))?
            .as_ref()
            .map(read_row)
            .transpose()
    }

    async fn list(
        &self,
        filter: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<JournalEntry>, JournalError> {
        let statement = self
            .tx
            .prepare_cached(&format!("SELECT {COLUMNS} FROM alipay_workflows WHERE {filter} ORDER BY created_at, key"))
            .await
            .map_err(storage("list entries"))?;
        let rows = self.tx.query(&statement, params).await.map_err(storage("list entries"))?;
        rows.iter().map(read_row).collect()
    }
}

/// [`COLUMNS`] of the row `w` (an `UPDATE … FROM` returns columns of both tables).
fn qualified(columns: &str) -> String {
    columns
        .split(", ")
        .map(|c| match c.strip_prefix("(extract(epoch FROM ") {
            Some(rest) => format!("(extract(epoch FROM w.{rest}"),
            None => format!("w.{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn no_entry(key: &str) -> JournalError {
    JournalError::Storage { operation: "update an entry", message: format!("no entry `{key}`") }
}

/// Reads a row; a row with an unknown kind or state is reported as corrupt, not skipped.
fn read_row(r: &Row) -> Result<JournalEntry, JournalError> {
    let key: String = r.get(0);
    let corrupt = |message: String| JournalError::Corrupt { key: key.clone(), message };
    let (kind, state): (String, String) = (r.get(1), r.get(7));
    let kind = WorkflowKind::parse(&kind).ok_or_else(|| corrupt(format!("unknown kind `{kind}`")))?;
    let state = EntryState::parse(&state).ok_or_else(|| corrupt(format!("unknown state `{state}`")))?;
    Ok(JournalEntry {
        kind,
        out_trade_no: r.get(2),
        trade_no: r.get(3),
        out_request_no: r.get(4),
        biz_content: r.get(5),
        app_auth_token_id: r.get(6),
        state,
        outcome: r.get(8),
        created_at: from_millis(r.get(9)),
        updated_at: from_millis(r.get(10)),
        owner: r.get(11),
        lease_until: r.get::<_, Option<i64>>(12).map(from_millis),
        key,
    })
}
