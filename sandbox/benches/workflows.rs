//! 10,000 concurrent `pay_and_wait` workflows in one process against the in-process sandbox, journaled
//! in SQLite: wall time, peak RSS and CPU time. Not a test — it asserts only that every workflow ended
//! truthfully, and prints what it measured.
//!
//! `cargo bench -p alipay-sandbox --bench workflows [-- --workflows N] [-- --memory]`
//!
//! The CPU time covers both sides: the client signs every request and verifies every answer; the sandbox
//! verifies every request and signs every answer — so about half of it is the simulated Alipay.

use std::sync::Arc;
use std::time::Instant;

use alipay_core::journal::{MemoryJournal, SqliteJournal, TradeJournal};
use alipay_core::trade::{TradePayRequest, TradeStatus};
use alipay_core::workflow::{PaymentStatus, Workflows};
use alipay_sandbox::{Sandbox, SandboxConfig, buyer};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count = args
        .iter()
        .position(|a| a == "--workflows")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000usize);
    let in_memory = args.iter().any(|a| a == "--memory");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run(count, in_memory));
}

async fn run(count: usize, in_memory: bool) {
    // Virtual time 20× faster: a 5 s poll waits 250 ms, a buyer confirming after 4 s takes 200 ms.
    let sandbox = Sandbox::start(SandboxConfig { speed: 20.0, ..SandboxConfig::default() }).expect("sandbox");
    let dir = std::env::temp_dir().join(format!("alipay-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let journal: Arc<dyn TradeJournal> = if in_memory {
        Arc::new(MemoryJournal::new())
    } else {
        Arc::new(SqliteJournal::open(dir.join("journal.db")).expect("journal"))
    };
    let workflows = Workflows::new(sandbox.client().expect("client"), journal);
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
    println!(
        "workflows            {count} concurrent pay_and_wait ({} journal)",
        if in_memory { "memory" } else { "SQLite" }
    );
    println!("outcomes             {paid} paid, {not_paid} not paid, {unknown} unknown; {queries} queries");
    println!(
        "wall time            {:.2} s (virtual time 20x: the longest workflow waits ≈27 virtual s)",
        wall.as_secs_f64()
    );
    println!("cpu time             {cpu:.2} s (user+system, client and sandbox together)");
    println!(
        "peak RSS             {:.1} MiB (before the run: {:.1} MiB)",
        peak_rss_kib() as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(dir);
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
