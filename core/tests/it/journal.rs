//! The journal contract, checked against each built-in store, and what only the SQLite file can do:
//! survive the process, refuse a newer schema, report a corrupt row.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use alipay_core::journal::{
    EntryState, EntryUpdate, JournalEntry, JournalError, MemoryJournal, TradeJournal, WorkflowKind, token_fingerprint,
};

fn entry(key: &str, age_secs: u64) -> JournalEntry {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 - age_secs);
    JournalEntry {
        key: key.to_string(),
        kind: WorkflowKind::Pay,
        out_trade_no: Some(key.trim_start_matches("trade:").to_string()),
        trade_no: None,
        out_request_no: None,
        biz_content: r#"{"out_trade_no":"T","total_amount":"9.90"}"#.to_string(),
        app_auth_token_id: Some(token_fingerprint("token-secret")),
        state: EntryState::Open,
        outcome: None,
        created_at: at,
        updated_at: at,
    }
}

/// A fresh path in the temp directory.
pub fn temp_path(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("alipay-core-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(format!("{}-{name}", N.fetch_add(1, Ordering::Relaxed)))
}

fn stores() -> Vec<(&'static str, Arc<dyn TradeJournal>)> {
    let mut stores: Vec<(&'static str, Arc<dyn TradeJournal>)> = vec![("memory", Arc::new(MemoryJournal::new()))];
    #[cfg(feature = "sqlite")]
    stores.push((
        "sqlite",
        Arc::new(alipay_core::journal::SqliteJournal::open(temp_path("contract.db")).expect("sqlite journal")),
    ));
    stores
}

#[tokio::test]
async fn begin_records_once_and_returns_the_existing_entry_after() {
    for (name, j) in stores() {
        assert_eq!(j.begin(entry("trade:T1", 0)).await.expect("begin"), None, "{name}");
        let mut again = entry("trade:T1", 0);
        again.biz_content = "{}".into();
        let existing = j.begin(again).await.expect("begin again").expect("existing entry");
        assert_eq!(existing.biz_content, entry("trade:T1", 0).biz_content, "{name}: nothing overwritten");
        assert_eq!(existing.app_auth_token_id, Some(token_fingerprint("token-secret")), "{name}");
    }
}

#[tokio::test]
async fn updates_change_only_what_they_name_and_settled_entries_leave_the_unfinished_list() {
    for (name, j) in stores() {
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
        let new = j.entry("trade:NEW").await.expect("entry").expect("exists");
        assert_eq!(new.outcome.as_deref(), Some(r#"{"status":"paid"}"#), "{name}");
        assert!(j.update("trade:NONE", EntryUpdate::default()).await.is_err(), "{name}: no such entry");
    }
}

#[tokio::test]
async fn notifications_are_remembered_by_notify_id() {
    for (name, j) in stores() {
        assert!(!j.notification_handled("n1").await.expect("lookup"), "{name}");
        j.mark_notification_handled("n1").await.expect("mark");
        j.mark_notification_handled("n1").await.expect("marking twice is fine");
        assert!(j.notification_handled("n1").await.expect("lookup"), "{name}");
        assert!(!j.notification_handled("n2").await.expect("lookup"), "{name}");
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
        assert_eq!(open[0], entry("trade:T1", 0));
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
