//! The journal contract, checked against each built-in store, and what only the SQLite file can do:
//! survive the process, refuse a newer schema, report a corrupt row.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use alipay_core::journal::{
    EntryState, EntryUpdate, JournalEntry, JournalError, MemoryJournal, TradeJournal, WorkflowKind,
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
        app_auth_token: Some("token-secret".to_string()),
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
        assert_eq!(existing.app_auth_token.as_deref(), Some("token-secret"), "{name}");
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
fn debug_output_hides_the_app_auth_token() {
    let text = format!("{:?}", entry("trade:T1", 0));
    assert!(!text.contains("token-secret"), "{text}");
    assert!(text.contains("<redacted>"));
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
