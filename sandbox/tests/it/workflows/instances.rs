//! Three processes, one journal: they share a journal (PostgreSQL, or one SQLite file) and one sandbox
//! over loopback HTTP, and run 1,000 sales between them — barcode pays of every kind of buyer, QR pays,
//! a refund of each paid sale — under random faults. One is SIGKILLed midway. The two survivors then
//! run `recover()` at the same moment, and then both receive every notification the sandbox sent.
//!
//! Afterwards: no trade is left WAIT_BUYER_PAY, no refund was applied twice, every notification had
//! exactly one first delivery, and the journal and the sandbox agree on every trade and refund.
//!
//! The children are this test binary, re-run on the `instance_process` test with the environment
//! below; run normally, that test does nothing. A child reads its orders on stdin (`RECOVER`, then
//! notifications as JSON lines and `END`) and reports on stdout.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use alipay_core::client::CallOptions;
use alipay_core::journal::{EntryState, JournalEntry, JournalOptions, NotificationClaim};
use alipay_core::notify::NotifyRule;
use alipay_core::trade::TradeStatus;
use alipay_core::workflow::{PollPolicy, SETTLE_MARGIN, Workflows};
use alipay_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

use super::crash::{child_client, fast_workflows, one_sale};

const ENV_GATEWAY: &str = "ALIPAY_INSTANCES_GATEWAY";
const ENV_APP_KEY: &str = "ALIPAY_INSTANCES_APP_KEY";
const ENV_ALIPAY_KEY: &str = "ALIPAY_INSTANCES_ALIPAY_KEY";
const ENV_JOURNAL: &str = "ALIPAY_INSTANCES_JOURNAL";
const ENV_RANGE: &str = "ALIPAY_INSTANCES_RANGE";
const ENV_PREFIX: &str = "ALIPAY_INSTANCES_PREFIX";

/// Sales in all, across the three processes.
const SALES: usize = 1000;
/// Virtual time in the sandbox: buyers confirming "after 3 s" do so after 30 ms.
const SPEED: f64 = 100.0;
/// The instances' lease: short, so that the killed process's workflows are free soon after it dies
/// (on PostgreSQL there is no lock file to tell that it died).
const LEASE: Duration = Duration::from_millis(1500);

/// The child's side. Does nothing unless run by the tests below.
#[test]
fn instance_process() {
    let Ok(gateway) = std::env::var(ENV_GATEWAY) else { return };
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by the parent"));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let client = child_client(gateway, &env(ENV_APP_KEY), &env(ENV_ALIPAY_KEY))
            .with_options(CallOptions::new().notify_url("http://127.0.0.1:9/notify"));
        let journal = alipay_core::journal::open_with(env(ENV_JOURNAL), JournalOptions::default().with_lease(LEASE))
            .expect("journal");
        let workflows = fast_workflows(client, journal);
        let (from, to) = env(ENV_RANGE)
            .split_once("..")
            .map(|(a, b)| (a.parse().expect("n"), b.parse().expect("n")))
            .expect("range");
        let prefix = env(ENV_PREFIX);
        say("READY");
        let mut tasks = Vec::new();
        for i in from..to {
            let workflows = workflows.clone();
            let out_trade_no = format!("{prefix}{i:04}");
            tasks.push(tokio::spawn(async move { one_sale(&workflows, i, out_trade_no).await }));
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        for t in tasks {
            let _ = t.await;
        }
        say("SALES-DONE");
        let mut orders = BufReader::new(std::io::stdin()).lines().map_while(Result::ok);
        assert_eq!(orders.next().as_deref(), Some("RECOVER"));
        let report = workflows.recover().await.expect("recover");
        let failed = report.recovered.iter().filter(|r| r.result.is_err()).count();
        say(&format!("RECOVERED {} {failed}", report.recovered.len()));
        for line in orders {
            if line == "END" {
                break;
            }
            let params: BTreeMap<String, String> = serde_json::from_str(&line).expect("a notification's fields");
            let received = workflows.receive_notification_params(params, NotifyRule::V1).await.expect("verified");
            let id = received.notification.notify_id().expect("notify_id").to_string();
            say(&format!("DELIVERY {id} {}", received.delivery.as_str()));
            if received.delivery == NotificationClaim::First {
                workflows.mark_notification_handled(&received.notification).await.expect("marked");
            }
        }
        say("DONE");
    });
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// A child process and the lines it prints.
struct Instance {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl Instance {
    fn start(sandbox: &Sandbox, gateway: &str, journal: &str, range: (usize, usize), prefix: &str) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["workflows::instances::instance_process", "--exact", "--nocapture", "--test-threads=1"])
            .env(ENV_GATEWAY, gateway)
            .env(ENV_APP_KEY, sandbox.app_private_key_pem().expect("generated app key"))
            .env(ENV_ALIPAY_KEY, sandbox.alipay_public_key().to_pem())
            .env(ENV_JOURNAL, journal)
            .env(ENV_RANGE, format!("{}..{}", range.0, range.1))
            .env(ENV_PREFIX, prefix)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn an instance");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Self { child, stdin, lines }
    }

    /// Waits for a line starting with `prefix`; returns it. Lines before it are kept in `seen`.
    fn wait_for(&self, prefix: &str, seen: &mut Vec<String>) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|e| panic!("waiting for {prefix}: {e}"));
            // The test harness may print its own `test … ` ahead of a child's first report.
            let report = line.find(prefix).map_or(line.as_str(), |at| &line[at..]).to_string();
            let found = report.starts_with(prefix);
            seen.push(report.clone());
            if found {
                return report;
            }
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{line}").expect("write to the instance");
        stdin.flush().expect("flush");
    }
}

