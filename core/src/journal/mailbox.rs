//! The mailbox between a journal handle and the worker thread that owns its database connection.
//!
//! A handle turns each [`TradeJournal`](super::TradeJournal) call into a [`Command`] and awaits its
//! reply. The worker takes every command waiting, runs them in one transaction, commits, and only then
//! answers each (group commit): a caller never hears "done" for a write that is not durable, and many
//! concurrent workflows share one commit. The SQLite and PostgreSQL journals share this; only the
//! statements differ.

use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::oneshot;

use super::{EntryUpdate, JournalEntry, JournalError, NotificationClaim};
use crate::future::BoxFuture;

/// At most this many commands share one transaction.
pub(super) const MAX_BATCH: usize = 1024;

pub(super) type Reply<T> = oneshot::Sender<Result<T, JournalError>>;

/// One journal call, with where its answer goes.
pub(super) enum Command {
    Begin(JournalEntry, Reply<Option<JournalEntry>>),
    Acquire(String, Reply<JournalEntry>),
    Update(String, EntryUpdate, Reply<()>),
    Entry(String, Reply<Option<JournalEntry>>),
    Unfinished(Reply<Vec<JournalEntry>>),
    /// Entries created in `from..to` (milliseconds since the epoch, as stored).
    CreatedBetween(i64, i64, Reply<Vec<JournalEntry>>),
    TakeOver(Reply<Vec<JournalEntry>>),
    ClaimNotification(String, Reply<NotificationClaim>),
    MarkNotification(String, Reply<()>),
}

impl Command {
    /// Answers with `error` instead of running (the transaction could not start).
    pub(super) fn fail(self, error: JournalError) {
        match self {
            Command::Begin(_, r) | Command::Entry(_, r) => drop(r.send(Err(error))),
            Command::Acquire(_, r) => drop(r.send(Err(error))),
            Command::Update(_, _, r) | Command::MarkNotification(_, r) => drop(r.send(Err(error))),
            Command::Unfinished(r) | Command::TakeOver(r) | Command::CreatedBetween(_, _, r) => {
                drop(r.send(Err(error)))
            }
            Command::ClaimNotification(_, r) => drop(r.send(Err(error))),
        }
    }
}

/// A command's answer, held until the commit is known.
pub(super) type Outbox = Box<dyn FnOnce(Option<JournalError>) + Send>;

/// The answer to send once the transaction is committed — or the commit's error instead, if it failed.
pub(super) fn deliver<T: Send + 'static>(reply: Reply<T>, result: Result<T, JournalError>) -> Outbox {
    Box::new(move |commit_error| {
        let _ = reply.send(match commit_error {
            Some(e) => Err(e),
            None => result,
        });
    })
}

/// Waits for the next batch: every command waiting after the first, up to [`MAX_BATCH`]. `None` after
/// `idle` with nothing to do (time to renew leases); `Err` when every handle is gone.
pub(super) fn next_batch(inbox: &mpsc::Receiver<Command>, idle: Duration) -> Result<Option<Vec<Command>>, ()> {
    let first = match inbox.recv_timeout(idle) {
        Ok(c) => c,
        Err(mpsc::RecvTimeoutError::Timeout) => return Ok(None),
        Err(mpsc::RecvTimeoutError::Disconnected) => return Err(()),
    };
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match inbox.try_recv() {
            Ok(c) => batch.push(c),
            Err(_) => break,
        }
    }
    Ok(Some(batch))
}

/// Sends a command and awaits its answer.
pub(super) fn ask<T: Send + 'static>(
    commands: &mpsc::Sender<Command>,
    command: impl FnOnce(Reply<T>) -> Command,
) -> BoxFuture<'static, Result<T, JournalError>> {
    let (reply, answer) = oneshot::channel();
    let sent = commands.send(command(reply));
    Box::pin(async move {
        sent.map_err(|_| JournalError::Closed)?;
        answer.await.map_err(|_| JournalError::Closed)?
    })
}

/// Implements [`TradeJournal`](super::TradeJournal) for a handle with fields `commands` (the
/// mailbox's sender) and `instance` (its name), by sending each call to the worker.
macro_rules! mailbox_journal {
    ($handle:ty) => {
        impl $crate::journal::TradeJournal for $handle {
            fn instance(&self) -> &str {
                &self.instance
            }

            fn begin(
                &self,
                entry: $crate::journal::JournalEntry,
            ) -> $crate::future::BoxFuture<'_, Result<Option<$crate::journal::JournalEntry>, $crate::journal::JournalError>>
            {
                super::mailbox::ask(&self.commands, |r| super::mailbox::Command::Begin(entry, r))
            }

            fn acquire<'a>(
                &'a self,
                key: &'a str,
            ) -> $crate::future::BoxFuture<'a, Result<$crate::journal::JournalEntry, $crate::journal::JournalError>> {
                super::mailbox::ask(&self.commands, |r| super::mailbox::Command::Acquire(key.to_string(), r))
            }

            fn update<'a>(
                &'a self,
                key: &'a str,
                update: $crate::journal::EntryUpdate,
            ) -> $crate::future::BoxFuture<'a, Result<(), $crate::journal::JournalError>> {
                super::mailbox::ask(&self.commands, |r| super::mailbox::Command::Update(key.to_string(), update, r))
            }

            fn entry<'a>(
                &'a self,
                key: &'a str,
            ) -> $crate::future::BoxFuture<'a, Result<Option<$crate::journal::JournalEntry>, $crate::journal::JournalError>>
            {
                super::mailbox::ask(&self.commands, |r| super::mailbox::Command::Entry(key.to_string(), r))
            }

            fn unfinished(
                &self,
            ) -> $crate::future::BoxFuture<'_, Result<Vec<$crate::journal::JournalEntry>, $crate::journal::JournalError>>
            {
                super::mailbox::ask(&self.commands, super::mailbox::Command::Unfinished)
            }

            fn created_between(
                &self,
                from: std::time::SystemTime,
                to: std::time::SystemTime,
            ) -> $crate::future::BoxFuture<'_, Result<Vec<$crate::journal::JournalEntry>, $crate::journal::JournalError>>
            {
                let (from, to) = ($crate::journal::to_millis(from), $crate::journal::to_millis(to));
                super::mailbox::ask(&self.commands, |r| super::mailbox::Command::CreatedBetween(from, to, r))
            }

            fn take_over(
                &self,
            ) -> $crate::future::BoxFuture<'_, Result<Vec<$crate::journal::JournalEntry>, $crate::journal::JournalError>>
            {
                super::mailbox::ask(&self.commands, super::mailbox::Command::TakeOver)
            }

            fn claim_notification<'a>(
                &'a self,
                notify_id: &'a str,
            ) -> $crate::future::BoxFuture<'a, Result<$crate::journal::NotificationClaim, $crate::journal::JournalError>>
            {
                super::mailbox::ask(&self.commands, |r| {
                    super::mailbox::Command::ClaimNotification(notify_id.to_string(), r)
                })
            }

            fn mark_notification_handled<'a>(
                &'a self,
                notify_id: &'a str,
            ) -> $crate::future::BoxFuture<'a, Result<(), $crate::journal::JournalError>> {
                super::mailbox::ask(&self.commands, |r| {
                    super::mailbox::Command::MarkNotification(notify_id.to_string(), r)
                })
            }
        }
    };
}

pub(super) use mailbox_journal;
