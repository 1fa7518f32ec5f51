//! The crash test: a child process runs many workflows against the sandbox (over loopback HTTP, with an
//! SQLite journal) and is killed with SIGKILL at a random moment; this process then runs `recover()`
//! on the journal it left. Afterwards every trade is in a final state consistent with the journal, and
//! no refund was applied twice.
//!
//! The child is this very test binary, re-run on the `child_process` test with the environment below;
//! run normally, that test does nothing.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use alipay_core::journal::{EntryState, SqliteJournal, TradeJournal};
use alipay_core::trade::{TradePayRequest, TradePrecreateRequest, TradeRefundRequest, TradeStatus};
use alipay_core::workflow::{PollPolicy, RefundPolicy, SETTLE_MARGIN, Workflows};
use alipay_core::{Client, Gateway};
use alipay_sandbox::{Sandbox, SandboxConfig, buyer};

const ENV_GATEWAY: &str = "ALIPAY_CRASH_GATEWAY";
const ENV_APP_KEY: &str = "ALIPAY_CRASH_APP_KEY";
const ENV_ALIPAY_KEY: &str = "ALIPAY_CRASH_ALIPAY_KEY";
const ENV_JOURNAL: &str = "ALIPAY_CRASH_JOURNAL";
const ENV_PREFIX: &str = "ALIPAY_CRASH_PREFIX";
const READY: &str = "CRASH-CHILD-READY";

/// Virtual time in the sandbox: buyers confirming "after 3 s" do so after 30 ms.
const SPEED: f64 = 100.0;

/// The child's side. Does nothing unless run by `a_killed_process_is_recovered_truthfully`.
#[test]
fn child_process() {
    let Ok(gateway) = std::env::var(ENV_GATEWAY) else { return };
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by the parent"));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let client = child_client(gateway, &env(ENV_APP_KEY), &env(ENV_ALIPAY_KEY));
        let journal = SqliteJournal::open(env(ENV_JOURNAL)).expect("journal");
        let workflows = fast_workflows(client, Arc::new(journal));
        println!("{READY}");
        let prefix = env(ENV_PREFIX);
        let mut tasks = Vec::new();
        for i in 0..150 {
            let workflows = workflows.clone();
            let out_trade_no = format!("{prefix}{i:03}");
            tasks.push(tokio::spawn(async move { one_sale(&workflows, i, out_trade_no).await }));
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        for t in tasks {
            let _ = t.await;
        }
        // Still alive when the parent's kill comes is the point; finishing early is fine too.
        tokio::time::sleep(Duration::from_secs(60)).await;
    });
}

/// A child's client of the sandbox at `gateway`, with the keys its parent passed on.
pub(super) fn child_client(gateway: String, app_key: &str, alipay_key: &str) -> Client {
    Client::builder()
        .app_id(SandboxConfig::default().app_id)
        .app_private_key_text(app_key)
        .expect("app key")
        .alipay_public_key_text(alipay_key)
        .expect("alipay key")
        .gateway(Gateway::Custom(gateway))
        .build()
        .expect("client")
}

/// A child's workflows: fast polls and retries, so that its sales finish in seconds.
pub(super) fn fast_workflows(client: Client, journal: Arc<dyn TradeJournal>) -> Workflows {
    Workflows::new(client, journal)
        .with_barcode_policy(fast_polls(5))
        .with_qr_policy(fast_polls(4))
        .with_refund_policy(RefundPolicy::default().with_interval(Duration::from_millis(10)))
}

/// Polls fast enough for a child to finish its sales in seconds.
fn fast_polls(queries: u32) -> PollPolicy {
    PollPolicy::barcode()
        .with_query_interval(Duration::from_millis(25))
        .with_max_queries(queries)
        .with_cancel(3, Duration::from_millis(10))
}

/// One sale: a payment of some kind, and for a paid one, one partial refund.
pub(super) async fn one_sale(workflows: &Workflows, i: usize, out_trade_no: String) {
    let amount = "20.00".parse().expect("money");
    let outcome = match i % 6 {
        5 => match workflows.precreate_and_wait(TradePrecreateRequest::new(&out_trade_no, amount, "QR")).await {
            Ok(handle) => handle.outcome().await,
            Err(e) => Err(e),
        },
        k => {
            let code = [
                buyer::PAYS_AT_ONCE.to_string(),
                buyer::confirms_after(3),
                buyer::NEVER_CONFIRMS.to_string(),
                buyer::SYSTEM_ERROR_PAID.to_string(),
                buyer::INSUFFICIENT_BALANCE.to_string(),
            ][k]
                .clone();
            workflows.pay_and_wait(TradePayRequest::new(&out_trade_no, amount, "crash test", code)).await
        }
    };
    if outcome.is_ok_and(|o| o.is_paid()) {
        let refund = TradeRefundRequest::by_out_trade_no(&out_trade_no, "5.00".parse().expect("money"), "");
        let _ = workflows.refund_until_known(refund).await;
    }
}

