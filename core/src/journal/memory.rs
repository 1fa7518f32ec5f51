//! A journal in memory: durable only as long as the process lives.
//!
//! Instances ([`MemoryJournal::new_instance`]) share one store, as processes share a database, so the
//! ownership rules can be exercised in one process: an instance is gone when its last clone is
//! dropped, and its workflows can then be taken over.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::SystemTime;

use super::{
    EntryState, EntryUpdate, JournalEntry, JournalError, JournalOptions, NotificationClaim, TradeJournal,
    new_instance_name,
};
use crate::future::BoxFuture;

#[derive(Debug, Default)]
struct Store {
    entries: BTreeMap<String, JournalEntry>,
    /// `notify_id` → `None` once handled, else until when its first receiver holds it.
    notifications: HashMap<String, Option<SystemTime>>,
    /// Every instance that ever used the store, alive while its handle is.
    instances: HashMap<String, Weak<Instance>>,
}

impl Store {
    fn is_live(&self, instance: &str) -> bool {
        self.instances.get(instance).is_some_and(|i| i.strong_count() > 0)
    }

    /// Who else holds `entry`, if a live instance other than `me` does.
    fn other_holder(&self, entry: &JournalEntry, me: &str) -> Option<String> {
        entry.owner.as_deref().filter(|o| *o != me && self.is_live(o)).map(str::to_string)
    }
}

#[derive(Debug)]
struct Instance {
    name: String,
    options: JournalOptions,
}

/// A [`TradeJournal`] in memory. Cheap to clone; clones are one instance and share the entries. It
/// survives nothing: use [`super::SqliteJournal`] wherever a crash must not lose a workflow.
#[derive(Debug, Clone)]
pub struct MemoryJournal {
    store: Arc<Mutex<Store>>,
    me: Arc<Instance>,
}

impl Default for MemoryJournal {
    fn default() -> Self {
        Self::with_options(JournalOptions::default())
    }
}

