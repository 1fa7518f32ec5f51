//! `alipay journal inspect|recover --journal J`: for operators, the workflows a journal holds in flight
//! or unsettled, and recovery run by hand. `J` is a SQLite file or a `postgresql://` URL, as the
//! applications open it.

use std::time::UNIX_EPOCH;

use alipay_core::journal::JournalEntry;
use alipay_core::workflow::Workflows;
use clap::Subcommand;
use serde_json::{Value, json};

#[derive(clap::Args)]
pub struct JournalArgs {
    /// The journal: a SQLite file or a postgresql:// URL.
    #[arg(long, global = true)]
    journal: Option<String>,
    #[command(subcommand)]
    op: JournalOp,
}

#[derive(Subcommand)]
enum JournalOp {
    /// List every workflow not settled (in flight, or unresolved), oldest first, as JSON; changes nothing.
    Inspect,
    /// Drive every workflow no live instance is running to its end, and print what became of each.
    Recover {
        /// A JSON profile (app_id, keys, gateway); without it the ALIPAY_* environment is used.
        #[arg(long)]
        profile: Option<std::path::PathBuf>,
        /// An ISV's current app_auth_token for a merchant (repeat for each); the journal keeps only
        /// fingerprints, so workflows run for a merchant need its token to be recovered.
        #[arg(long = "app-auth-token")]
        app_auth_tokens: Vec<String>,
    },
}

pub async fn run(args: JournalArgs) -> Result<(), String> {
    let name = args.journal.ok_or("give --journal (a SQLite file or a postgresql:// URL)")?;
    // Opening blocks (a connection, a file lock): off the async threads.
    let journal = tokio::task::spawn_blocking(move || alipay_core::journal::open(&name))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    match args.op {
        JournalOp::Inspect => {
            let entries = journal.unfinished().await.map_err(|e| e.to_string())?;
            print(&Value::Array(entries.iter().map(entry_json).collect()))
        }
        JournalOp::Recover { profile, app_auth_tokens } => {
            let client = crate::profile::client(profile.as_deref())?;
            let workflows = Workflows::new(client, journal);
            let report = workflows.recover_with_tokens(&app_auth_tokens).await.map_err(|e| e.to_string())?;
            let recovered: Vec<Value> = report
                .recovered
                .iter()
                .map(|r| match &r.result {
                    Ok(outcome) => json!({"key": r.entry.key, "outcome": outcome.summary()}),
                    Err(e) => json!({"key": r.entry.key, "error": e.to_string(), "kind": e.kind().as_str()}),
                })
                .collect();
            let unfinished = report.recovered.iter().filter(|r| r.result.is_err()).count();
            print(&json!({"recovered": recovered, "still_unfinished": unfinished}))
        }
    }
}

/// What an operator needs of an entry: never its request body (a refund reason, a buyer's details).
fn entry_json(e: &JournalEntry) -> Value {
    let millis = |t: std::time::SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    json!({
        "key": e.key,
        "kind": e.kind.as_str(),
        "state": e.state.as_str(),
        "out_trade_no": e.out_trade_no,
        "trade_no": e.trade_no,
        "out_request_no": e.out_request_no,
        "owner": e.owner,
        "lease_until_ms": e.lease_until.map(millis),
        "created_at_ms": millis(e.created_at),
        "updated_at_ms": millis(e.updated_at),
        "app_auth_token_id": e.app_auth_token_id,
        "outcome": e.outcome.as_deref().and_then(|o| serde_json::from_str::<Value>(o).ok()),
    })
}

fn print(value: &Value) -> Result<(), String> {
    println!("{}", serde_json::to_string_pretty(value).map_err(|e| e.to_string())?);
    Ok(())
}
