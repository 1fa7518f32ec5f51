//! `alipay reconcile --date D --journal J [--orders F] [--csv OUT]`: the day's (or month's) trade bill
//! compared with the journal, and with the merchant's orders when given. Prints the report as JSON;
//! exits 0 when everything agrees, 2 when something must be looked into.

use std::path::PathBuf;

use alipay_core::reconcile::{orders_from_csv, orders_from_json};
use alipay_core::workflow::Workflows;

#[derive(clap::Args)]
pub struct ReconcileArgs {
    /// The bill's date: yyyy-MM-dd for a day, yyyy-MM for a month (Shanghai time).
    #[arg(long)]
    date: String,
    /// The journal: a SQLite file or a postgresql:// URL.
    #[arg(long)]
    journal: String,
    /// The merchant's orders, a .csv (header: out_trade_no,amount,status[,refund_amount,paid_at,trade_no])
    /// or a .json array of the same fields.
    #[arg(long)]
    orders: Option<PathBuf>,
    /// Also write the report as CSV for accountants (UTF-8 with a byte-order mark) to this file.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// A JSON profile (app_id, keys, gateway); without it the ALIPAY_* environment is used.
    #[arg(long)]
    profile: Option<PathBuf>,
    /// For an ISV: the merchant's app_auth_token. Its bill is downloaded, and only the workflows run
    /// with this token are compared.
    #[arg(long = "app-auth-token")]
    app_auth_token: Option<String>,
}

/// `Ok(true)` when the report is clean.
pub async fn run(args: ReconcileArgs) -> Result<bool, String> {
    let orders = match &args.orders {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
            let parsed = if is_json { orders_from_json(&bytes) } else { orders_from_csv(&bytes) };
            Some(parsed.map_err(|e| format!("{}: {}", path.display(), e.reason))?)
        }
        None => None,
    };
    let mut client = crate::profile::client(args.profile.as_deref())?;
    if let Some(token) = &args.app_auth_token {
        client = client.with_options(alipay_core::CallOptions::new().app_auth_token(token));
    }
    let name = args.journal.clone();
    let journal = tokio::task::spawn_blocking(move || alipay_core::journal::open(&name))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let workflows = Workflows::new(client, journal);
    let report = match &orders {
        Some(orders) => workflows.reconcile_with_orders(&args.date, orders).await,
        None => workflows.reconcile(&args.date).await,
    }
    .map_err(|e| e.to_string())?;
    if let Some(path) = &args.csv {
        std::fs::write(path, report.to_csv()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("{}", report.to_json());
    Ok(report.is_clean())
}