impl MemoryJournal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty journal with these options.
    pub fn with_options(options: JournalOptions) -> Self {
        let journal = Self { store: Arc::default(), me: Arc::new(Instance { name: new_instance_name(), options }) };
        journal.register();
        journal
    }

    /// Another instance on the same entries, as a second process on the same database would be. It is
    /// gone (and its workflows can be taken over) once it and its clones are dropped.
    pub fn new_instance(&self) -> Self {
        self.new_instance_with(self.me.options)
    }

    /// [`MemoryJournal::new_instance`] with its own options.
    pub fn new_instance_with(&self, options: JournalOptions) -> Self {
        let name = format!("{}+{}", new_instance_name(), self.lock().instances.len());
        let journal = Self { store: Arc::clone(&self.store), me: Arc::new(Instance { name, options }) };
        journal.register();
        journal
    }

    /// Every entry, in key order.
    pub fn entries(&self) -> Vec<JournalEntry> {
        self.lock().entries.values().cloned().collect()
    }

    /// Gives `key` to another instance, as if its owner's lease had run out while it stalled and
    /// someone else had taken the workflow over: the owner's next write fails with
    /// [`JournalError::LeaseLost`]. For tests of that path.
    pub fn revoke(&self, key: &str) {
        if let Some(entry) = self.lock().entries.get_mut(key) {
            entry.owner = Some(format!("{}-successor", entry.owner.as_deref().unwrap_or("nobody")));
        }
    }

    fn register(&self) {
        self.lock().instances.insert(self.me.name.clone(), Arc::downgrade(&self.me));
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave an entry half-written (every change is one
        // insert or one field assignment), so a poisoned lock is still consistent.
        self.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn own(&self, entry: &mut JournalEntry, now: SystemTime) {
        entry.owner = Some(self.me.name.clone());
        entry.lease_until = Some(now + self.me.options.lease);
    }
}

fn ready<T: Send + 'static>(value: T) -> BoxFuture<'static, T> {
    Box::pin(async move { value })
}

impl TradeJournal for MemoryJournal {
    fn instance(&self) -> &str {
        &self.me.name
    }

    fn begin(&self, mut entry: JournalEntry) -> BoxFuture<'_, Result<Option<JournalEntry>, JournalError>> {
        let mut store = self.lock();
        let existing = match store.entries.get(&entry.key) {
            Some(e) => Some(e.clone()),
            None => {
                self.own(&mut entry, SystemTime::now());
                store.entries.insert(entry.key.clone(), entry);
                None
            }
        };
        ready(Ok(existing))
    }

    fn acquire<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<JournalEntry, JournalError>> {
        let mut store = self.lock();
        let result = match store.entries.get(key).map(|e| store.other_holder(e, &self.me.name)) {
            None => Err(no_entry(key)),
            Some(Some(holder)) => Err(JournalError::Held { key: key.to_string(), holder }),
            Some(None) => {
                let now = SystemTime::now();
                let entry = store.entries.get_mut(key).expect("looked up under the same lock");
                self.own(entry, now);
                entry.state = EntryState::Open;
                entry.updated_at = now;
                Ok(entry.clone())
            }
        };
        ready(result)
    }

    fn update<'a>(&'a self, key: &'a str, update: EntryUpdate) -> BoxFuture<'a, Result<(), JournalError>> {
        let mut store = self.lock();
        let result = match store.entries.get_mut(key) {
            None => Err(no_entry(key)),
            Some(e) if e.owner.as_deref() != Some(self.me.name.as_str()) => {
                Err(JournalError::LeaseLost { key: key.to_string(), holder: e.owner.clone().unwrap_or_default() })
            }
            Some(e) => {
                let now = SystemTime::now();
                // Ending the workflow ends the ownership; any other write renews the lease.
                let ends = update.state.is_some_and(|s| s != EntryState::Open);
                if let Some(state) = update.state {
                    e.state = state;
                }
                if let Some(trade_no) = update.trade_no {
                    e.trade_no = Some(trade_no);
                }
                if let Some(outcome) = update.outcome {
                    e.outcome = Some(outcome);
                }
                e.updated_at = now;
                if ends {
                    (e.owner, e.lease_until) = (None, None);
                } else {
                    e.lease_until = Some(now + self.me.options.lease);
                }
                Ok(())
            }
        };
        ready(result)
    }

    fn entry<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<JournalEntry>, JournalError>> {
        ready(Ok(self.lock().entries.get(key).cloned()))
    }

    fn unfinished(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>> {
        let mut open: Vec<_> = self.lock().entries.values().filter(|e| e.state.is_unfinished()).cloned().collect();
        open.sort_by_key(|e| e.created_at);
        ready(Ok(open))
    }

    fn created_between(
        &self,
        from: SystemTime,
        to: SystemTime,
    ) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>> {
        let mut found: Vec<_> =
            self.lock().entries.values().filter(|e| (from..to).contains(&e.created_at)).cloned().collect();
        found.sort_by(|a, b| (a.created_at, &a.key).cmp(&(b.created_at, &b.key)));
        ready(Ok(found))
    }

    fn take_over(&self) -> BoxFuture<'_, Result<Vec<JournalEntry>, JournalError>> {
        let mut store = self.lock();
        let takeable: Vec<String> = store
            .entries
            .values()
            .filter(|e| e.state.is_unfinished() && store.other_holder(e, &self.me.name).is_none())
            .map(|e| e.key.clone())
            .collect();
        let now = SystemTime::now();
        let mut taken = Vec::with_capacity(takeable.len());
        for key in &takeable {
            if let Some(e) = store.entries.get_mut(key) {
                self.own(e, now);
                taken.push(e.clone());
            }
        }
        taken.sort_by_key(|e| e.created_at);
        ready(Ok(taken))
    }

    fn claim_notification<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<NotificationClaim, JournalError>> {
        let now = SystemTime::now();
        let hold = now + self.me.options.notification_hold;
        let mut store = self.lock();
        let claim = match store.notifications.get(notify_id) {
            Some(None) => NotificationClaim::Handled,
            Some(Some(until)) if *until > now => NotificationClaim::InProgress,
            _ => {
                store.notifications.insert(notify_id.to_string(), Some(hold));
                NotificationClaim::First
            }
        };
        ready(Ok(claim))
    }

    fn mark_notification_handled<'a>(&'a self, notify_id: &'a str) -> BoxFuture<'a, Result<(), JournalError>> {
        self.lock().notifications.insert(notify_id.to_string(), None);
        ready(Ok(()))
    }
}

fn no_entry(key: &str) -> JournalError {
    JournalError::Storage { operation: "update an entry", message: format!("no entry `{key}`") }
}
