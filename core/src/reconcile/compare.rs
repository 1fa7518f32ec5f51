//! The comparison itself: bill rows against what the journal and the merchant's orders say. Pure: no
//! I/O, so every rule can be tested on its own.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::orders::{MerchantOrder, OrderStatus};
use super::report::{Finding, ItemKind, ReconciliationItem, ReconciliationReport, ReconciliationTotals, RecordSource};
use crate::bill::{Bill, BillBusinessType, TradeBillRow};
use crate::clock::{format_shanghai, parse_shanghai};
use crate::error::InvalidInput;
use crate::journal::{EntryState, JournalEntry, WorkflowKind};
use crate::money::Amount;

/// A record missing from the bill but completed this close to the period's end may have been booked
/// in the next bill; it is looked for there.
pub const BOOKING_GRACE: Duration = Duration::from_secs(10 * 60);

/// The period a bill covers.
#[derive(Debug, Clone)]
pub(crate) struct Period {
    /// `yyyy-MM-dd` or `yyyy-MM`: every timestamp in the period starts with it.
    pub bill_date: String,
    pub start: SystemTime,
    pub end: SystemTime,
    /// The day bill after the period (`yyyy-MM-dd`), where a late booking lands.
    pub next_bill_date: String,
}

impl Period {
    /// The period of a day (`yyyy-MM-dd`) or month (`yyyy-MM`) bill.
    pub fn of(bill_date: &str) -> Result<Period, InvalidInput> {
        let invalid = || InvalidInput::new("bill_date", format!("{bill_date:?} is not yyyy-MM-dd or yyyy-MM"));
        let (start, end) = match bill_date.len() {
            10 => {
                let start = parse_shanghai(&format!("{bill_date} 00:00:00")).ok_or_else(invalid)?;
                (start, start + Duration::from_secs(24 * 3600))
            }
            7 => {
                let start = parse_shanghai(&format!("{bill_date}-01 00:00:00")).ok_or_else(invalid)?;
                // The 28th is in every month; four days on is always in the next one.
                let later = format_shanghai(start + Duration::from_secs(31 * 24 * 3600));
                let end = parse_shanghai(&format!("{}-01 00:00:00", &later[..7])).ok_or_else(invalid)?;
                (start, end)
            }
            _ => return Err(invalid()),
        };
        if !format_shanghai(start).starts_with(bill_date) {
            return Err(invalid());
        }
        Ok(Period {
            bill_date: bill_date.to_string(),
            start,
            end,
            next_bill_date: format_shanghai(end)[..10].to_string(),
        })
    }

    fn contains(&self, at: &str) -> bool {
        at.starts_with(&self.bill_date)
    }

    /// `true` when `at` is in the period's last [`BOOKING_GRACE`].
    pub fn near_end(&self, at: &str) -> bool {
        parse_shanghai(at).is_some_and(|t| t < self.end && t + BOOKING_GRACE >= self.end)
    }
}

/// What the journal says of one payment workflow.
#[derive(Debug, Clone)]
pub(crate) struct JournalPayment {
    pub trade_no: Option<String>,
    pub amount: Option<Amount>,
    pub status: String,
    pub paid: bool,
    /// Paid, then refunded in full by the workflow's cancel.
    pub cancel_refunded: bool,
    pub at: Option<String>,
}

/// What the journal says of one refund workflow.
#[derive(Debug, Clone)]
pub(crate) struct JournalRefund {
    pub out_trade_no: Option<String>,
    pub trade_no: Option<String>,
    pub out_request_no: String,
    pub amount: Option<Amount>,
    pub status: String,
    pub refunded: bool,
    pub at: Option<String>,
}

/// The journal's entries, by order number and by (trade, refund number).
#[derive(Debug, Default)]
pub(crate) struct JournalView {
    pub payments: BTreeMap<String, JournalPayment>,
    pub refunds: BTreeMap<(String, String), JournalRefund>,
}

