//! `alipay demo`: the product's main job, shown end to end against an embedded offline sandbox over real
//! HTTP — barcode pay with a buyer who confirms on the phone, one who never does (the trade is
//! cancelled), QR pay with a simulated scan, verified notifications, refunds that cannot happen twice,
//! and the bill. The workflows are journaled in SQLite, as on a real till.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alipay_core::bill::{BillDownloadUrlQueryRequest, BillType};
use alipay_core::journal::SqliteJournal;
use alipay_core::notify::{ExpectedOrder, NotifyRule};
use alipay_core::trade::*;
use alipay_core::workflow::{
    EventKind, NotPaidReason, PaidEvidence, PaymentHandle, PaymentOutcome, PaymentStatus, RefundEvidence, RefundResult,
    Workflows,
};
use alipay_core::{CallOptions, Client, Gateway, Money};
use alipay_sandbox::{Sandbox, SandboxConfig, ScanOutcome, buyer};

const STEPS: usize = 6;

/// A journal file for this run only.
fn journal_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("alipay-demo-{}.db", std::process::id()))
}

struct Timeline {
    sandbox: Sandbox,
    started: Instant,
}

impl Timeline {
    fn step(&self, n: usize, title: &str) {
        println!("\n[{n}/{STEPS}] {title}");
    }

    fn say(&self, line: &str) {
        let now = alipay_core::clock::format_shanghai(self.sandbox.now());
        println!("  {} │ {line}", &now[11..]);
    }
}

/// Notifications as the merchant's `notify_url` receives them.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Vec<u8>>>>);

