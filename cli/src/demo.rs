//! `alipay demo`: the product's main job, shown end to end against an embedded offline sandbox over real
//! HTTP — barcode pay, QR pay with a simulated scan, verified notifications, partial refunds, close, and
//! the bill.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alipay_core::bill::{BillDownloadUrlQueryRequest, BillType};
use alipay_core::notify::{ExpectedOrder, NotifyRule};
use alipay_core::trade::*;
use alipay_core::{CallOptions, Client, Gateway, Money};
use alipay_sandbox::{Sandbox, SandboxConfig, ScanOutcome, buyer};

const STEPS: usize = 6;

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
    let code = qrcode::QrCode::new(content.as_bytes()).map_err(|e| e.to_string())?;
    Ok(code.render::<qrcode::render::unicode::Dense1x2>().quiet_zone(true).build())
}

fn err(e: alipay_core::Error) -> String {
    e.to_string()
}

pub async fn run(speed: f64) -> Result<(), String> {
    println!("alipay demo — face-to-face payments against an offline Alipay sandbox (virtual time ×{speed})");
    let sandbox = Sandbox::start(SandboxConfig { speed, ..SandboxConfig::default() }).map_err(|e| e.to_string())?;
    let t = Timeline { sandbox: sandbox.clone(), started: Instant::now() };

    t.step(1, "Start the sandbox gateway and a notify_url receiver");
    let server = sandbox.serve("127.0.0.1:0".parse().expect("addr")).await.map_err(|e| e.to_string())?;
    let inbox = Inbox::default();
    let notify_url = notify_receiver(inbox.clone()).await?;
    let client = Client::builder()
        .app_id(sandbox.app_id())
        .app_private_key_text(sandbox.app_private_key_pem().ok_or("no app key")?)
        .map_err(err)?
        .alipay_public_key(sandbox.alipay_public_key().clone())
        .gateway(Gateway::Custom(server.gateway_url()))
        .build()
        .map_err(err)?
        .with_options(CallOptions::new().notify_url(&notify_url));
    t.say(&format!("gateway {} · app {} · RSA2 keys generated", server.gateway_url(), sandbox.app_id()));
    t.say(&format!("notifications go to {notify_url}"));
    let app_id = sandbox.app_id().to_string();
    let seller = sandbox.seller_id().to_string();
    let order = |no: &str, amount: &str| ExpectedOrder::new(&app_id, no, money(amount)).with_seller_id(&seller);

    t.step(2, "Barcode pay: the cashier scans the buyer's payment code");
    let pay_no = "DEMO-BAR-0001";
    t.say(&format!(
        "alipay.trade.pay {pay_no} 25.80 yuan, auth_code {} (a buyer who pays at once)",
        buyer::PAYS_AT_ONCE
    ));
    let paid = client
        .trade_pay(&TradePayRequest::new(pay_no, money("25.80"), "Latte ×2", buyer::PAYS_AT_ONCE))
        .await
        .map_err(err)?;
    t.say(&format!(
        "→ {} {}: paid, trade_no {} (answer signature verified)",
        paid.code,
        paid.msg,
        paid.trade_no.as_deref().unwrap_or("?")
    ));
    expect_notification(&t, &client, &inbox, &order(pay_no, "25.80")).await?;

    t.step(3, "QR pay: precreate, show the code, the buyer scans it");
    let qr_no = "DEMO-QR-0001";
    let pre = client
        .trade_precreate(&TradePrecreateRequest::new(qr_no, money("99.00"), "Annual membership"))
        .await
        .map_err(err)?;
    t.say(&format!("alipay.trade.precreate {qr_no} 99.00 yuan → qr_code {}", pre.qr_code));
    for line in qr_lines(&pre.qr_code)?.lines() {
        println!("           {line}");
    }
    match client.trade_query(&TradeQueryRequest::by_out_trade_no(qr_no)).await {
        Err(e) if e.as_gateway().and_then(|g| g.sub_code.as_deref()) == Some("ACQ.TRADE_NOT_EXIST") => {
            t.say("query → ACQ.TRADE_NOT_EXIST: nobody has scanned yet, keep waiting (not a failure)");
        }
        other => return Err(format!("unexpected answer before the scan: {other:?}")),
    }
    sandbox.scan_qr(&pre.qr_code, ScanOutcome::Pay).map_err(|e| e.to_string())?;
    t.say("the buyer scans the code and pays (simulated)");
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(qr_no)).await.map_err(err)?;
    t.say(&format!("query → {}", q.trade_status.map(|s| s.to_string()).unwrap_or_default()));
    expect_notification(&t, &client, &inbox, &order(qr_no, "99.00")).await?;

    t.step(4, "Partial refunds, idempotent by out_request_no");
    for (no, amount) in [("R-1", "30.00"), ("R-1", "30.00"), ("R-2", "19.00")] {
        let r =
            client.trade_refund(&TradeRefundRequest::by_out_trade_no(qr_no, money(amount), no)).await.map_err(err)?;
        let moved = if r.fund_change == Some(true) { "money moved" } else { "a repeat: no money moved" };
        t.say(&format!(
            "refund {no} {amount} → fund_change {} ({moved}), refunded so far {}",
            if r.fund_change == Some(true) { "Y" } else { "N" },
            r.refund_fee.map(|a| a.to_string()).unwrap_or_default()
        ));
        if r.fund_change == Some(true) {
            expect_notification(&t, &client, &inbox, &order(qr_no, "99.00")).await?;
        }
    }
    let rq = client
        .trade_fastpay_refund_query(&TradeFastpayRefundQueryRequest::by_out_trade_no(qr_no, "R-2"))
        .await
        .map_err(err)?;
    t.say(&format!(
        "refund query R-2 → {} {}",
        rq.refund_status.map(|s| s.to_string()).unwrap_or_else(|| "no status".into()),
        rq.refund_amount.map(|a| a.to_string()).unwrap_or_default()
    ));

    t.step(5, "Close an order the buyer never confirms");
    let close_no = "DEMO-BAR-0002";
    let waiting = client
        .trade_pay(&TradePayRequest::new(close_no, money("8.00"), "Cookie", buyer::NEVER_CONFIRMS))
        .await
        .map_err(err)?;
    t.say(&format!(
        "alipay.trade.pay {close_no} → {} {}: the buyer must confirm on the phone",
        waiting.code, waiting.msg
    ));
    client.trade_close(&TradeCloseRequest::by_out_trade_no(close_no)).await.map_err(err)?;
    let q = client.trade_query(&TradeQueryRequest::by_out_trade_no(close_no)).await.map_err(err)?;
    t.say(&format!("alipay.trade.close → query says {}", q.trade_status.map(|s| s.to_string()).unwrap_or_default()));
    expect_notification(&t, &client, &inbox, &order(close_no, "8.00")).await?;

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
            "summary: {} payments, {} refunds, net {} yuan",
            total.trade_count, total.refund_count, total.net_receipt
        ));
    }

    println!(
        "\nDone in {:.1}s. Every answer and notification above was signature-verified before it was believed.",
        t.started.elapsed().as_secs_f64()
    );
    server.shutdown();
    Ok(())
}
