//! The journal contract, checked against each built-in store — memory, SQLite, and PostgreSQL when
//! `ALIPAY_TEST_POSTGRES` names a server — and what only the SQLite file can do: survive the process,
//! refuse a newer schema, migrate an old one, report a corrupt row, see a killed process's lock go.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use alipay_core::journal::{
    EntryState, EntryUpdate, JournalEntry, JournalError, JournalOptions, MemoryJournal, NotificationClaim,
    TradeJournal, WorkflowKind, token_fingerprint,
};

fn entry(key: &str, age_secs: u64) -> JournalEntry {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 - age_secs);
    let mut e = JournalEntry::new(
        key.to_string(),
        WorkflowKind::Pay,
        r#"{"out_trade_no":"T","total_amount":"9.90"}"#.to_string(),
        at,
    );
    e.out_trade_no = Some(key.trim_start_matches("trade:").to_string());
    e.app_auth_token_id = Some(token_fingerprint("token-secret"));
    e
}

/// A fresh path in the temp directory.
pub fn temp_path(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("alipay-core-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(format!("{}-{name}", N.fetch_add(1, Ordering::Relaxed)))
}

/// One shared store, from which instances are opened as separate processes would open them.
struct Store {
    name: &'static str,
    open: Box<dyn Fn(JournalOptions) -> Arc<dyn TradeJournal>>,
    /// Gives `key` to another instance, as a take-over after a lapsed lease would.
    steal: Box<dyn Fn(&str)>,
    /// Waits until a dropped instance counts as gone.
    gone: Box<dyn Fn(&str)>,
}

impl Store {
    fn instance(&self) -> Arc<dyn TradeJournal> {
        (self.open)(JournalOptions::default())
    }
}

fn memory() -> Store {
    let base = MemoryJournal::new();
    let open_base = base.clone();
    Store {
        name: "memory",
        open: Box::new(move |options| Arc::new(open_base.new_instance_with(options))),
        steal: Box::new(move |key| base.revoke(key)),
        gone: Box::new(|_| {}),
    }
}

#[cfg(feature = "sqlite")]
fn sqlite() -> Store {
    use alipay_core::journal::SqliteJournal;
    let path = temp_path("contract.db");
    let (open_path, steal_path, gone_path) = (path.clone(), path.clone(), path);
    Store {
        name: "sqlite",
        open: Box::new(move |options| Arc::new(SqliteJournal::open_with(&open_path, options).expect("sqlite journal"))),
        steal: Box::new(move |key| {
            let conn = rusqlite::Connection::open(&steal_path).expect("raw open");
            conn.execute("UPDATE workflows SET owner = 'successor' WHERE key = ?1", [key]).expect("steal");
        }),
        gone: Box::new(move |instance| {
            // The worker thread lets go of the instance's lock file just after the last handle drops.
            let folder = PathBuf::from(format!("{}.instances", gone_path.display()));
            let prefix: String =
                instance.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
            for _ in 0..500 {
                let held = std::fs::read_dir(&folder)
                    .map(|d| d.flatten().any(|f| f.file_name().to_string_lossy().starts_with(&prefix)))
                    .unwrap_or(false);
                if !held {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            panic!("{instance} kept its lock file");
        }),
    }
}

/// The PostgreSQL journal, in a schema of its own on the server `ALIPAY_TEST_POSTGRES` names. Without
/// that variable the PostgreSQL cases are skipped, and say so — except in CI, where they must run.
#[cfg(feature = "postgres")]
fn postgres() -> Option<Store> {
    use alipay_core::journal::PostgresJournal;
    let url = crate::pg::url()?;
    let url = crate::pg::fresh_schema(&url);
    let (open_url, steal_url) = (url.clone(), url.clone());
    let lease = JournalOptions::default().lease;
    Some(Store {
        name: "postgres",
        open: Box::new(move |options| {
            Arc::new(PostgresJournal::open_with(&open_url, options).expect("postgres journal"))
        }),
        steal: Box::new(move |key| {
            crate::pg::exec(
                &steal_url,
                &format!("UPDATE alipay_workflows SET owner = 'successor' WHERE key = '{key}'"),
            );
        }),
        // Across machines there is no lock file to look at: a gone instance's workflows wait for its
        // lease to run out (the test's instance leases 300 ms).
        gone: Box::new(move |_| std::thread::sleep(Duration::from_millis(400).min(lease))),
    })
}

#[cfg(not(feature = "postgres"))]
fn postgres() -> Option<Store> {
    None
}

fn stores() -> Vec<Store> {
    let mut stores = vec![memory()];
    #[cfg(feature = "sqlite")]
    stores.push(sqlite());
    stores.extend(postgres());
    stores
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn begin_records_once_owned_by_its_instance_and_returns_the_existing_entry_after() {
    for store in stores() {
        let (name, j) = (store.name, store.instance());
        assert_eq!(j.begin(entry("trade:T1", 0)).await.expect("begin"), None, "{name}");
        let mut again = entry("trade:T1", 0);
        again.biz_content = "{}".into();
        let existing = j.begin(again).await.expect("begin again").expect("existing entry");
        assert_eq!(existing.biz_content, entry("trade:T1", 0).biz_content, "{name}: nothing overwritten");
        assert_eq!(existing.app_auth_token_id, Some(token_fingerprint("token-secret")), "{name}");
        assert_eq!(existing.owner.as_deref(), Some(j.instance()), "{name}");
        assert!(existing.lease_until.is_some_and(|t| t > SystemTime::now()), "{name}: a running lease");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_change_only_what_they_name_and_an_ended_workflow_is_nobodys() {
    for store in stores() {
        let (name, j) = (store.name, store.instance());
        j.begin(entry("trade:NEW", 1)).await.expect("begin");
        j.begin(entry("trade:OLD", 100)).await.expect("begin");
        j.begin(entry("trade:MID", 50)).await.expect("begin");
        let trade_no = EntryUpdate { trade_no: Some("2026112222001".into()), ..EntryUpdate::default() };
        j.update("trade:MID", trade_no).await.expect("update");
        let settle = EntryUpdate {
            state: Some(EntryState::Settled),
            outcome: Some(r#"{"status":"paid"}"#.into()),
            ..EntryUpdate::default()
        };
        j.update("trade:NEW", settle).await.expect("settle");
        j.update("trade:OLD", EntryUpdate { state: Some(EntryState::Unresolved), ..EntryUpdate::default() })
            .await
            .expect("unresolved");

        let open: Vec<_> = j.unfinished().await.expect("unfinished").into_iter().map(|e| e.key).collect();
        assert_eq!(open, ["trade:OLD", "trade:MID"], "{name}: oldest first, settled left out");
        let mid = j.entry("trade:MID").await.expect("entry").expect("exists");
        assert_eq!((mid.trade_no.as_deref(), mid.state, mid.outcome), (Some("2026112222001"), EntryState::Open, None));
        assert_eq!(mid.owner.as_deref(), Some(j.instance()), "{name}: still running");
        let new = j.entry("trade:NEW").await.expect("entry").expect("exists");
        assert_eq!(new.outcome.as_deref(), Some(r#"{"status":"paid"}"#), "{name}");
        assert_eq!((new.owner, new.lease_until), (None, None), "{name}: settled is nobody's");
        let old = j.entry("trade:OLD").await.expect("entry").expect("exists");
        assert_eq!(old.owner, None, "{name}: unresolved is anyone's to recover");
        assert!(j.update("trade:NONE", EntryUpdate::default()).await.is_err(), "{name}: no such entry");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_instance_keeps_its_workflows_from_every_other() {
    for store in stores() {
        let (name, a, b) = (store.name, store.instance(), store.instance());
        assert_ne!(a.instance(), b.instance(), "{name}: instances have their own names");
        a.begin(entry("trade:LIVE", 0)).await.expect("begin");
        assert!(b.take_over().await.expect("take over").is_empty(), "{name}: nothing to take");
        match b.acquire("trade:LIVE").await {
            Err(JournalError::Held { key, holder }) => {
                assert_eq!((key.as_str(), holder.as_str()), ("trade:LIVE", a.instance()))
            }
            other => panic!("{name}: expected Held, got {other:?}"),
        }
        assert_eq!(b.unfinished().await.expect("listing").len(), 1, "{name}: but everyone sees it");
        let own: Vec<_> = a.take_over().await.expect("own").into_iter().map(|e| e.key).collect();
        assert_eq!(own, ["trade:LIVE"], "{name}: an instance may take its own back");
        a.update("trade:LIVE", EntryUpdate::default()).await.expect("still a's");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gone_instances_workflows_go_to_exactly_one_of_two_instances_taking_over_at_once() {
    for store in stores() {
        let name = store.name;
        let short = JournalOptions::default().with_lease(Duration::from_millis(300));
        let crashed = (store.open)(short);
        for i in 0..40 {
            crashed.begin(entry(&format!("trade:G{i:02}"), 100 - i)).await.expect("begin");
        }
        let settled = EntryUpdate { state: Some(EntryState::Settled), ..EntryUpdate::default() };
        crashed.update("trade:G00", settled).await.expect("one settled");
        let gone = crashed.instance().to_string();
        drop(crashed);
        (store.gone)(&gone);
        let (b, c) = (store.instance(), store.instance());
        let (from_b, from_c) = tokio::join!(b.take_over(), c.take_over());
        let (from_b, from_c) = (from_b.expect("b"), from_c.expect("c"));
        let mut all: Vec<_> = from_b.iter().chain(&from_c).map(|e| e.key.clone()).collect();
        all.sort();
        let expected: Vec<_> = (1..40).map(|i| format!("trade:G{i:02}")).collect();
        assert_eq!(all, expected, "{name}: each unfinished workflow taken exactly once");
        for e in &from_b {
            assert_eq!(e.owner.as_deref(), Some(b.instance()), "{name}");
            let stored = b.entry(&e.key).await.expect("entry").expect("exists");
            assert_eq!(stored.owner.as_deref(), Some(b.instance()), "{name}: the take-over is stored");
        }
        let oldest_first: Vec<_> = from_b.iter().map(|e| e.created_at).collect();
        assert!(oldest_first.is_sorted(), "{name}: oldest first");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unresolved_workflow_is_anyones_to_take_over() {
    for store in stores() {
        let (name, a, b) = (store.name, store.instance(), store.instance());
        a.begin(entry("trade:UNRES", 0)).await.expect("begin");
        a.update("trade:UNRES", EntryUpdate { state: Some(EntryState::Unresolved), ..EntryUpdate::default() })
            .await
            .expect("unresolved");
        let taken = b.take_over().await.expect("take over");
        assert_eq!(taken.len(), 1, "{name}");
        assert_eq!((taken[0].state, taken[0].owner.as_deref()), (EntryState::Unresolved, Some(b.instance())));
        b.update("trade:UNRES", EntryUpdate::default()).await.expect("a step of the recovery");
        let stored = b.entry("trade:UNRES").await.expect("entry").expect("exists");
        assert_eq!(stored.owner.as_deref(), Some(b.instance()), "{name}: a write that ends nothing keeps it");
        assert!(a.update("trade:UNRES", EntryUpdate::default()).await.is_err(), "{name}: not a's any more");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workflow_taken_over_learns_it_at_its_next_write_and_changes_nothing() {
    for store in stores() {
        let (name, a) = (store.name, store.instance());
        a.begin(entry("trade:LOST", 0)).await.expect("begin");
        (store.steal)("trade:LOST");
        let settle =
            EntryUpdate { state: Some(EntryState::Settled), outcome: Some("{}".into()), ..EntryUpdate::default() };
        match a.update("trade:LOST", settle).await {
            Err(e @ JournalError::LeaseLost { .. }) => {
                assert!(e.to_string().contains("taken over"), "{name}: {e}");
                assert!(alipay_core::Error::from(e).outcome_unknown(), "{name}: what became of it is unknown here");
            }
            other => panic!("{name}: expected LeaseLost, got {other:?}"),
        }
        let stored = a.entry("trade:LOST").await.expect("entry").expect("exists");
        assert_eq!((stored.state, stored.outcome), (EntryState::Open, None), "{name}: unchanged");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acquire_reopens_an_ended_workflow_for_its_caller() {
    for store in stores() {
        let (name, a, b) = (store.name, store.instance(), store.instance());
        a.begin(entry("trade:AGAIN", 0)).await.expect("begin");
        a.update("trade:AGAIN", EntryUpdate { state: Some(EntryState::Settled), ..EntryUpdate::default() })
            .await
            .expect("settle");
        let reopened = b.acquire("trade:AGAIN").await.expect("acquire");
        assert_eq!((reopened.state, reopened.owner.as_deref()), (EntryState::Open, Some(b.instance())), "{name}");
        assert!(a.update("trade:AGAIN", EntryUpdate::default()).await.is_err(), "{name}: no longer a's");
        assert!(b.acquire("trade:NONE").await.is_err(), "{name}: no such entry");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_between_lists_the_entries_begun_in_the_window_in_any_state_oldest_first() {
    for store in stores() {
        let (name, j) = (store.name, store.instance());
        for (key, age) in [("trade:W300", 300), ("trade:W200", 200), ("trade:W100", 100), ("trade:W0", 0)] {
            j.begin(entry(key, age)).await.expect("begin");
        }
        let settled = EntryUpdate { state: Some(EntryState::Settled), ..EntryUpdate::default() };
        j.update("trade:W100", settled).await.expect("settle");
        let at = |age: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 - age);
        let found = j.created_between(at(250), at(50)).await.expect("list");
        let keys: Vec<&str> = found.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["trade:W200", "trade:W100"], "{name}");
        assert_eq!(found[1].state, EntryState::Settled, "{name}: settled ones too");
        let edges = j.created_between(at(300), at(0)).await.expect("list");
        let keys: Vec<&str> = edges.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["trade:W300", "trade:W200", "trade:W100"], "{name}: from is in, to is out");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_is_first_once_then_in_progress_until_handled_then_handled() {
    for store in stores() {
        let (name, a, b) = (store.name, store.instance(), store.instance());
        assert_eq!(a.claim_notification("n1").await.expect("claim"), NotificationClaim::First, "{name}");
        assert_eq!(b.claim_notification("n1").await.expect("claim"), NotificationClaim::InProgress, "{name}");
        assert_eq!(a.claim_notification("n1").await.expect("claim"), NotificationClaim::InProgress, "{name}");
        a.mark_notification_handled("n1").await.expect("mark");
        a.mark_notification_handled("n1").await.expect("marking twice is fine");
        assert_eq!(b.claim_notification("n1").await.expect("claim"), NotificationClaim::Handled, "{name}");
        assert_eq!(b.claim_notification("n2").await.expect("claim"), NotificationClaim::First, "{name}");
        b.mark_notification_handled("n3").await.expect("marked without a claim");
        assert_eq!(a.claim_notification("n3").await.expect("claim"), NotificationClaim::Handled, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_whose_handler_crashed_is_offered_again_once_its_hold_has_passed() {
    for store in stores() {
        let name = store.name;
        // A hold long enough that b's two claims below fall within it on a loaded machine.
        let hold = JournalOptions::default().with_notification_hold(Duration::from_secs(1));
        let (a, b) = ((store.open)(hold), (store.open)(hold));
        assert_eq!(a.claim_notification("crash").await.expect("claim"), NotificationClaim::First, "{name}");
        drop(a); // crashed before marking it handled
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(b.claim_notification("crash").await.expect("claim"), NotificationClaim::First, "{name}");
        assert_eq!(b.claim_notification("crash").await.expect("claim"), NotificationClaim::InProgress, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_simultaneous_deliveries_to_three_instances_exactly_one_is_first() {
    for store in stores() {
        let name = store.name;
        let instances = [store.instance(), store.instance(), store.instance()];
        let mut tasks = Vec::new();
        for n in 0..50 {
            for j in &instances {
                let j = Arc::clone(j);
                tasks.push(tokio::spawn(async move { (n, j.claim_notification(&format!("notify-{n}")).await) }));
            }
        }
        let mut firsts = [0u32; 50];
        for t in tasks {
            let (n, claim) = t.await.expect("task");
            if claim.expect("claim") == NotificationClaim::First {
                firsts[n] += 1;
            }
        }
        assert!(firsts.iter().all(|&f| f == 1), "{name}: {firsts:?}");
    }
}

#[test]
fn an_app_auth_token_is_journaled_as_a_fingerprint_that_cannot_be_used_as_one() {
    let id = token_fingerprint("token-secret");
    assert!(id.starts_with("sha256:") && id.len() == 7 + 16, "{id}");
    assert!(!id.contains("token-secret"));
    assert_eq!(id, token_fingerprint("token-secret"), "stable, so recovery can match the token it is given");
    assert_ne!(id, token_fingerprint("token-secret2"));
    let text = format!("{:?}", entry("trade:T1", 0));
    assert!(!text.contains("token-secret"), "{text}");
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use alipay_core::journal::SqliteJournal;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn entries_survive_closing_and_reopening_the_file() {
        let path = temp_path("reopen.db");
        {
            let j = SqliteJournal::open(&path).expect("open");
            j.begin(entry("trade:T1", 0)).await.expect("begin");
        }
        let j = SqliteJournal::open(&path).expect("reopen");
        let open = j.unfinished().await.expect("unfinished");
        assert_eq!(open.len(), 1);
        let (found, written) = (&open[0], entry("trade:T1", 0));
        assert_eq!(
            (&found.key, &found.biz_content, found.created_at),
            (&written.key, &written.biz_content, written.created_at)
        );
        let taken = j.take_over().await.expect("take over");
        assert_eq!(taken.len(), 1, "the instance that wrote it is gone: the next one takes it");
    }

    /// What a killed process leaves: its workflows, under a lease that still runs, and its lock file,
    /// which nobody holds any more.
    fn leave_a_killed_instance(path: &std::path::Path, instance: &str, key: &str) -> PathBuf {
        drop(SqliteJournal::open(path).expect("create"));
        let conn = rusqlite::Connection::open(path).expect("raw open");
        let lease = SystemTime::now() + Duration::from_secs(3600);
        let lease = lease.duration_since(SystemTime::UNIX_EPOCH).expect("after 1970").as_millis() as i64;
        conn.execute(
            "INSERT INTO workflows (key, kind, out_trade_no, biz_content, state, created_at, updated_at, owner, lease_until)
             VALUES (?1, 'pay', ?1, '{}', 'open', 0, 0, ?2, ?3)",
            rusqlite::params![key, instance, lease],
        )
        .expect("row");
        let lock = PathBuf::from(format!("{}.instances/{instance}.lock", path.display()));
        std::fs::write(&lock, b"").expect("lock file");
        lock
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_killed_processs_workflows_are_taken_over_at_once_though_its_lease_runs() {
        let path = temp_path("killed.db");
        let lock = leave_a_killed_instance(&path, "host-1-dead", "trade:K1");
        let j = SqliteJournal::open(&path).expect("open");
        let taken = j.take_over().await.expect("take over");
        assert_eq!(taken.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), ["trade:K1"]);
        assert!(!lock.exists(), "the dead instance's lock file is cleared away");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_process_that_still_holds_its_lock_keeps_its_workflows() {
        let path = temp_path("alive.db");
        let lock = leave_a_killed_instance(&path, "host-2-alive", "trade:A1");
        let held = std::fs::OpenOptions::new().write(true).open(&lock).expect("lock file");
        held.lock().expect("hold it, as the live process does");
        let j = SqliteJournal::open(&path).expect("open");
        assert!(j.take_over().await.expect("take over").is_empty());
        assert!(matches!(j.acquire("trade:A1").await, Err(JournalError::Held { .. })));
        // Its lease runs out (its process hangs): then it is taken over all the same.
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        conn.execute("UPDATE workflows SET lease_until = 0", []).expect("expire");
        assert_eq!(j.take_over().await.expect("take over").len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_processes_share_a_file_and_each_keeps_its_own() {
        let path = temp_path("shared.db");
        let (a, b) = (SqliteJournal::open(&path).expect("a"), SqliteJournal::open(&path).expect("b"));
        a.begin(entry("trade:MINE-A", 0)).await.expect("begin");
        b.begin(entry("trade:MINE-B", 0)).await.expect("begin");
        assert_eq!(
            a.take_over().await.expect("a").iter().map(|e| e.key.as_str()).collect::<Vec<_>>(),
            ["trade:MINE-A"]
        );
        assert_eq!(
            b.take_over().await.expect("b").iter().map(|e| e.key.as_str()).collect::<Vec<_>>(),
            ["trade:MINE-B"]
        );
    }

    #[test]
    fn order_and_refund_numbers_are_unique_in_the_file() {
        let path = temp_path("unique.db");
        drop(SqliteJournal::open(&path).expect("create"));
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        let insert = |key: &str, kind: &str, out_trade_no: &str, out_request_no: Option<&str>| {
            conn.execute(
                "INSERT INTO workflows (key, kind, out_trade_no, out_request_no, biz_content, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, '{}', 'open', 0, 0)",
                rusqlite::params![key, kind, out_trade_no, out_request_no],
            )
        };
        insert("trade:U1", "pay", "U1", None).expect("first");
        assert!(insert("other:U1", "precreate", "U1", None).is_err(), "one payment workflow per order number");
        insert("refund:U1:R1", "refund", "U1", Some("R1")).expect("refund");
        assert!(insert("refund-again:U1:R1", "refund", "U1", Some("R1")).is_err(), "one refund per out_request_no");
        insert("refund:U1:R2", "refund", "U1", Some("R2")).expect("another refund");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_schema_2_journal_keeps_its_workflows_and_handled_notifications() {
        let path = temp_path("v2.db");
        {
            let conn = rusqlite::Connection::open(&path).expect("v2 file");
            conn.execute_batch(
                "CREATE TABLE workflows (key TEXT PRIMARY KEY, kind TEXT NOT NULL, out_trade_no TEXT, trade_no TEXT,
                 out_request_no TEXT, biz_content TEXT NOT NULL, app_auth_token TEXT, state TEXT NOT NULL,
                 outcome TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                 CREATE TABLE notifications (notify_id TEXT PRIMARY KEY, handled_at INTEGER NOT NULL);
                 INSERT INTO workflows VALUES ('trade:T2', 'pay', 'T2', NULL, NULL, '{}', NULL, 'open', NULL, 0, 0);
                 INSERT INTO notifications VALUES ('seen-before', 1);
                 PRAGMA user_version = 2;",
            )
            .expect("v2 rows");
        }
        let j = SqliteJournal::open(&path).expect("open v2");
        assert_eq!(j.claim_notification("seen-before").await.expect("claim"), NotificationClaim::Handled);
        assert_eq!(j.claim_notification("new").await.expect("claim"), NotificationClaim::First);
        let taken = j.take_over().await.expect("take over");
        assert_eq!((taken.len(), taken[0].owner.as_deref()), (1, Some(j.instance())), "written before owners existed");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_journal_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let path = temp_path("private.db");
        drop(SqliteJournal::open(&path).expect("open"));
        let mode = std::fs::metadata(&path).expect("file").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_journal_from_before_fingerprints_has_its_tokens_scrubbed_on_open() {
        let path = temp_path("v1.db");
        {
            // Schema 1 kept the token in clear.
            let conn = rusqlite::Connection::open(&path).expect("v1 file");
            conn.execute_batch(
                "CREATE TABLE workflows (key TEXT PRIMARY KEY, kind TEXT NOT NULL, out_trade_no TEXT, trade_no TEXT,
                 out_request_no TEXT, biz_content TEXT NOT NULL, app_auth_token TEXT, state TEXT NOT NULL,
                 outcome TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                 INSERT INTO workflows VALUES ('trade:T1', 'pay', 'T1', NULL, NULL, '{}', 'token-secret', 'open', NULL, 0, 0);
                 PRAGMA user_version = 1;",
            )
            .expect("v1 rows");
        }
        let j = SqliteJournal::open(&path).expect("open v1");
        let open = j.unfinished().await.expect("unfinished");
        assert_eq!(open[0].app_auth_token_id, Some(token_fingerprint("token-secret")));
        drop(j);
        let mut bytes = std::fs::read(&path).expect("file");
        if let Ok(wal) = std::fs::read(path.with_extension("db-wal")) {
            bytes.extend(wal);
        }
        assert!(!bytes.windows(12).any(|w| w == b"token-secret"), "no trace of the token is left in the file");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_thousand_concurrent_intents_all_land() {
        let j = Arc::new(SqliteJournal::open(temp_path("many.db")).expect("open"));
        let tasks: Vec<_> = (0..1000)
            .map(|i| {
                let j = Arc::clone(&j);
                tokio::spawn(async move { j.begin(entry(&format!("trade:T{i:04}"), 0)).await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.expect("task").expect("begin"), None);
        }
        assert_eq!(j.unfinished().await.expect("unfinished").len(), 1000);
    }

    #[test]
    fn a_file_from_a_newer_version_is_refused() {
        let path = temp_path("newer.db");
        drop(SqliteJournal::open(&path).expect("create"));
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        drop(conn);
        let err = SqliteJournal::open(&path).expect_err("newer schema");
        assert!(err.to_string().contains("schema version 99"), "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_row_with_an_unknown_kind_is_reported_not_skipped() {
        let path = temp_path("corrupt.db");
        let j = SqliteJournal::open(&path).expect("open");
        j.begin(entry("trade:T1", 0)).await.expect("begin");
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        conn.execute("UPDATE workflows SET kind = 'teleport'", []).expect("corrupt it");
        match j.unfinished().await {
            Err(JournalError::Corrupt { key, message }) => {
                assert_eq!(key, "trade:T1");
                assert!(message.contains("teleport"), "{message}");
            }
            other => panic!("expected a corrupt-entry error, got {other:?}"),
        }
    }

    #[test]
    fn a_directory_that_does_not_exist_is_a_storage_error() {
        let err = SqliteJournal::open("/nonexistent-dir/alipay/journal.db").expect_err("no such directory");
        assert!(matches!(err, JournalError::Storage { .. }), "{err:?}");
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use alipay_core::journal::PostgresJournal;

    /// A fresh schema on the test server, or `None` (skipped) without one.
    fn database() -> Option<String> {
        crate::pg::url().map(|url| crate::pg::fresh_schema(&url))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn journal_open_takes_a_postgresql_url_as_every_binding_passes_it() {
        let Some(url) = database() else { return };
        let j = alipay_core::journal::open(&url).expect("open by URL");
        j.begin(entry("trade:URL1", 0)).await.expect("begin");
        let again = alipay_core::journal::open(url.replace("postgresql://", "postgres://")).expect("either scheme");
        assert_eq!(again.unfinished().await.expect("listing").len(), 1, "one database, seen by both");
        assert!(format!("{j:?}").contains("PostgresJournal"), "{j:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn instances_starting_together_create_the_schema_once() {
        let Some(url) = database() else { return };
        let opening: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || PostgresJournal::open(&url).map(drop))
            })
            .collect();
        for o in opening {
            o.join().expect("thread").expect("each opens");
        }
    }

    #[test]
    fn tables_from_a_newer_version_are_refused() {
        let Some(url) = database() else { return };
        drop(PostgresJournal::open(&url).expect("create"));
        crate::pg::exec(&url, "UPDATE alipay_journal_meta SET version = 99");
        match PostgresJournal::open(&url) {
            Err(JournalError::NewerSchema { found: 99, known }) => assert!(known < 99),
            other => panic!("expected NewerSchema, got {other:?}"),
        }
    }

    #[test]
    fn a_bad_url_or_setting_is_named_and_no_password_is_repeated() {
        let err = PostgresJournal::open("postgresql://pay:hunter2secret@127.0.0.1:1/db?alipay_pool=many")
            .expect_err("pool is not a number");
        assert!(err.to_string().contains("alipay_pool"), "{err}");
        let err = PostgresJournal::open("postgresql://pay:hunter2secret@127.0.0.1:1/db?alipay_statement_timeout=soon")
            .expect_err("timeout is not milliseconds");
        assert!(err.to_string().contains("alipay_statement_timeout"), "{err}");
        let err = PostgresJournal::open("postgresql://pay:hunter2secret@127.0.0.1:1/db?sslmode=maybe")
            .expect_err("no such sslmode");
        assert!(err.to_string().contains("sslmode"), "{err}");
        let err = PostgresJournal::open("postgresql://pay:hunter2secret@127.0.0.1:1/db?connect_timeout=1")
            .expect_err("nothing listens on port 1");
        assert!(matches!(err, JournalError::Storage { .. }), "{err:?}");
        assert!(!format!("{err} {err:?}").contains("hunter2secret"), "{err}");
        let err = PostgresJournal::open(
            "postgresql://pay:hunter2secret@127.0.0.1:1/db?sslmode=require&sslrootcert=/nonexistent.pem",
        )
        .expect_err("no such root certificate");
        assert!(err.to_string().contains("sslrootcert"), "{err}");
    }

    /// The test server's CA (`ALIPAY_TEST_POSTGRES_CA`, which `.ci/run` sets): skipped without it,
    /// except in CI.
    fn test_ca() -> Option<String> {
        match std::env::var("ALIPAY_TEST_POSTGRES_CA") {
            Ok(ca) if !ca.is_empty() => Some(ca),
            _ if std::env::var_os("CI").is_some() => panic!("CI must run the TLS case: set ALIPAY_TEST_POSTGRES_CA"),
            _ => {
                eprintln!("skipped: the PostgreSQL TLS case (set ALIPAY_TEST_POSTGRES_CA to the server's CA file)");
                None
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tls_verifies_the_server_against_the_root_the_url_names() {
        let (Some(url), Some(ca)) = (database(), test_ca()) else { return };
        let j = PostgresJournal::open(&format!("{url}&sslmode=verify-full&sslrootcert={ca}")).expect("over TLS");
        j.begin(entry("trade:TLS1", 0)).await.expect("a write over TLS");
        let err = PostgresJournal::open(&format!("{url}&sslmode=require"))
            .expect_err("Mozilla's roots do not know the test CA: the server is refused, not trusted blindly");
        assert!(err.to_string().to_lowercase().contains("certificate"), "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ten_thousand_concurrent_intents_all_land_in_a_few_transactions() {
        let Some(url) = database() else { return };
        let j = Arc::new(PostgresJournal::open(&format!("{url}&alipay_pool=2")).expect("open"));
        let tasks: Vec<_> = (0..10_000)
            .map(|i| {
                let j = Arc::clone(&j);
                tokio::spawn(async move { j.begin(entry(&format!("trade:P{i:05}"), 0)).await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.expect("task").expect("begin"), None);
        }
        assert_eq!(j.unfinished().await.expect("unfinished").len(), 10_000);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn order_numbers_are_unique_in_the_database_whatever_the_key() {
        let Some(url) = database() else { return };
        let j = PostgresJournal::open(&url).expect("open");
        j.begin(entry("trade:UQ1", 0)).await.expect("begin");
        let mut same_order = entry("trade:UQ1", 0);
        same_order.key = "other-key:UQ1".into();
        same_order.out_trade_no = Some("UQ1".into());
        let err = j.begin(same_order).await.expect_err("the order number is taken");
        assert!(err.to_string().contains("order or refund number"), "{err}");
        j.begin(entry("trade:UQ2", 0)).await.expect("and the journal goes on");
    }
}
