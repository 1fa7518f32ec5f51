//! Reconciling a busy day: N payments (a tenth of them refunded) through the workflows into a SQLite
//! journal, then `reconcile` of that day's bill — download, unzip, GBK decode, parse, journal listing
//! and comparison — timed, with the bill's size and the peak RSS. Not a test: it asserts only that the
//! report is clean, and prints what it measured.
//!
//! `cargo bench -p alipay-sandbox --bench reconcile [-- --trades N]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use alipay_core::clock::{format_shanghai, parse_shanghai};
use alipay_core::journal::SqliteJournal;
use alipay_core::trade::{TradePayRequest, TradeRefundRequest};
use alipay_core::workflow::Workflows;
use alipay_sandbox::{Sandbox, SandboxConfig, buyer};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let count = value("--trades").and_then(|n| n.parse().ok()).unwrap_or(20_000usize);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run(count));
}

async fn run(count: usize) {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    // The day starts at 01:00 tomorrow, so that no payment is booked after midnight.
    let now = format_shanghai(sandbox.now());
    let start = parse_shanghai(&format!("{} 01:00:00", &now[..10])).expect("time") + Duration::from_secs(24 * 3600);
    sandbox.advance(start.duration_since(sandbox.now()).expect("ahead"));
    let day = format_shanghai(sandbox.now())[..10].to_string();
    let path = std::env::temp_dir().join(format!("alipay-reconcile-bench-{}.db", std::process::id()));
    let journal = Arc::new(SqliteJournal::open(&path).expect("journal"));
    let workflows = Workflows::new(sandbox.client().expect("client"), journal);

    let filling = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..count {
        let workflows = workflows.clone();
        tasks.spawn(async move {
            let no = format!("RB{i:08}");
            let amount = format!("{}.{:02}", 1 + i % 500, i % 100).parse().expect("money");
            let pay = TradePayRequest::new(&no, amount, "对账压测", buyer::PAYS_AT_ONCE);
            assert!(workflows.pay_and_wait(pay).await.expect("pay").is_paid());
            if i % 10 == 0 {
                let refund = TradeRefundRequest::by_out_trade_no(&no, "0.50".parse().expect("money"), "R1");
                assert!(workflows.refund_until_known(refund).await.expect("refund").is_refunded());
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task");
    }
    let filled = filling.elapsed();
    sandbox.advance(Duration::from_secs(24 * 3600));

    let before = peak_rss_mib();
    let timed = Instant::now();
    let report = workflows.reconcile(&day).await.expect("reconcile");
    let took = timed.elapsed();
    assert!(report.is_clean(), "{} mismatches", report.totals.mismatched);
    let zip = {
        let client = sandbox.client().expect("client");
        let url = client
            .data_dataservice_bill_downloadurl_query(&alipay_core::bill::BillDownloadUrlQueryRequest::new(
                alipay_core::bill::BillType::Trade,
                &day,
            ))
            .await
            .expect("url")
            .bill_download_url;
        client.download(&url).await.expect("bill").len()
    };
    println!(
        "{count} payments and {} refunds journaled in {:.2} s; the bill: {} rows, a {:.1} KiB zip",
        count.div_ceil(10),
        filled.as_secs_f64(),
        report.totals.payments + report.totals.refunds,
        zip as f64 / 1024.0
    );
    println!(
        "reconcile: {} items in {:.0} ms ({:.1} µs a row); the process's peak RSS {} MiB before it, {} MiB after",
        report.items.len(),
        took.as_secs_f64() * 1000.0,
        took.as_secs_f64() * 1e6 / (report.totals.payments + report.totals.refunds) as f64,
        before,
        peak_rss_mib()
    );
    let _ = std::fs::remove_file(&path);
}

/// The process's peak resident set so far (`VmHWM`), in MiB.
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .map_or(0, |kb: u64| kb / 1024)
}