async fn notify_receiver(inbox: Inbox) -> Result<String, String> {
    let app = axum::Router::new().route(
        "/alipay/notify",
        axum::routing::post(move |body: axum::body::Bytes| {
            let inbox = inbox.clone();
            async move {
                inbox.0.lock().expect("inbox").push(body.to_vec());
                alipay_core::notify::ACK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let url = format!("http://{}/alipay/notify", listener.local_addr().map_err(|e| e.to_string())?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(url)
}

/// Waits for the next notification, verifies it, checks it against the order, and reports it.
async fn expect_notification(
    t: &Timeline,
    client: &Client,
    inbox: &Inbox,
    order: &ExpectedOrder,
) -> Result<(), String> {
    for _ in 0..200 {
        let next = {
            let mut queue = inbox.0.lock().expect("inbox");
            (!queue.is_empty()).then(|| queue.remove(0))
        };
        if let Some(body) = next {
            let verified = client.verify_notification(&body, NotifyRule::V1).map_err(|e| e.to_string())?;
            let trade = verified.trade().map_err(|e| e.to_string())?;
            trade.check(order).map_err(|e| e.to_string())?;
            let status = trade.trade_status.map(|s| s.to_string()).unwrap_or_default();
            t.say(&format!(
                "← notification {status} for {} — signature verified, order checked, answered \"success\"",
                trade.out_trade_no
            ));
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err("no notification arrived".into())
}

fn money(s: &str) -> Money {
    s.parse().expect("a literal amount")
}

fn qr_lines(content: &str) -> Result<String, String> {
    alipay_core::qr::terminal(content).map_err(err)
}

fn err(e: alipay_core::Error) -> String {
    e.to_string()
}

/// Narrates a payment workflow from its events; `on_wait(n)` runs while query `n` is awaited.
async fn narrate(t: &Timeline, handle: &mut PaymentHandle, mut on_wait: impl FnMut(u32)) {
    while let Some(event) = handle.next_event().await {
        match event.kind {
            EventKind::WaitingForBuyer { query, of } => {
                t.say(&format!("… waiting for the buyer (query {query}/{of} in 5 s)"));
                on_wait(query);
            }
            EventKind::Cancelling { cause } => {
                t.say(&format!("→ still WAIT_BUYER_PAY: alipay.trade.cancel at once ({})", cause.as_str()));
            }
            EventKind::CancelRetry { attempt, of } => t.say(&format!("  cancel retry {attempt}/{of}")),
            EventKind::Done(_) | EventKind::Failed { .. } => return,
            _ => {}
        }
    }
}

fn describe(outcome: &PaymentOutcome) -> String {
    let trade_no = outcome.trade_no.as_deref().unwrap_or("?");
    let h = outcome.history;
    match &outcome.status {
        PaymentStatus::Paid(PaidEvidence::Pay(_)) => format!("paid at once, trade_no {trade_no} (verified pay answer)"),
        PaymentStatus::Paid(_) => {
            format!("paid after {} queries, trade_no {trade_no} (verified query answer)", h.queries)
        }
        PaymentStatus::NotPaid(NotPaidReason::Cancelled { action, .. }) => format!(
            "NOT paid: cancelled with action {} after {} queries — the buyer can no longer pay",
            action.as_str(),
            h.queries
        ),
        PaymentStatus::NotPaid(reason) => format!("NOT paid ({})", reason.as_str()),
        PaymentStatus::Unknown { .. } => "UNKNOWN: kept open in the journal for recover()".into(),
        _ => "an outcome this demo does not know".into(),
    }
}

pub async fn run(speed: f64) -> Result<(), String> {
    println!("alipay demo — face-to-face payments against an offline Alipay sandbox (virtual time ×{speed})");
    let sandbox = Sandbox::start(SandboxConfig { speed, ..SandboxConfig::default() }).map_err(|e| e.to_string())?;
    let t = Timeline { sandbox: sandbox.clone(), started: Instant::now() };

    t.step(1, "Start the sandbox gateway, a notify_url receiver and the workflow journal");
    let server = sandbox.serve("127.0.0.1:0".parse().expect("addr")).await.map_err(|e| e.to_string())?;
    let inbox = Inbox::default();
    let notify_url = notify_receiver(inbox.clone()).await?;
    let client = Client::builder()
        .app_id(sandbox.app_id())
        .app_private_key_text(sandbox.app_private_key_pem().ok_or("no app key")?)
        .map_err(err)?
        .alipay_public_key(sandbox.alipay_public_key().clone())
        .gateway(Gateway::Custom(server.gateway_url()))
        // Waits run in the sandbox's virtual time: a 5 s poll takes 5 s / speed.
        .clock(Arc::new(sandbox.clone()))
        .build()
        .map_err(err)?
        .with_options(CallOptions::new().notify_url(&notify_url));
    let path = journal_path();
    let journal = SqliteJournal::open(&path).map_err(|e| e.to_string())?;
    let workflows = Workflows::new(client.clone(), Arc::new(journal));
    t.say(&format!("gateway {} · app {} · RSA2 keys generated", server.gateway_url(), sandbox.app_id()));
    t.say(&format!("notifications go to {notify_url}"));
    t.say(&format!("every workflow is journaled in {} before its first request", path.display()));
    let app_id = sandbox.app_id().to_string();
    let seller = sandbox.seller_id().to_string();
    let order = |no: &str, amount: &str| ExpectedOrder::new(&app_id, no, money(amount)).with_seller_id(&seller);

    t.step(2, "Barcode pay: the buyer confirms on the phone (10003), the workflow polls");
    let pay_no = "DEMO-BAR-0001";
    t.say(&format!(
        "alipay.trade.pay {pay_no} 25.80 yuan, auth_code {} (confirms after 10 s)",
        buyer::CONFIRMS_AFTER_10S
    ));
    let request = TradePayRequest::new(pay_no, money("25.80"), "Latte ×2", buyer::CONFIRMS_AFTER_10S);
    let mut handle = workflows.start_pay(request).await.map_err(err)?;
    narrate(&t, &mut handle, |_| {}).await;
    let paid = handle.outcome().await.map_err(err)?;
    t.say(&format!("→ {}", describe(&paid)));
    expect_notification(&t, &client, &inbox, &order(pay_no, "25.80")).await?;

    t.step(3, "Barcode pay: the buyer never confirms — the workflow cancels the trade");
    let cancel_no = "DEMO-BAR-0002";
    t.say(&format!("alipay.trade.pay {cancel_no} 8.00 yuan, auth_code {} (never confirms)", buyer::NEVER_CONFIRMS));
    let request = TradePayRequest::new(cancel_no, money("8.00"), "Cookie", buyer::NEVER_CONFIRMS);
    let mut handle = workflows.start_pay(request).await.map_err(err)?;
    narrate(&t, &mut handle, |_| {}).await;
    let cancelled = handle.outcome().await.map_err(err)?;
    t.say(&format!("→ {}", describe(&cancelled)));
    expect_notification(&t, &client, &inbox, &order(cancel_no, "8.00")).await?;

    t.step(4, "QR pay: precreate, show the code, the buyer scans it while the workflow waits");
    let qr_no = "DEMO-QR-0001";
    let request = TradePrecreateRequest::new(qr_no, money("99.00"), "Annual membership");
    let mut handle = workflows.precreate_and_wait(request).await.map_err(err)?;
    let qr_code = handle.qr_code().ok_or("the precreate failed")?.to_string();
    t.say(&format!("alipay.trade.precreate {qr_no} 99.00 yuan → qr_code {qr_code}"));
    for line in qr_lines(&qr_code)?.lines() {
        println!("           {line}");
    }
    t.say("until the scan, query answers ACQ.TRADE_NOT_EXIST: that means keep waiting, not failure");
    narrate(&t, &mut handle, |query| {
        if query == 2 && sandbox.scan_qr(&qr_code, ScanOutcome::Pay).is_ok() {
            t.say("the buyer scans the code and pays (simulated)");
        }
    })
    .await;
    let qr_paid = handle.outcome().await.map_err(err)?;
    t.say(&format!("→ {}", describe(&qr_paid)));
    expect_notification(&t, &client, &inbox, &order(qr_no, "99.00")).await?;

    t.step(5, "Refunds until known: one out_request_no per refund, never twice");
    for (no, amount) in [("R-1", "30.00"), ("R-1", "30.00"), ("R-2", "19.00")] {
        let request = TradeRefundRequest::by_out_trade_no(qr_no, money(amount), no);
        let refund = workflows.refund_until_known(request).await.map_err(err)?;
        match &refund.status {
            RefundResult::Refunded(RefundEvidence::Refund(r)) => {
                t.say(&format!(
                    "refund {no} {amount} → fund_change Y (money moved), refunded so far {}",
                    r.refund_fee.map(|a| a.to_string()).unwrap_or_default()
                ));
                expect_notification(&t, &client, &inbox, &order(qr_no, "99.00")).await?;
            }
            RefundResult::Refunded(RefundEvidence::Query(q)) => t.say(&format!(
                "refund {no} {amount} again → fund_change N, refund query says {}: a repeat, no money moved",
                q.refund_status.as_ref().map(|s| s.to_string()).unwrap_or_default()
            )),
            other => return Err(format!("refund {no}: {other:?}")),
        }
    }

    t.step(6, "Tomorrow: download yesterday's bill and read it");
    let day = alipay_core::clock::format_shanghai(sandbox.now())[..10].to_string();
    sandbox.advance(Duration::from_secs(24 * 3600));
    t.say(&format!("virtual time moves one day; alipay.data.dataservice.bill.downloadurl.query for {day}"));
    let bill = client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, &day)).await.map_err(err)?;
    t.say(&format!(
        "downloaded and unzipped {} GBK files, {} detail rows:",
        bill.files.len(),
        bill.trade_details.len()
    ));
    for row in &bill.trade_details {
        println!(
            "           {:<16} {:<4} {:>8}  {}",
            row.out_trade_no,
            row.business_type,
            row.order_amount.to_string(),
            row.subject
        );
    }
    if let Some(total) = bill.trade_summary.iter().find(|r| r.is_total) {
        t.say(&format!(
            "summary: {} payments, {} refunds, {} yuan taken, service fees {}, net {} yuan",
            total.trade_count, total.refund_count, total.merchant_receipt, total.service_fee, total.net_receipt
        ));
    }

    println!(
        "\nDone in {:.1}s. Every answer and notification above was signature-verified before it was believed.",
        t.started.elapsed().as_secs_f64()
    );
    server.shutdown();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(())
}
