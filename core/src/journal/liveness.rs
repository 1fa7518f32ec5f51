//! Which SQLite journal instances are alive, told by lock files.
//!
//! Each instance holds an exclusive lock on its own file, `<journal>.instances/<instance>.lock`, for as
//! long as it lives. The operating system releases the lock when the process ends, however it ends —
//! SIGKILL and power cuts included — so another process that can take the lock knows the owner is
//! gone, and takes its workflows over at once instead of waiting for their leases to run out.
//!
//! This holds for processes on one machine, which is what one SQLite file is for. (Across machines,
//! use the PostgreSQL journal.)

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::JournalError;

/// This instance's lock, held until it is dropped.
#[derive(Debug)]
pub(super) struct InstanceLock {
    path: PathBuf,
    _file: File,
}

/// The folder of the lock files of the journal at `journal`.
fn folder(journal: &Path) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".instances");
    PathBuf::from(name)
}

/// The lock file of `instance` (its name kept to characters every file system accepts).
fn lock_path(journal: &Path, instance: &str) -> PathBuf {
    let safe: String = instance.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    folder(journal).join(format!("{safe}.lock"))
}

impl InstanceLock {
    /// Creates and locks `instance`'s file.
    pub(super) fn acquire(journal: &Path, instance: &str) -> Result<Self, JournalError> {
        let failed = |e: std::io::Error| JournalError::Storage {
            operation: "lock the journal instance",
            message: e.to_string(),
        };
        let mut dir = std::fs::DirBuilder::new();
        dir.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dir, 0o700);
        dir.create(folder(journal)).map_err(failed)?;
        let path = lock_path(journal, instance);
        let file = OpenOptions::new().write(true).create(true).truncate(false).open(&path).map_err(failed)?;
        file.try_lock().map_err(|e| match e {
            TryLockError::Error(e) => failed(e),
            TryLockError::WouldBlock => failed(std::io::Error::other(format!("`{instance}` is locked already"))),
        })?;
        Ok(Self { path, _file: file })
    }
}

impl Drop for InstanceLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// `false` when `instance` is certainly gone: its lock file is missing, or can be locked (its
/// process died; the stale file is then removed). Any doubt counts as alive.
pub(super) fn is_live(journal: &Path, instance: &str) -> bool {
    let path = lock_path(journal, instance);
    let file = match OpenOptions::new().write(true).open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
        Err(_) => return true,
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = std::fs::remove_file(&path);
            false
        }
        Err(_) => true,
    }
}
