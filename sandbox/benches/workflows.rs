//! 10,000 concurrent `pay_and_wait` workflows against the in-process sandbox, once with each journal —
//! memory, SQLite, and PostgreSQL when `ALIPAY_TEST_POSTGRES` names a server — each in a process of its
//! own (so each peak RSS is its own): wall time, peak RSS, CPU time, journal writes per second and, on
//! PostgreSQL, the transactions committed. Not a test — it asserts only that every workflow ended
//! truthfully, and prints what it measured.
//!
//! `cargo bench -p alipay-sandbox --bench workflows [-- --workflows N] [-- --journal memory|sqlite|postgres]
//! [-- --traced]`: with `--traced`, a `tracing` subscriber at info formats every call span and workflow
//! event (into a sink), to measure what the core's tracing costs when someone listens; without it
//! nobody does.
//!
//! The CPU time covers both sides: the client signs every request and verifies every answer; the sandbox
//! verifies every request and signs every answer — so about half of it is the simulated Alipay.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use alipay_core::future::BoxFuture;
use alipay_core::journal::{
    EntryUpdate, JournalEntry, JournalError, MemoryJournal, NotificationClaim, SqliteJournal, TradeJournal,
};
use alipay_core::trade::{TradePayRequest, TradeStatus};
use alipay_core::workflow::{PaymentStatus, Workflows};
use alipay_sandbox::{Sandbox, SandboxConfig, buyer};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let count = value("--workflows").and_then(|n| n.parse().ok()).unwrap_or(10_000usize);
    let traced = args.iter().any(|a| a == "--traced");
    let Some(journal) = value("--journal") else {
        // Each journal in a process of its own, one after the other.
        let postgres = std::env::var("ALIPAY_TEST_POSTGRES").ok().filter(|u| !u.is_empty());
        for journal in ["memory", "sqlite", "postgres"] {
            if journal == "postgres" && postgres.is_none() {
                println!("postgres: skipped (set ALIPAY_TEST_POSTGRES to a database URL)");
                continue;
            }
            let status = std::process::Command::new(std::env::current_exe().expect("bench binary"))
                .args(["--bench", "--workflows", &count.to_string(), "--journal", journal])
                .args(traced.then_some("--traced"))
                .status()
                .expect("run the bench");
            assert!(status.success(), "{journal}: {status}");
        }
        return;
    };
    if traced {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(std::io::sink)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run(count, &journal));
}