/// A fresh directory for this test's journals.
fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("alipay-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Every journal entry, straight from the file: key → (state, outcome summary).
fn journal_rows(path: &Path) -> BTreeMap<String, (String, serde_json::Value)> {
    let conn = rusqlite::Connection::open(path).expect("open journal");
    let mut statement = conn.prepare("SELECT key, state, outcome FROM workflows").expect("query");
    let rows = statement
        .query_map([], |r| {
            let outcome: Option<String> = r.get(2)?;
            Ok((r.get::<_, String>(0)?, (r.get::<_, String>(1)?, outcome)))
        })
        .expect("rows");
    rows.map(|r| {
        let (key, (state, outcome)) = r.expect("row");
        (key, (state, serde_json::from_str(outcome.as_deref().unwrap_or("null")).expect("summary json")))
    })
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_process_is_recovered_truthfully() {
    let sandbox = Sandbox::start(SandboxConfig { speed: SPEED, ..SandboxConfig::default() }).expect("sandbox");
    let server = sandbox.serve("127.0.0.1:0".parse().expect("addr")).await.expect("serve");
    let dir = temp_dir();
    let mut seed: u64 = 0x2026_1122;
    let (mut recovered_total, mut trades_total) = (0, 0);
    for round in 0..5 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let kill_after = Duration::from_millis(40 + (seed >> 33) % 400);
        let prefix = format!("K{round}X");
        let journal_path = dir.join(format!("round-{round}.db"));
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["workflows::crash::child_process", "--exact", "--nocapture", "--test-threads=1"])
            .env(ENV_GATEWAY, server.gateway_url())
            .env(ENV_APP_KEY, sandbox.app_private_key_pem().expect("generated app key"))
            .env(ENV_ALIPAY_KEY, sandbox.alipay_public_key().to_pem())
            .env(ENV_JOURNAL, &journal_path)
            .env(ENV_PREFIX, &prefix)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the child");
        let stdout = child.stdout.take().expect("stdout");
        let ready = tokio::task::spawn_blocking(move || {
            BufReader::new(stdout).lines().map_while(Result::ok).any(|line| line.contains(READY))
        });
        assert!(ready.await.expect("reader"), "round {round}: the child never became ready");
        tokio::time::sleep(kill_after).await;
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");

        // The second process (this one) recovers with the journal the first left, some minutes later:
        // past the expiry of every trade the first started, so a payment that never arrived can be
        // settled "not created" (until then it would stay unknown, as a held-up request could land).
        sandbox.advance(PollPolicy::qr().trade_expiry + SETTLE_MARGIN + Duration::from_secs(60));
        let journal = Arc::new(SqliteJournal::open(&journal_path).expect("journal"));
        let unfinished = journal.unfinished().await.expect("unfinished").len();
        let workflows = Workflows::new(sandbox.client().expect("client"), journal.clone());
        let report = workflows.recover().await.expect("recover");
        assert_eq!(report.recovered.len(), unfinished, "round {round}");
        for r in &report.recovered {
            assert!(r.result.is_ok(), "round {round}: {} could not be recovered: {:?}", r.entry.key, r.result);
        }
        assert!(journal.unfinished().await.expect("unfinished").is_empty(), "round {round}: all settled");
        recovered_total += unfinished;

        let rows = journal_rows(&journal_path);
        let trades: Vec<_> = sandbox.trades().into_iter().filter(|t| t.out_trade_no.starts_with(&prefix)).collect();
        trades_total += trades.len();
        for t in &trades {
            let what = format!("round {round}, {} after {kill_after:?}", t.out_trade_no);
            assert_ne!(t.status, TradeStatus::WaitBuyerPay, "{what}: left waiting");
            let (state, summary) = rows.get(&format!("trade:{}", t.out_trade_no)).unwrap_or_else(|| {
                panic!("{what}: a trade exists that the journal never heard of (intent must come first)")
            });
            assert_eq!(state, EntryState::Settled.as_str(), "{what}");
            let paid_and_kept = t.paid_at.is_some() && t.cancel_action.is_none();
            assert_eq!(summary["status"] == "paid", paid_and_kept, "{what}: journal {summary} vs trade {t:?}");
            // Refunds: one intended per paid sale, each journaled, none applied twice.
            let refunds: Vec<_> = t.refunds.iter().filter(|r| !r.out_request_no.starts_with("cancel-")).collect();
            assert!(refunds.len() <= 1, "{what}: refunded more than once: {refunds:?}");
            for r in refunds {
                let key = format!("refund:{}:{}", t.out_trade_no, r.out_request_no);
                let (state, summary) = rows.get(&key).unwrap_or_else(|| panic!("{what}: refund {key} not journaled"));
                assert_eq!((state.as_str(), summary["status"].as_str()), ("settled", Some("refunded")), "{what}");
            }
        }
        // And the other way round: every refund the journal calls made was made.
        for (key, (_, summary)) in rows.iter().filter(|(k, _)| k.starts_with("refund:")) {
            let mut parts = key.splitn(3, ':').skip(1);
            let (out_trade_no, number) = (parts.next().expect("trade"), parts.next().expect("number"));
            let applied =
                sandbox.trade(out_trade_no).is_some_and(|t| t.refunds.iter().any(|r| r.out_request_no == number));
            assert_eq!(summary["status"] == "refunded", applied, "round {round}: {key} {summary}");
        }
    }
    eprintln!("crash test: {trades_total} trades, {recovered_total} workflows recovered over 5 kills");
    assert!(recovered_total > 0, "the kills must land while workflows are running");
    assert!(trades_total > 0);
    server.shutdown();
    let _ = std::fs::remove_dir_all(dir);
}
