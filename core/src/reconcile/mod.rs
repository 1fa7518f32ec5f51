//! Reconciliation (对账): a day's or a month's trade bill, compared with the workflow journal and, when
//! given, with the merchant's own orders.
//!
//! ```no_run
//! # async fn demo(workflows: &alipay_core::workflow::Workflows) -> alipay_core::Result<()> {
//! let report = workflows.reconcile("2026-11-30").await?;
//! for item in report.mismatches() {
//!     println!("{} {} {}: {}", item.finding.as_str(), item.kind.as_str(), item.out_trade_no, item.detail);
//! }
//! std::fs::write("2026-11-30.csv", report.to_csv()).ok();
//! # Ok(()) }
//! ```
//!
//! # The rules
//! * Every row of the bill is looked up in each record given: the journal (by order number, and by
//!   refund number for refunds) and the orders (by order number). A row no record knows is
//!   [`Finding::InBillOnly`].
//! * Each record's payments and refunds completed in the period must be in the bill, else
//!   [`Finding::MissingFromBill`]. The journal's are its verified ones (`paid`, `refunded`); the
//!   orders' are those `paid` or `refunded` (in the period, when they say when).
//! * Both have it: the amounts must agree ([`Finding::AmountDiffers`]), and the record must say it
//!   happened ([`Finding::StatusDiffers`]: a payment the journal or the orders call not paid, or a
//!   workflow still open or unresolved).
//! * A trade's refunds in the bill must add up to the record's ([`Finding::RefundTotalDiffers`]): for
//!   the orders, whose `refund_amount` is all they know of refunds, always; for the journal, whose
//!   refunds are compared one by one, only when the totals differ.
//! * Alipay books a trade completed in the last seconds of a day in the next day's bill. A record
//!   missing from the bill that completed in the period's last [`BOOKING_GRACE`] is looked for in the
//!   next day's bill, and is [`Finding::InNextBill`] when there.
//! * An ISV's journal holds the workflows of every merchant it acts for: only those run with the
//!   client's `app_auth_token` (by fingerprint) are compared, so reconcile with
//!   `client.with_options(CallOptions::new().app_auth_token(…))` for each merchant.
//! * Money is summed in fen (integers), never in floats.

mod compare;
mod orders;
mod report;

use std::time::Duration;

pub use compare::BOOKING_GRACE;
pub use orders::{MAX_ORDERS, MerchantOrder, OrderStatus, orders_from_csv, orders_from_json};
pub use report::{Finding, ItemKind, ReconciliationItem, ReconciliationReport, ReconciliationTotals, RecordSource};

use compare::{Inputs, JournalView, Period};

use crate::bill::{BillBusinessType, BillDownloadUrlQueryRequest, BillType};
use crate::client::Client;
use crate::clock::format_shanghai;
use crate::error::Error;
use crate::journal::{JournalEntry, TradeJournal, token_fingerprint};
use crate::workflow::Workflows;

/// How long before the period the journal is searched for workflows begun: a payment or refund that
/// completed in the period began at most this long before it started (a refund that stayed unknown
/// and was recovered days later included).
pub const JOURNAL_LOOKBACK: Duration = Duration::from_secs(7 * 24 * 3600);

