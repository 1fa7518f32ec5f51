//! Reconciliation against the sandbox's bills: a day with every kind of mismatch, made by what goes
//! wrong in practice (a crash, a trade made outside the workflows, a refund made by hand) and by bills
//! that misstate on purpose; the next day's bill for a trade paid just before midnight; a month bill.

use std::sync::Arc;
use std::time::Duration;

use alipay_core::Amount;
use alipay_core::clock::{format_shanghai, parse_shanghai};
use alipay_core::journal::{JournalEntry, MemoryJournal, TradeJournal, WorkflowKind};
use alipay_core::reconcile::{Finding, ReconciliationReport, RecordSource, orders_from_csv};
use alipay_core::trade::{TradePayRequest, TradeRefundRequest};
use alipay_core::workflow::Workflows;
use alipay_sandbox::{BillMisstatement, Sandbox, SandboxConfig, buyer};

use crate::support::{money, order};

/// A sandbox in real-time speed, with workflows over a memory journal.
fn setup() -> (Sandbox, Workflows, MemoryJournal) {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox starts");
    let journal = MemoryJournal::new();
    let workflows = Workflows::new(sandbox.client().expect("client"), Arc::new(journal.clone()));
    (sandbox, workflows, journal)
}

/// Moves the sandbox's clock to `time` (`HH:MM:SS`) on the day `days` after today; returns that day.
fn advance_to(sb: &Sandbox, days: u64, time: &str) -> String {
    let today = &format_shanghai(sb.now())[..10];
    let midnight = parse_shanghai(&format!("{today} 00:00:00")).expect("midnight");
    let day =
        format_shanghai(midnight + Duration::from_secs(days * 24 * 3600) + Duration::from_secs(3600))[..10].to_string();
    let target = parse_shanghai(&format!("{day} {time}")).expect("time");
    sb.advance(target.duration_since(sb.now()).expect("the target is ahead"));
    day
}

/// The day after `day`.
fn next_day(day: &str) -> String {
    let noon = parse_shanghai(&format!("{day} 12:00:00")).expect("day");
    format_shanghai(noon + Duration::from_secs(24 * 3600))[..10].to_string()
}

async fn pay(workflows: &Workflows, amount: &str) -> String {
    let request = TradePayRequest::new(order("RC"), money(amount), "对账", buyer::PAYS_AT_ONCE);
    let out_trade_no = request.out_trade_no.clone();
    assert!(workflows.pay_and_wait(request).await.expect("pay").is_paid());
    out_trade_no
}

async fn refund(workflows: &Workflows, out_trade_no: &str, amount: &str, out_request_no: &str) {
    let request = TradeRefundRequest::by_out_trade_no(out_trade_no, money(amount), out_request_no);
    assert!(workflows.refund_until_known(request).await.expect("refund").is_refunded());
}

/// One line per item: finding, kind, source, order, refund number, bill amount, recorded amount.
fn lines(report: &ReconciliationReport) -> Vec<String> {
    let opt = |a: Option<Amount>| a.map_or("-".to_string(), |a| a.to_string());
    report
        .items
        .iter()
        .map(|i| {
            format!(
                "{} {} {} {} {} bill={} ours={}",
                i.finding.as_str(),
                i.kind.as_str(),
                i.source.map_or("-", RecordSource::as_str),
                i.out_trade_no,
                i.out_request_no.as_deref().unwrap_or("-"),
                opt(i.bill_amount),
                opt(i.recorded_amount),
            )
        })
        .collect()
}

/// What happened on the day reconciled, each order number by what it is about to show.
struct Day {
    date: String,
    matched: String,
    refunded: String,
    outside: String,
    omitted: String,
    misbilled: String,
    crashed: String,
    refund_misbilled: String,
    hand_refunded: String,
    late: String,
}