async fn run(count: usize, kind: &str) {
    // Virtual time 20× faster: a 5 s poll waits 250 ms, a buyer confirming after 4 s takes 200 ms.
    let sandbox = Sandbox::start(SandboxConfig { speed: 20.0, ..SandboxConfig::default() }).expect("sandbox");
    let dir = std::env::temp_dir().join(format!("alipay-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let postgres = std::env::var("ALIPAY_TEST_POSTGRES").unwrap_or_default();
    let inner: Arc<dyn TradeJournal> = match kind {
        "memory" => Arc::new(MemoryJournal::new()),
        "sqlite" => Arc::new(SqliteJournal::open(dir.join("journal.db")).expect("journal")),
        "postgres" => {
            let schema = format!("bench_{}", std::process::id());
            psql(&postgres, &format!("CREATE SCHEMA {schema}"));
            let url =
                format!("{postgres}{}options=-csearch_path%3D{schema}", if postgres.contains('?') { '&' } else { '?' });
            alipay_core::journal::open(&url).expect("journal")
        }
        other => panic!("unknown journal `{other}`"),
    };
    let journal = Arc::new(Counting { inner, writes: AtomicU64::new(0) });
    let commits_before = (kind == "postgres").then(|| xact_commit(&postgres));
    let workflows = Workflows::new(sandbox.client().expect("client"), Arc::clone(&journal) as Arc<dyn TradeJournal>);
    let (rss_before, cpu_before) = (peak_rss_kib(), cpu_seconds());
    let started = Instant::now();
    let tasks: Vec<_> = (0..count)
        .map(|i| {
            let workflows = workflows.clone();
            // 60 % pay at once, 20 % confirm after 4 s, 10 % never confirm (5 queries, then cancel),
            // 10 % lack the balance.
            let code = match i % 10 {
                0..=5 => buyer::PAYS_AT_ONCE.to_string(),
                6 | 7 => buyer::confirms_after(4),
                8 => buyer::NEVER_CONFIRMS.to_string(),
                _ => buyer::INSUFFICIENT_BALANCE.to_string(),
            };
            let request = TradePayRequest::new(format!("B{i:06}"), "18.00".parse().expect("money"), "bench", code);
            tokio::spawn(async move { workflows.pay_and_wait(request).await })
        })
        .collect();
    let (mut paid, mut not_paid, mut unknown, mut queries) = (0, 0, 0, 0u64);
    for task in tasks {
        let outcome = task.await.expect("task").expect("workflow");
        queries += u64::from(outcome.history.queries);
        match outcome.status {
            PaymentStatus::Paid(_) => paid += 1,
            PaymentStatus::NotPaid(_) => not_paid += 1,
            _ => unknown += 1,
        }
    }
    let wall = started.elapsed();
    let cpu = cpu_seconds() - cpu_before;
    let waiting = sandbox.trades().iter().filter(|t| t.status == TradeStatus::WaitBuyerPay).count();
    assert_eq!((unknown, waiting), (0, 0), "every workflow ends truthfully, none left waiting");
    let writes = journal.writes.load(Ordering::Relaxed);
    let listening = if tracing::dispatcher::has_been_set() { "a subscriber at info" } else { "nobody listening" };
    println!("{kind}: {count} concurrent pay_and_wait (tracing: {listening})");
    println!("  outcomes           {paid} paid, {not_paid} not paid, {unknown} unknown; {queries} queries");
    println!(
        "  wall time          {:.2} s (virtual time 20x: the longest workflow waits ≈27 virtual s)",
        wall.as_secs_f64()
    );
    println!("  cpu time           {cpu:.2} s (user+system, client and sandbox together)");
    println!(
        "  peak RSS           {:.1} MiB (before the run: {:.1} MiB)",
        peak_rss_kib() as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
    println!("  journal writes     {writes} ({:.0}/s)", writes as f64 / wall.as_secs_f64());
    if let Some(before) = commits_before {
        let commits = xact_commit(&postgres) - before;
        println!(
            "  transactions       {commits} committed on the server ({:.0}/s, {:.1} writes each)",
            commits as f64 / wall.as_secs_f64(),
            writes as f64 / commits.max(1) as f64
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A journal that counts the writes it passes on.
#[derive(Debug)]
struct Counting {
    inner: Arc<dyn TradeJournal>,
    writes: AtomicU64,
}

impl Counting {
    fn count(&self) {
        self.writes.fetch_add(1, Ordering::Relaxed);
    }
}

impl TradeJournal for Counting {
    fn instance(&self) -> &str {
        self.inner.instance()
    }
    fn begin(&self, entry: JournalEntry) -> BoxFuture<'_, Result<Option<JournalEntry>, JournalError>> {
        self.count();
        self.inner.begin(entry)
    }
    fn acquire<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<JournalEntry, JournalError>> {
        self.count();
        self.inner.acquire(key)
    }
    fn update<'a>(&'a self, key: &'a str, update: EntryUpdate) -> BoxFuture<'a, Result<(), JournalError>> {
        self.count();
        self.inner.update(key, update)
    }
    fn entry<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<JournalEntry>, JournalError>> {
        self.inner.entry(key)
    }
    fn unfinished(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>> {
        self.inner.unfinished()
    }
    fn created_between(
        &self,
        from: std::time::SystemTime,
        to: std::time::SystemTime,
    ) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>> {
        self.inner.created_between(from, to)
    }
    fn take_over(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>> {
        self.count();
        self.inner.take_over()
    }
    fn claim_notification<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<NotificationClaim, JournalError>> {
        self.count();
        self.inner.claim_notification(id)
    }
    fn mark_notification_handled<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), JournalError>> {
        self.count();
        self.inner.mark_notification_handled(id)
    }
}

/// Runs one statement with `psql`.
fn psql(url: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql").args([url, "-qtAc", sql]).output().expect("psql");
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Transactions committed in the database so far (`pg_stat_database`).
fn xact_commit(url: &str) -> u64 {
    // The statistics are flushed lazily; ask for a fresh snapshot.
    psql(url, "SELECT pg_stat_force_next_flush(); SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0)
}

/// Peak resident set size of this process (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// User + system CPU time of this process so far, in seconds (`/proc/self/stat`, clock ticks).
fn cpu_seconds() -> f64 {
    let ticks_per_second = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line; the text after the name starts at field 3.
    (ticks(11) + ticks(12)) / ticks_per_second
}