/// Downloads the trade bill of `bill_date` (`yyyy-MM-dd` or `yyyy-MM`) and compares it with `journal`
/// and `orders`, whichever are given (see the module's rules). [`Workflows::reconcile`] and
/// [`Workflows::reconcile_with_orders`] call this with their own client and journal.
///
/// # Errors
/// [`Error::InvalidInput`] for a bad date or bad orders; the download's errors (a bill not out yet is
/// a gateway error `isp.bill_not_exist`); [`Error::Journal`] when the journal cannot be read.
pub async fn reconcile(
    client: &Client,
    bill_date: &str,
    journal: Option<&dyn TradeJournal>,
    orders: Option<&[MerchantOrder]>,
) -> Result<ReconciliationReport, Error> {
    let period = Period::of(bill_date)?;
    if let Some(orders) = orders {
        orders::check(orders)?;
    }
    let bill = client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, bill_date)).await?;
    // An ISV's journal holds the workflows of every merchant it acts for: only this client's count.
    let merchant = client.options().app_auth_token.as_deref().filter(|t| !t.trim().is_empty()).map(token_fingerprint);
    let view = match journal {
        Some(j) => Some(journal_view(j, &period, &bill, merchant.as_deref()).await?),
        None => None,
    };
    let mut report = compare::compare(&Inputs { period: &period, bill: &bill, journal: view.as_ref(), orders });
    if compare::wants_next_bill(&period, &report) {
        let today = format_shanghai(client.clock().now());
        if today[..10] <= *period.next_bill_date {
            report.next_bill_date = Some(period.next_bill_date.clone());
            report.next_bill_problem = Some(format!(
                "the {} bill is not out yet: reconcile again once it is, to see whether Alipay booked there what this bill lacks",
                period.next_bill_date
            ));
        } else {
            let next = BillDownloadUrlQueryRequest::new(BillType::Trade, period.next_bill_date.clone());
            match client.download_bill(&next).await {
                Ok(next) => compare::apply_next_bill(&period, &mut report, &next),
                Err(e) => {
                    report.next_bill_date = Some(period.next_bill_date.clone());
                    report.next_bill_problem =
                        Some(format!("the {} bill could not be read: {e}", period.next_bill_date));
                }
            }
        }
    }
    Ok(report)
}

/// The journal's workflows of the period, and those of every bill row begun before it — those run
/// for `merchant` (the fingerprint of the client's `app_auth_token`; `None` for the app's own).
async fn journal_view(
    journal: &dyn TradeJournal,
    period: &Period,
    bill: &crate::bill::Bill,
    merchant: Option<&str>,
) -> Result<JournalView, Error> {
    let from = period.start.checked_sub(JOURNAL_LOOKBACK).unwrap_or(period.start);
    let mut view = JournalView::default();
    let ours = |e: &JournalEntry| e.app_auth_token_id.as_deref() == merchant;
    for entry in journal.created_between(from, period.end).await?.iter().filter(|e| ours(e)) {
        view.add(entry);
    }
    for row in &bill.trade_details {
        let keys = match &row.business_type {
            BillBusinessType::Payment if !view.payments.contains_key(&row.out_trade_no) => {
                vec![JournalEntry::trade_key(&row.out_trade_no)]
            }
            BillBusinessType::Refund => {
                let request = row.refund_request_no.as_deref().unwrap_or_default();
                let known = [&row.out_trade_no, &row.trade_no]
                    .iter()
                    .any(|t| view.refunds.contains_key(&((*t).clone(), request.to_string())));
                if known || request.is_empty() {
                    Vec::new()
                } else {
                    let mut keys = vec![JournalEntry::refund_key(&row.out_trade_no, request)];
                    keys.push(JournalEntry::refund_key(&row.trade_no, request));
                    if !view.payments.contains_key(&row.out_trade_no) {
                        keys.push(JournalEntry::trade_key(&row.out_trade_no));
                    }
                    keys
                }
            }
            _ => Vec::new(),
        };
        for key in keys {
            if let Some(entry) = journal.entry(&key).await?.filter(|e| ours(e)) {
                view.add(&entry);
            }
        }
    }
    Ok(view)
}

impl Workflows {
    /// Reconciles the trade bill of `bill_date` (`yyyy-MM-dd` or `yyyy-MM`) with this journal: see
    /// [`crate::reconcile`].
    ///
    /// # Errors
    /// As [`reconcile()`].
    pub async fn reconcile(&self, bill_date: &str) -> Result<ReconciliationReport, Error> {
        reconcile(&self.client, bill_date, Some(self.journal.as_ref()), None).await
    }

    /// Reconciles the trade bill of `bill_date` with this journal and the merchant's `orders` (read
    /// with [`orders_from_csv`] or [`orders_from_json`]).
    ///
    /// # Errors
    /// As [`reconcile()`].
    pub async fn reconcile_with_orders(
        &self,
        bill_date: &str,
        orders: &[MerchantOrder],
    ) -> Result<ReconciliationReport, Error> {
        reconcile(&self.client, bill_date, Some(self.journal.as_ref()), Some(orders)).await
    }
}