/// A day with every mismatch kind, then two more days so that the next day's bill is out.
async fn a_day_of_everything(sb: &Sandbox, workflows: &Workflows, journal: &MemoryJournal) -> Day {
    let date = advance_to(sb, 1, "10:00:00");
    let client = workflows.client();
    let matched = pay(workflows, "12.00").await;
    let refunded = pay(workflows, "30.00").await;
    refund(workflows, &refunded, "10.00", "RB1").await;

    // Paid through the plain client: the journal never heard of it.
    let outside = order("RC");
    client.trade_pay(&TradePayRequest::new(&outside, money("5.00"), "外部", buyer::PAYS_AT_ONCE)).await.expect("pay");

    let omitted = pay(workflows, "20.00").await;
    sb.misstate_bill(BillMisstatement::Omit { out_trade_no: omitted.clone() });
    let misbilled = pay(workflows, "15.00").await;
    sb.misstate_bill(BillMisstatement::PaymentAmount {
        out_trade_no: misbilled.clone(),
        amount: "14.00".parse().expect("amount"),
    });

    // The process crashed after journaling the intent and sending the pay: the entry stays open.
    let crashed = order("RC");
    let biz = format!(r#"{{"out_trade_no":"{crashed}","total_amount":"18.00"}}"#);
    let mut entry = JournalEntry::new(JournalEntry::trade_key(&crashed), WorkflowKind::Pay, biz, sb.now());
    entry.out_trade_no = Some(crashed.clone());
    journal.begin(entry).await.expect("intent");
    client.trade_pay(&TradePayRequest::new(&crashed, money("18.00"), "崩溃", buyer::PAYS_AT_ONCE)).await.expect("pay");

    let refund_misbilled = pay(workflows, "40.00").await;
    refund(workflows, &refund_misbilled, "10.00", "RG1").await;
    sb.misstate_bill(BillMisstatement::RefundAmount {
        out_request_no: "RG1".into(),
        amount: "-12.00".parse().expect("amount"),
    });

    let hand_refunded = pay(workflows, "9.00").await;
    client
        .trade_refund(&TradeRefundRequest::by_out_trade_no(&hand_refunded, money("3.00"), "RH1"))
        .await
        .expect("refund");

    advance_to(sb, 0, "23:59:58");
    let late = pay(workflows, "8.80").await;
    advance_to(sb, 3, "09:00:00");
    Day { date, matched, refunded, outside, omitted, misbilled, crashed, refund_misbilled, hand_refunded, late }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_with_every_mismatch_kind_reconciled_with_the_journal() {
    let (sb, workflows, journal) = setup();
    let d = a_day_of_everything(&sb, &workflows, &journal).await;

    let report = workflows.reconcile(&d.date).await.expect("reconcile");
    let mut expected = vec![
        format!("matched payment journal {} - bill=12.00 ours=12.00", d.matched),
        format!("matched payment journal {} - bill=30.00 ours=30.00", d.refunded),
        format!("matched refund journal {} RB1 bill=10.00 ours=10.00", d.refunded),
        format!("in_bill_only payment - {} - bill=5.00 ours=-", d.outside),
        format!("missing_from_bill payment journal {} - bill=- ours=20.00", d.omitted),
        format!("amount_differs payment journal {} - bill=14.00 ours=15.00", d.misbilled),
        format!("status_differs payment journal {} - bill=18.00 ours=18.00", d.crashed),
        format!("matched payment journal {} - bill=40.00 ours=40.00", d.refund_misbilled),
        format!("amount_differs refund journal {} RG1 bill=12.00 ours=10.00", d.refund_misbilled),
        format!("refund_total_differs refund_total journal {} - bill=12.00 ours=10.00", d.refund_misbilled),
        format!("matched payment journal {} - bill=9.00 ours=9.00", d.hand_refunded),
        format!("in_bill_only refund - {} RH1 bill=3.00 ours=-", d.hand_refunded),
        format!("refund_total_differs refund_total journal {} - bill=3.00 ours=0.00", d.hand_refunded),
        format!("in_next_bill payment journal {} - bill=8.80 ours=8.80", d.late),
    ];
    expected.sort();
    let mut got = lines(&report);
    got.sort();
    assert_eq!(got, expected, "{}", report.to_json());

    let crashed = report.items.iter().find(|i| i.out_trade_no == d.crashed).expect("crashed");
    assert_eq!(crashed.recorded_status.as_deref(), Some("open"));
    assert!(crashed.detail.contains("recover()"), "{}", crashed.detail);
    let late = report.items.iter().find(|i| i.out_trade_no == d.late).expect("late");
    assert!(late.recorded_at.as_deref().is_some_and(|t| t.starts_with(&format!("{} 23:59:5", d.date))), "{late:?}");
    assert!(late.billed_at.as_deref().is_some_and(|t| t.starts_with(&d.date)), "its 完成时间 is when it was paid");
    assert_eq!(report.next_bill_date.as_deref(), Some(next_day(&d.date).as_str()));
    assert!(!report.is_clean());
    assert_eq!((report.totals.agreed, report.totals.mismatched), (6, 8));

    // The bill's sums, exactly: 12 + 30 + 5 + 14 + 18 + 40 + 9 paid (the omitted 20.00 and the late
    // 8.80 are not in it), 10 + 12 + 3 refunded, 0.6 % fees rounded half up per row.
    let t = &report.totals;
    assert_eq!((t.payments, t.payment_amount.to_string()), (7, "128.00".to_string()));
    assert_eq!((t.refunds, t.refund_amount.to_string()), (3, "-25.00".to_string()));
    let fees: i64 = [1200, 3000, 500, 1400, 1800, 4000, 900].iter().map(|f| -((f * 6 + 500) / 1000)).sum::<i64>()
        + [1000, 1200, 300].iter().map(|f| (f * 6 + 500) / 1000).sum::<i64>();
    assert_eq!(t.service_fee.fen(), fees);
    assert_eq!(t.net.fen(), 12800 - 2500 + fees);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_day_reconciled_with_the_merchants_orders_too() {
    let (sb, workflows, journal) = setup();
    let d = a_day_of_everything(&sb, &workflows, &journal).await;
    let never_paid_to_alipay = order("RC");
    let csv = format!(
        "\u{feff}out_trade_no,amount,status,refund_amount\n\
         {},12.00,paid,\n{},30.00,paid,10.00\n{},5.00,not_paid,\n{},15.00,paid,\n{},9.00,paid,2.00\n{never_paid_to_alipay},7.00,paid,\n",
        d.matched, d.refunded, d.outside, d.misbilled, d.hand_refunded
    );
    let orders = orders_from_csv(csv.as_bytes()).expect("orders");
    let report = workflows.reconcile_with_orders(&d.date, &orders).await.expect("reconcile");
    let from_orders: Vec<String> =
        lines(&report).into_iter().filter(|l| l.split(' ').nth(2) == Some("orders")).collect();
    let mut expected = vec![
        format!("matched payment orders {} - bill=12.00 ours=12.00", d.matched),
        format!("matched payment orders {} - bill=30.00 ours=30.00", d.refunded),
        format!("matched refund_total orders {} - bill=10.00 ours=10.00", d.refunded),
        format!("status_differs payment orders {} - bill=5.00 ours=5.00", d.outside),
        format!("amount_differs payment orders {} - bill=14.00 ours=15.00", d.misbilled),
        format!("matched payment orders {} - bill=9.00 ours=9.00", d.hand_refunded),
        format!("refund_total_differs refund_total orders {} - bill=3.00 ours=2.00", d.hand_refunded),
        format!("missing_from_bill payment orders {never_paid_to_alipay} - bill=- ours=7.00"),
    ];
    expected.sort();
    let mut got = from_orders;
    got.sort();
    assert_eq!(got, expected, "{}", report.to_json());
    assert!(report.compared_with_orders && report.compared_with_journal);
    // Known to the orders, the outside trade and the hand-made refund are no longer unknown here.
    assert!(report.items.iter().all(|i| i.finding != Finding::InBillOnly), "{}", report.to_json());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_day_has_the_late_trade_and_a_refund_of_a_trade_paid_the_day_before() {
    let (sb, workflows, _) = setup();
    let day = advance_to(&sb, 1, "23:59:58");
    let late = pay(&workflows, "8.80").await;
    // Paid on the first day, refunded on the next: the refund is in the next day's bill alone.
    let next = advance_to(&sb, 1, "00:10:00");
    refund(&workflows, &late, "1.80", "RN1").await;
    advance_to(&sb, 2, "09:00:00");

    let first = workflows.reconcile(&day).await.expect("first day");
    assert_eq!(lines(&first), [format!("in_next_bill payment journal {late} - bill=8.80 ours=8.80")]);
    assert!(first.is_clean(), "a late booking is not a mismatch");

    let second = workflows.reconcile(&next).await.expect("next day");
    assert_eq!(
        lines(&second),
        [
            format!("matched payment journal {late} - bill=8.80 ours=8.80"),
            format!("matched refund journal {late} RN1 bill=1.80 ours=1.80"),
        ]
    );
    assert!(second.is_clean(), "{}", second.to_json());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_trade_whose_next_bill_is_not_out_yet_is_missing_and_the_report_says_why() {
    let (sb, workflows, _) = setup();
    let day = advance_to(&sb, 1, "23:59:58");
    let late = pay(&workflows, "6.60").await;
    advance_to(&sb, 1, "09:00:00");
    let report = workflows.reconcile(&day).await.expect("reconcile");
    assert_eq!(lines(&report), [format!("missing_from_bill payment journal {late} - bill=- ours=6.60")]);
    assert!(report.next_bill_problem.as_deref().is_some_and(|p| p.contains("not out yet")), "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_bill_is_reconciled_like_a_day_bill() {
    let (sb, workflows, _) = setup();
    let first_day = advance_to(&sb, 1, "10:00:00");
    let month = first_day[..7].to_string();
    let a = pay(&workflows, "1.00").await;
    let b = pay(&workflows, "2.00").await;
    refund(&workflows, &b, "0.50", "RM1").await;
    // The first day of the next month, whatever day of the month this is.
    let mut next_month = first_day.clone();
    while next_month[..7] == month {
        next_month = advance_to(&sb, 1, "10:00:00");
    }
    advance_to(&sb, 1, "10:00:00");
    let report = workflows.reconcile(&month).await.expect("reconcile");
    let mut got = lines(&report);
    got.sort();
    let mut expected = vec![
        format!("matched payment journal {a} - bill=1.00 ours=1.00"),
        format!("matched payment journal {b} - bill=2.00 ours=2.00"),
        format!("matched refund journal {b} RM1 bill=0.50 ours=0.50"),
    ];
    expected.sort();
    assert_eq!(got, expected, "{}", report.to_json());
    assert_eq!(report.period_start, format!("{month}-01 00:00:00"));
    assert_eq!(&report.period_end[..10], format!("{}-01", &next_month[..7]));
    assert_eq!(report.totals.payment_amount, Amount::from(money("3.00")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_for_accountants_has_a_header_and_a_row_per_item() {
    let (sb, workflows, _) = setup();
    let day = advance_to(&sb, 1, "10:00:00");
    let a = pay(&workflows, "12.34").await;
    advance_to(&sb, 1, "10:00:00");
    let report = workflows.reconcile(&day).await.expect("reconcile");
    let csv = report.to_csv();
    let mut rows = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        rows.next(),
        Some(
            "finding,kind,source,out_trade_no,trade_no,out_request_no,bill_amount,recorded_amount,recorded_status,recorded_at,billed_at,service_fee,detail"
        )
    );
    let row: Vec<&str> = rows.next().expect("a row").split(',').collect();
    assert_eq!((row[0], row[1], row[2], row[3]), ("matched", "payment", "journal", a.as_str()));
    assert_eq!((row[6], row[7], row[8], row[11]), ("12.34", "12.34", "paid", "-0.07"));
    assert!(csv.starts_with('\u{feff}'), "Excel reads UTF-8 only with a byte-order mark");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_that_is_neither_a_day_nor_a_month_is_refused_before_anything_is_asked() {
    let (_sb, workflows, _) = setup();
    for bad in ["2026-13", "2026-02-30", "20261130", "2026-11-3", ""] {
        let err = workflows.reconcile(bad).await.expect_err(bad);
        assert_eq!(err.kind(), alipay_core::ErrorKind::InvalidInput, "{bad}: {err}");
        assert!(err.to_string().contains("bill_date"), "{bad}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bill_whose_answer_is_forged_or_lost_gives_an_error_never_a_report() {
    let (sb, workflows, _) = setup();
    let day = advance_to(&sb, 1, "10:00:00");
    pay(&workflows, "1.00").await;
    advance_to(&sb, 1, "10:00:00");
    let method = "alipay.data.dataservice.bill.downloadurl.query";
    for (fault, kind) in [
        (alipay_sandbox::Fault::ForgedSignature, alipay_core::ErrorKind::Signature),
        (alipay_sandbox::Fault::DropAfterApply, alipay_core::ErrorKind::OutcomeUnknown),
    ] {
        sb.inject(Some(method), fault);
        let err = workflows.reconcile(&day).await.expect_err("no report from a bill not believed");
        assert_eq!(err.kind(), kind, "{fault:?}: {err}");
    }
    assert!(workflows.reconcile(&day).await.expect("the fault has passed").is_clean());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_isvs_journal_is_reconciled_one_merchant_at_a_time() {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox starts");
    let journal: Arc<dyn TradeJournal> = Arc::new(MemoryJournal::new());
    let client = sandbox.client().expect("client");
    let for_merchant = |token: &str| {
        let options = alipay_core::CallOptions::new().app_auth_token(token);
        Workflows::new(client.with_options(options), journal.clone())
    };
    let (a, b) = (for_merchant("token-of-merchant-a"), for_merchant("token-of-merchant-b"));
    let day = advance_to(&sandbox, 1, "10:00:00");
    let (paid_a, paid_b) = (pay(&a, "1.00").await, pay(&b, "2.00").await);
    // The sandbox is one merchant; its bill leaves out B's trade, as merchant A's own bill would.
    sandbox.misstate_bill(BillMisstatement::Omit { out_trade_no: paid_b.clone() });
    advance_to(&sandbox, 1, "10:00:00");

    let report_a = a.reconcile(&day).await.expect("reconcile A");
    assert_eq!(lines(&report_a), [format!("matched payment journal {paid_a} - bill=1.00 ours=1.00")]);
    let report_b = b.reconcile(&day).await.expect("reconcile B");
    assert!(
        lines(&report_b).contains(&format!("missing_from_bill payment journal {paid_b} - bill=- ours=2.00")),
        "B's own reconciliation still sees its trade missing: {:?}",
        lines(&report_b)
    );
}