impl JournalView {
    /// Adds an entry (a later one of the same workflow replaces it).
    pub fn add(&mut self, e: &JournalEntry) {
        let outcome: Value = e.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or(Value::Null);
        let biz: Value = serde_json::from_str(&e.biz_content).unwrap_or(Value::Null);
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let amount = |k: &str| text(&biz, k).and_then(|s| s.parse::<Amount>().ok());
        let settled = e.state == EntryState::Settled;
        let outcome_status = text(&outcome, "status").unwrap_or_default();
        let status = match e.state {
            EntryState::Open => "open".to_string(),
            EntryState::Unresolved => "unresolved".to_string(),
            EntryState::Settled => describe(&outcome),
        };
        let created = format_shanghai(e.created_at);
        match e.kind {
            WorkflowKind::Pay | WorkflowKind::Precreate => {
                let Some(out_trade_no) = e.out_trade_no.clone().or_else(|| text(&biz, "out_trade_no")) else { return };
                let paid = settled && outcome_status == "paid";
                let cancel_refunded = settled
                    && outcome_status == "not_paid"
                    && text(&outcome, "reason").as_deref() == Some("cancelled")
                    && text(&outcome, "action").as_deref() == Some("refund");
                let payment = JournalPayment {
                    trade_no: e.trade_no.clone().or_else(|| text(&outcome, "trade_no")),
                    amount: amount("total_amount"),
                    status,
                    paid,
                    cancel_refunded,
                    at: if paid { text(&outcome, "paid_at").or(Some(created)) } else { Some(created) },
                };
                self.payments.insert(out_trade_no, payment);
            }
            WorkflowKind::Refund => {
                let Some(out_request_no) = e.out_request_no.clone() else { return };
                let out_trade_no = e.out_trade_no.clone().or_else(|| text(&biz, "out_trade_no"));
                let trade_no = e.trade_no.clone().or_else(|| text(&biz, "trade_no"));
                let Some(trade) = out_trade_no.clone().or_else(|| trade_no.clone()) else { return };
                let refunded = settled && outcome_status == "refunded";
                let refund = JournalRefund {
                    out_trade_no,
                    trade_no,
                    out_request_no: out_request_no.clone(),
                    amount: amount("refund_amount"),
                    status,
                    refunded,
                    at: if refunded { text(&outcome, "refunded_at").or(Some(created)) } else { Some(created) },
                };
                self.refunds.insert((trade, out_request_no), refund);
            }
        }
    }

    fn refund(&self, row: &TradeBillRow, out_request_no: &str) -> Option<&JournalRefund> {
        let by = |trade: &str| self.refunds.get(&(trade.to_string(), out_request_no.to_string()));
        by(&row.out_trade_no).or_else(|| by(&row.trade_no))
    }
}

/// `paid`, `not_paid (closed)`, `not_paid (cancelled: refund)`, `refunded`, `rejected (ACQ.…)`, …
fn describe(outcome: &Value) -> String {
    let text = |k: &str| outcome.get(k).and_then(Value::as_str);
    let status = text("status").unwrap_or("settled");
    match (status, text("reason"), text("action"), text("sub_code")) {
        ("not_paid", Some(reason), Some(action), _) => format!("not_paid ({reason}: {action})"),
        ("not_paid", Some(reason), None, _) => format!("not_paid ({reason})"),
        (status, _, _, Some(code)) => format!("{status} ({code})"),
        (status, ..) => status.to_string(),
    }
}

/// One comparison's inputs.
pub(crate) struct Inputs<'a> {
    pub period: &'a Period,
    pub bill: &'a Bill,
    pub journal: Option<&'a JournalView>,
    pub orders: Option<&'a [MerchantOrder]>,
}

fn item(finding: Finding, kind: ItemKind, source: Option<RecordSource>, out_trade_no: &str) -> ReconciliationItem {
    ReconciliationItem {
        finding,
        kind,
        source,
        out_trade_no: out_trade_no.to_string(),
        trade_no: None,
        out_request_no: None,
        bill_amount: None,
        recorded_amount: None,
        recorded_status: None,
        recorded_at: None,
        billed_at: None,
        service_fee: None,
        detail: String::new(),
    }
}

/// An item about a bill row.
fn about(row: &TradeBillRow, finding: Finding, kind: ItemKind, source: Option<RecordSource>) -> ReconciliationItem {
    let mut i = item(finding, kind, source, &row.out_trade_no);
    i.trade_no = Some(row.trade_no.clone()).filter(|t| !t.is_empty());
    i.out_request_no = row.refund_request_no.clone();
    i.bill_amount = Some(abs(row.order_amount));
    i.billed_at = Some(row.finished_at.clone());
    i.service_fee = Some(row.service_fee);
    i
}

