//! A journal in memory: durable only as long as the process lives.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use super::{EntryUpdate, JournalEntry, JournalError, TradeJournal};
use crate::future::BoxFuture;

#[derive(Debug, Default)]
struct Store {
    entries: BTreeMap<String, JournalEntry>,
    notifications: HashSet<String>,
}

/// A [`TradeJournal`] in memory. Cheap to clone; clones share the entries. It survives nothing: use
/// [`super::SqliteJournal`] wherever a crash must not lose a workflow.
#[derive(Debug, Clone, Default)]
pub struct MemoryJournal {
    store: Arc<Mutex<Store>>,
}

impl MemoryJournal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every entry, in key order.
    pub fn entries(&self) -> Vec<JournalEntry> {
        self.lock().entries.values().cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave an entry half-written (every change is one
        // insert or one field assignment), so a poisoned lock is still consistent.
        self.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl TradeJournal for MemoryJournal {
    fn begin(&self, entry: JournalEntry) -> BoxFuture<'_, Result<Option<JournalEntry>, JournalError>> {
        let mut store = self.lock();
        let existing = match store.entries.get(&entry.key) {
            Some(e) => Some(e.clone()),
            None => {
                store.entries.insert(entry.key.clone(), entry);
                None
            }
        };
        Box::pin(async move { Ok(existing) })
    }

    fn update<'a>(&'a self, key: &'a str, update: EntryUpdate) -> BoxFuture<'a, Result<(), JournalError>> {
        let result = match self.lock().entries.get_mut(key) {
            Some(e) => {
                if let Some(state) = update.state {
                    e.state = state;
                }
                if let Some(trade_no) = update.trade_no {
                    e.trade_no = Some(trade_no);
                }
                if let Some(outcome) = update.outcome {
                    e.outcome = Some(outcome);
                }
                e.updated_at = SystemTime::now();
                Ok(())
            }
            None => Err(JournalError::Storage { operation: "update an entry", message: format!("no entry `{key}`") }),
        };
        Box::pin(async move { result })
    }

    fn entry<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<JournalEntry>, JournalError>> {
        let entry = self.lock().entries.get(key).cloned();
        Box::pin(async move { Ok(entry) })
    }

    fn unfinished(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>> {
        let mut open: Vec<_> = self.lock().entries.values().filter(|e| e.state.is_unfinished()).cloned().collect();
        open.sort_by_key(|e| e.created_at);
        Box::pin(async move { Ok(open) })
    }

    fn notification_handled<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<bool, JournalError>> {
        let seen = self.lock().notifications.contains(notify_id);
        Box::pin(async move { Ok(seen) })
    }

    fn mark_notification_handled<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<(), JournalError>> {
        self.lock().notifications.insert(notify_id.to_string());
        Box::pin(async move { Ok(()) })
    }
}