/// The scenario over the journal `journal` (a file path or a PostgreSQL URL); `open` opens it here
/// for the checks.
async fn three_instances_one_journal(journal: &str, prefix: &str) {
    let sandbox = Sandbox::start(SandboxConfig { speed: SPEED, ..SandboxConfig::default() }).expect("sandbox");
    let server = sandbox.serve("127.0.0.1:0".parse().expect("addr")).await.expect("serve");
    let faulty = |fault| FaultRule { method: None, probability: 0.02, fault };
    sandbox.set_random_faults(
        0x2026_1201,
        vec![
            faulty(Fault::DropBeforeApply),
            faulty(Fault::DropAfterApply),
            faulty(Fault::Http5xx { status: 502, applied: true }),
            faulty(Fault::SystemError { applied: false }),
        ],
    );
    let per = SALES.div_ceil(3);
    let mut instances: Vec<Instance> = (0..3)
        .map(|n| {
            Instance::start(&sandbox, &server.gateway_url(), journal, (n * per, ((n + 1) * per).min(SALES)), prefix)
        })
        .collect();
    let mut seen = Vec::new();
    for i in &instances {
        i.wait_for("READY", &mut seen);
    }
    // Midway through its sales, instance 0 is killed.
    tokio::time::sleep(Duration::from_millis(700)).await;
    instances[0].child.kill().expect("SIGKILL");
    instances[0].child.wait().expect("reaped");
    for i in &instances[1..] {
        i.wait_for("SALES-DONE", &mut seen);
    }
    // Recovery happens later: past every trade's expiry (a payment that never arrived may then be
    // settled "not created"), past the dead instance's lease, and without faults.
    sandbox.clear_faults();
    sandbox.advance(PollPolicy::qr().trade_expiry + SETTLE_MARGIN + Duration::from_secs(60));
    tokio::time::sleep(LEASE + Duration::from_millis(500)).await;
    for i in &mut instances[1..] {
        i.send("RECOVER");
    }
    let mut recovered = 0;
    for i in &instances[1..] {
        let line = i.wait_for("RECOVERED", &mut seen);
        let mut parts = line.split(' ').skip(1);
        recovered += parts.next().and_then(|n| n.parse::<usize>().ok()).expect("count");
        assert_eq!(parts.next(), Some("0"), "every recovered workflow finished: {line}");
    }
    // Every notification, delivered to both survivors at once.
    let deliveries: Vec<_> = sandbox.deliveries().into_iter().filter(|d| d.out_trade_no.starts_with(prefix)).collect();
    assert!(!deliveries.is_empty(), "paid sales send notifications");
    for d in &deliveries {
        let line = serde_json::to_string(&d.params).expect("json");
        for i in &mut instances[1..] {
            i.send(&line);
        }
    }
    let mut firsts: HashMap<String, usize> = HashMap::new();
    for i in &mut instances[1..] {
        i.send("END");
    }
    for i in &instances[1..] {
        let mut lines = Vec::new();
        i.wait_for("DONE", &mut lines);
        for line in lines.iter().filter_map(|l| l.strip_prefix("DELIVERY ")) {
            let (id, delivery) = line.split_once(' ').expect("id and delivery");
            if delivery == "first" {
                *firsts.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    for d in &deliveries {
        assert_eq!(firsts.get(&d.notify_id).copied(), Some(1), "{}: exactly one first delivery", d.notify_id);
    }
    for i in &mut instances[1..] {
        i.child.wait().expect("exits");
    }

    // The journal, as a fresh instance sees it, against the sandbox's truth.
    let open = journal.to_string();
    let checker =
        tokio::task::spawn_blocking(move || alipay_core::journal::open(open)).await.expect("task").expect("journal");
    // What the survivors could not settle: payments whose request never arrived stay unknown until
    // their expiry has passed on the recovering client's clock, and the survivors' clocks are real
    // time. A recovery on the sandbox's (advanced) virtual time settles them, as one some minutes
    // later would.
    let later = Workflows::new(sandbox.client().expect("client"), Arc::clone(&checker));
    for r in later.recover().await.expect("recover").recovered {
        let outcome = r.result.unwrap_or_else(|e| panic!("{}: {e}", r.entry.key));
        assert_eq!(
            outcome.summary()["status"],
            "not_paid",
            "{}: only payments that never arrived were left",
            r.entry.key
        );
    }
    let unfinished = checker.unfinished().await.expect("listing");
    assert!(unfinished.is_empty(), "every workflow settled: {unfinished:#?}");
    let trades: Vec<_> = sandbox.trades().into_iter().filter(|t| t.out_trade_no.starts_with(prefix)).collect();
    let mut refunds_checked = 0;
    for t in &trades {
        let what = format!("{} ({t:?})", t.out_trade_no);
        assert_ne!(t.status, TradeStatus::WaitBuyerPay, "{what}: left waiting");
        let entry =
            checker.entry(&JournalEntry::trade_key(&t.out_trade_no)).await.expect("entry").unwrap_or_else(|| {
                panic!("{what}: a trade exists that the journal never heard of (intent must come first)")
            });
        assert_eq!(entry.state, EntryState::Settled, "{what}");
        let summary: serde_json::Value =
            serde_json::from_str(entry.outcome.as_deref().unwrap_or("null")).expect("json");
        let paid_and_kept = t.paid_at.is_some() && t.cancel_action.is_none();
        assert_eq!(summary["status"] == "paid", paid_and_kept, "{what}: journal says {summary}");
        let refunds: Vec<_> = t.refunds.iter().filter(|r| !r.out_request_no.starts_with("cancel-")).collect();
        assert!(refunds.len() <= 1, "{what}: refunded more than once: {refunds:?}");
        for r in refunds {
            let key = JournalEntry::refund_key(&t.out_trade_no, &r.out_request_no);
            let entry =
                checker.entry(&key).await.expect("entry").unwrap_or_else(|| panic!("{what}: {key} not journaled"));
            let summary: serde_json::Value =
                serde_json::from_str(entry.outcome.as_deref().unwrap_or("null")).expect("json");
            assert_eq!((entry.state, summary["status"].as_str()), (EntryState::Settled, Some("refunded")), "{what}");
            refunds_checked += 1;
        }
    }
    eprintln!(
        "three instances on {}: {} trades, {refunds_checked} refunds, {recovered} workflows recovered, {} notifications",
        if alipay_core::journal::is_postgres_url(journal) { "PostgreSQL" } else { "one SQLite file" },
        trades.len(),
        deliveries.len()
    );
    let killed =
        trades.iter().filter(|t| t.out_trade_no[prefix.len()..].parse::<usize>().is_ok_and(|n| n < per)).count();
    eprintln!("  of which the killed instance's: {killed}");
    assert!(killed > 0, "the kill came while the first instance was at work");
    assert!(trades.len() > SALES / 2, "most sales reached the sandbox");
    server.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_share_one_postgresql_journal_and_one_is_killed() {
    let Some(url) = crate::pg::url() else { return };
    three_instances_one_journal(&crate::pg::fresh_schema(&url), "PGI").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_share_one_sqlite_file_and_one_is_killed() {
    let dir = std::env::temp_dir().join(format!("alipay-instances-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("shared.db");
    three_instances_one_journal(path.to_str().expect("path"), "SQI").await;
    let _ = std::fs::remove_dir_all(dir);
}