fn abs(a: Amount) -> Amount {
    Amount::from_fen(a.fen().abs())
}

fn sum(amounts: impl IntoIterator<Item = Amount>) -> Amount {
    Amount::from_fen(amounts.into_iter().map(Amount::fen).sum())
}

/// Compares; the report's items are sorted and its totals counted.
pub(crate) fn compare(inputs: &Inputs<'_>) -> ReconciliationReport {
    let Inputs { period, bill, journal, orders } = *inputs;
    let orders_by_no: HashMap<&str, &MerchantOrder> =
        orders.unwrap_or_default().iter().map(|o| (o.out_trade_no.as_str(), o)).collect();
    let mut items = Vec::new();
    let mut paid_rows: HashSet<&str> = HashSet::new();
    let mut refund_rows: HashSet<(&str, &str)> = HashSet::new();
    let mut bill_refunds: BTreeMap<&str, Vec<Amount>> = BTreeMap::new();

    for row in &bill.trade_details {
        match &row.business_type {
            BillBusinessType::Payment => {
                if !paid_rows.insert(row.out_trade_no.as_str()) {
                    let mut i = about(row, Finding::InBillOnly, ItemKind::Payment, None);
                    i.detail = "the bill has a second payment row for this order".into();
                    items.push(i);
                    continue;
                }
                let mut known = false;
                if let Some(p) = journal.and_then(|j| j.payments.get(&row.out_trade_no)) {
                    known = true;
                    items.push(journal_payment(row, p));
                }
                if let Some(o) = orders_by_no.get(row.out_trade_no.as_str()) {
                    known = true;
                    items.push(order_payment(row, o));
                }
                if !known {
                    let mut i = about(row, Finding::InBillOnly, ItemKind::Payment, None);
                    i.detail = if parse_shanghai(&row.finished_at).is_some_and(|t| t < period.start) {
                        format!("paid {} and booked in this bill; no record here knows it", row.finished_at)
                    } else {
                        "a payment no record here knows".into()
                    };
                    items.push(i);
                }
            }
            BillBusinessType::Refund => {
                let request = row.refund_request_no.clone().unwrap_or_default();
                refund_rows.insert((row.out_trade_no.as_str(), row.refund_request_no.as_deref().unwrap_or("")));
                bill_refunds.entry(row.out_trade_no.as_str()).or_default().push(abs(row.order_amount));
                let mut known = false;
                if let Some(j) = journal {
                    if let Some(r) = j.refund(row, &request) {
                        known = true;
                        items.push(journal_refund(row, r));
                    } else if let Some(p) = j.payments.get(&row.out_trade_no).filter(|p| p.cancel_refunded) {
                        known = true;
                        let mut i = about(row, Finding::Matched, ItemKind::Refund, Some(RecordSource::Journal));
                        i.recorded_status = Some(p.status.clone());
                        i.detail = "the refund the workflow's cancel made".into();
                        items.push(i);
                    }
                }
                // The merchant's orders know refunds only as a total per order (checked below).
                known |= orders_by_no.contains_key(row.out_trade_no.as_str());
                if !known {
                    let mut i = about(row, Finding::InBillOnly, ItemKind::Refund, None);
                    i.detail = "a refund no record here knows".into();
                    items.push(i);
                }
            }
            BillBusinessType::Unknown(kind) => {
                let kind_of = if row.order_amount.fen() < 0 { ItemKind::Refund } else { ItemKind::Payment };
                let mut i = about(row, Finding::InBillOnly, kind_of, None);
                i.detail = format!("a row of business type {kind:?}, which reconciliation does not know");
                items.push(i);
            }
        }
    }

    if let Some(j) = journal {
        missing_from_journal(period, j, &paid_rows, &refund_rows, &mut items);
        refund_totals_journal(period, j, &bill_refunds, &mut items);
    }
    if let Some(orders) = orders {
        for o in orders {
            let expected =
                o.status != OrderStatus::NotPaid && o.paid_at.as_deref().is_none_or(|at| period.contains(at));
            if expected && !paid_rows.contains(o.out_trade_no.as_str()) {
                let mut i =
                    item(Finding::MissingFromBill, ItemKind::Payment, Some(RecordSource::Orders), &o.out_trade_no);
                i.trade_no = o.trade_no.clone();
                i.recorded_amount = Some(o.amount.into());
                i.recorded_status = Some(order_status(o.status).into());
                i.recorded_at = o.paid_at.clone();
                i.detail = "the orders say it was paid; the bill has no payment for it".into();
                items.push(i);
            }
            let billed = bill_refunds.get(o.out_trade_no.as_str());
            if o.refunded().is_some() || billed.is_some() {
                let billed = sum(billed.cloned().unwrap_or_default());
                let recorded: Amount = o.refunded().map(Into::into).unwrap_or(Amount::ZERO);
                let finding = if billed == recorded { Finding::Matched } else { Finding::RefundTotalDiffers };
                let mut i = item(finding, ItemKind::RefundTotal, Some(RecordSource::Orders), &o.out_trade_no);
                i.trade_no = o.trade_no.clone();
                i.bill_amount = Some(billed);
                i.recorded_amount = Some(recorded);
                i.recorded_status = Some(order_status(o.status).into());
                i.detail = if finding == Finding::Matched {
                    "the refunds in the bill add up to what the orders say".into()
                } else {
                    format!("the bill refunds {billed} in the period; the orders say {recorded}")
                };
                items.push(i);
            }
        }
    }
    finish(period, bill, journal.is_some(), orders.is_some(), items)
}

fn journal_payment(row: &TradeBillRow, p: &JournalPayment) -> ReconciliationItem {
    let billed = abs(row.order_amount);
    let (finding, detail) = if p.paid {
        match p.amount {
            Some(a) if a != billed => {
                (Finding::AmountDiffers, format!("the bill says {billed}; the journal's order was for {a}"))
            }
            _ => (Finding::Matched, String::new()),
        }
    } else if p.cancel_refunded {
        (Finding::Matched, "paid, then refunded in full by the workflow's cancel".into())
    } else if p.status == "open" || p.status == "unresolved" {
        (
            Finding::StatusDiffers,
            "the bill shows it paid; the journal does not know how the workflow ended: run recover()".into(),
        )
    } else {
        (
            Finding::StatusDiffers,
            format!("the bill shows it paid; the journal says {}: the buyer paid for goods not handed over", p.status),
        )
    };
    let mut i = about(row, finding, ItemKind::Payment, Some(RecordSource::Journal));
    i.trade_no = i.trade_no.or_else(|| p.trade_no.clone());
    i.recorded_amount = p.amount;
    i.recorded_status = Some(p.status.clone());
    i.recorded_at = p.at.clone();
    i.detail = detail;
    i
}

fn journal_refund(row: &TradeBillRow, r: &JournalRefund) -> ReconciliationItem {
    let billed = abs(row.order_amount);
    let (finding, detail) = if r.refunded {
        match r.amount {
            Some(a) if a != billed => {
                (Finding::AmountDiffers, format!("the bill refunds {billed}; the journal's refund was for {a}"))
            }
            _ => (Finding::Matched, String::new()),
        }
    } else {
        (Finding::StatusDiffers, format!("the bill shows the refund made; the journal says {}", r.status))
    };
    let mut i = about(row, finding, ItemKind::Refund, Some(RecordSource::Journal));
    i.recorded_amount = r.amount;
    i.recorded_status = Some(r.status.clone());
    i.recorded_at = r.at.clone();
    i.detail = detail;
    i
}

fn order_payment(row: &TradeBillRow, o: &MerchantOrder) -> ReconciliationItem {
    let billed = abs(row.order_amount);
    let amount: Amount = o.amount.into();
    let (finding, detail) = match o.status {
        OrderStatus::NotPaid => (
            Finding::StatusDiffers,
            "the bill shows it paid; the orders say it was not: the buyer paid for goods not handed over".to_string(),
        ),
        _ if amount != billed => (Finding::AmountDiffers, format!("the bill says {billed}; the order is for {amount}")),
        _ => (Finding::Matched, String::new()),
    };
    let mut i = about(row, finding, ItemKind::Payment, Some(RecordSource::Orders));
    i.recorded_amount = Some(amount);
    i.recorded_status = Some(order_status(o.status).into());
    i.recorded_at = o.paid_at.clone();
    i.detail = detail;
    i
}

fn order_status(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Paid => "paid",
        OrderStatus::Refunded => "refunded",
        OrderStatus::NotPaid => "not_paid",
    }
}

/// What the journal says happened in the period and the bill lacks.
fn missing_from_journal(
    period: &Period,
    j: &JournalView,
    paid_rows: &HashSet<&str>,
    refund_rows: &HashSet<(&str, &str)>,
    items: &mut Vec<ReconciliationItem>,
) {
    for (out_trade_no, p) in &j.payments {
        let in_period = p.at.as_deref().is_some_and(|at| period.contains(at));
        if p.paid && in_period && !paid_rows.contains(out_trade_no.as_str()) {
            let mut i = item(Finding::MissingFromBill, ItemKind::Payment, Some(RecordSource::Journal), out_trade_no);
            i.trade_no = p.trade_no.clone();
            i.recorded_amount = p.amount;
            i.recorded_status = Some(p.status.clone());
            i.recorded_at = p.at.clone();
            i.detail = "the journal has a verified payment; the bill does not".into();
            items.push(i);
        }
    }
    for r in j.refunds.values() {
        let in_period = r.at.as_deref().is_some_and(|at| period.contains(at));
        let billed = |trade: &Option<String>| {
            trade.as_deref().is_some_and(|t| refund_rows.contains(&(t, r.out_request_no.as_str())))
        };
        if r.refunded && in_period && !billed(&r.out_trade_no) && !billed(&r.trade_no) {
            let trade = r.out_trade_no.clone().or_else(|| r.trade_no.clone()).unwrap_or_default();
            let mut i = item(Finding::MissingFromBill, ItemKind::Refund, Some(RecordSource::Journal), &trade);
            i.trade_no = r.trade_no.clone();
            i.out_request_no = Some(r.out_request_no.clone());
            i.recorded_amount = r.amount;
            i.recorded_status = Some(r.status.clone());
            i.recorded_at = r.at.clone();
            i.detail = "the journal has a verified refund; the bill does not".into();
            items.push(i);
        }
    }
}

/// Per trade, the refunds in the bill against the refunds the journal made in the period: an item only
/// when the totals differ (each refund has its own item already).
fn refund_totals_journal(
    period: &Period,
    j: &JournalView,
    bill_refunds: &BTreeMap<&str, Vec<Amount>>,
    items: &mut Vec<ReconciliationItem>,
) {
    let mut recorded: BTreeMap<String, Vec<Amount>> = BTreeMap::new();
    for r in j.refunds.values() {
        if r.refunded && r.at.as_deref().is_some_and(|at| period.contains(at)) {
            let trade = r.out_trade_no.clone().or_else(|| r.trade_no.clone()).unwrap_or_default();
            recorded.entry(trade).or_default().push(r.amount.unwrap_or(Amount::ZERO));
        }
    }
    let trades: std::collections::BTreeSet<String> =
        recorded.keys().cloned().chain(bill_refunds.keys().map(|t| t.to_string())).collect();
    for trade in trades {
        let payment = j.payments.get(&trade);
        // A trade the journal knows nothing of is the orders' (or nobody's) to judge.
        if payment.is_none() && !recorded.contains_key(&trade) {
            continue;
        }
        // The cancel's refund is the rest of the payment; the bill shows it as a refund row.
        let cancel = payment
            .filter(|p| p.cancel_refunded && p.at.as_deref().is_some_and(|at| period.contains(at)))
            .and_then(|p| p.amount)
            .map(|paid| {
                let made = sum(recorded.get(&trade).cloned().unwrap_or_default());
                Amount::from_fen((paid.fen() - made.fen()).max(0))
            });
        let ours = sum(recorded.get(&trade).cloned().unwrap_or_default().into_iter().chain(cancel));
        let billed = sum(bill_refunds.get(trade.as_str()).cloned().unwrap_or_default());
        if ours != billed {
            let mut i = item(Finding::RefundTotalDiffers, ItemKind::RefundTotal, Some(RecordSource::Journal), &trade);
            i.trade_no = payment.and_then(|p| p.trade_no.clone());
            i.bill_amount = Some(billed);
            i.recorded_amount = Some(ours);
            i.detail = format!("the bill refunds {billed} in the period; the journal's refunds add up to {ours}");
            items.push(i);
        }
    }
}

/// Sorts the items and counts the totals.
pub(crate) fn finish(
    period: &Period,
    bill: &Bill,
    with_journal: bool,
    with_orders: bool,
    mut items: Vec<ReconciliationItem>,
) -> ReconciliationReport {
    items.sort_by(|a, b| {
        (&a.out_trade_no, a.kind, &a.out_request_no, a.source).cmp(&(
            &b.out_trade_no,
            b.kind,
            &b.out_request_no,
            b.source,
        ))
    });
    let rows = &bill.trade_details;
    let is_payment = |r: &&TradeBillRow| r.business_type == BillBusinessType::Payment;
    let payments: Vec<&TradeBillRow> = rows.iter().filter(is_payment).collect();
    let refunds: Vec<&TradeBillRow> = rows.iter().filter(|r| r.business_type == BillBusinessType::Refund).collect();
    let payment_amount = sum(payments.iter().map(|r| r.order_amount));
    let refund_amount = sum(refunds.iter().map(|r| r.order_amount));
    let service_fee = sum(rows.iter().map(|r| r.service_fee));
    let mismatched = items.iter().filter(|i| i.finding.is_mismatch()).count() as u64;
    let totals = ReconciliationTotals {
        payments: payments.len() as u64,
        payment_amount,
        refunds: refunds.len() as u64,
        refund_amount,
        service_fee,
        net: sum([payment_amount, refund_amount, service_fee]),
        agreed: items.len() as u64 - mismatched,
        mismatched,
    };
    ReconciliationReport {
        bill_date: period.bill_date.clone(),
        period_start: format_shanghai(period.start),
        period_end: format_shanghai(period.end),
        compared_with_journal: with_journal,
        compared_with_orders: with_orders,
        next_bill_date: None,
        next_bill_problem: None,
        items,
        totals,
    }
}

/// The missing items the next bill may explain: completed in the period's last [`BOOKING_GRACE`], or
/// at an unknown time.
pub(crate) fn wants_next_bill(period: &Period, report: &ReconciliationReport) -> bool {
    report.items.iter().any(|i| awaits_next_bill(period, i))
}

fn awaits_next_bill(period: &Period, i: &ReconciliationItem) -> bool {
    i.finding == Finding::MissingFromBill && i.recorded_at.as_deref().is_none_or(|at| period.near_end(at))
}

/// Marks as [`Finding::InNextBill`] each late item the next bill has, and recounts.
pub(crate) fn apply_next_bill(period: &Period, report: &mut ReconciliationReport, next: &Bill) {
    for i in report.items.iter_mut().filter(|i| awaits_next_bill(period, i)) {
        let found = next.trade_details.iter().find(|r| {
            r.out_trade_no == i.out_trade_no
                && match i.kind {
                    ItemKind::Payment => r.business_type == BillBusinessType::Payment,
                    _ => r.business_type == BillBusinessType::Refund && r.refund_request_no == i.out_request_no,
                }
        });
        if let Some(row) = found {
            i.finding = Finding::InNextBill;
            i.bill_amount = Some(abs(row.order_amount));
            i.billed_at = Some(row.finished_at.clone());
            i.service_fee = Some(row.service_fee);
            i.detail = format!(
                "completed just before the period ended; Alipay booked it in the {} bill",
                period.next_bill_date
            );
            if i.recorded_amount.is_some_and(|a| a != abs(row.order_amount)) {
                i.finding = Finding::AmountDiffers;
                i.detail = format!(
                    "booked in the {} bill for {}; our record says {}",
                    period.next_bill_date,
                    abs(row.order_amount),
                    i.recorded_amount.unwrap_or_default()
                );
            }
        }
    }
    report.next_bill_date = Some(period.next_bill_date.clone());
    recount(report);
}

pub(crate) fn recount(report: &mut ReconciliationReport) {
    let mismatched = report.items.iter().filter(|i| i.finding.is_mismatch()).count() as u64;
    report.totals.mismatched = mismatched;
    report.totals.agreed = report.items.len() as u64 - mismatched;
}
