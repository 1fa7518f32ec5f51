//! A hostile proxy between the client and the sandbox replays genuine signed answers — another order's
//! "paid", another trade's refund, another order's cancel, a node renamed — and none of them is believed
//! (an answer is believed only for its request: `alipay_core::response::binding`). Over v2 and v3.

use std::sync::{Arc, Mutex};

use alipay_core::error::{ConfigError, SignatureError, TransportError, TransportErrorKind};
use alipay_core::journal::{EntryState, JournalEntry, MemoryJournal, TradeJournal};
use alipay_core::trade::{
    TradeCancelRequest, TradePayRequest, TradePrecreateRequest, TradeQueryRequest, TradeRefundRequest, TradeStatus,
};
use alipay_core::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};
use alipay_core::workflow::{PaymentOutcome, PaymentStatus, Workflows};
use alipay_core::{Client, Error, Protocol};
use alipay_sandbox::{Sandbox, SandboxConfig, buyer};

use crate::support::{money, order};

const PAY: &str = "alipay.trade.pay";
const QUERY: &str = "alipay.trade.query";
const REFUND: &str = "alipay.trade.refund";
const CANCEL: &str = "alipay.trade.cancel";

/// What the proxy does with the next requests to one method.
struct Plan {
    method: &'static str,
    /// The answer handed back instead of the gateway's; `None`: the connection drops, no answer.
    reply: Option<HttpResponse>,
    /// `false`: the request never reaches the gateway.
    forward: bool,
    /// How many requests it applies to.
    times: usize,
}

#[derive(Default)]
struct State {
    recorded: Vec<(String, HttpResponse)>,
    plans: Vec<Plan>,
}

/// The proxy: records every genuine answer by method, and follows its plans.
#[derive(Clone)]
struct Mitm {
    gateway: Arc<dyn Transport>,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Mitm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mitm")
    }
}

/// The method a request calls: the v2 `method` query parameter, or the v3 path.
fn method_of(request: &HttpRequest) -> String {
    let (path, query) = request.url.split_once('?').unwrap_or((&request.url, ""));
    let v2 = form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "method").map(|(_, v)| v.into_owned());
    let v3 = || path.find("/v3/").and_then(|i| alipay_core::v3::method_of(&path[i..]));
    v2.or_else(v3).unwrap_or_default()
}

impl Transport for Mitm {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let method = method_of(&request);
            let plan = {
                let mut state = self.state.lock().expect("lock");
                let found = state.plans.iter_mut().find(|p| p.method == method && p.times > 0);
                found.map(|p| {
                    p.times -= 1;
                    (p.reply.clone(), p.forward)
                })
            };
            let dropped =
                || TransportError::outcome_unknown(TransportErrorKind::Io, "the proxy dropped the connection");
            match plan {
                Some((reply, forward)) => {
                    if forward {
                        self.gateway.send(request).await?;
                    }
                    reply.ok_or_else(dropped)
                }
                None => {
                    let answer = self.gateway.send(request).await?;
                    self.state.lock().expect("lock").recorded.push((method, answer.clone()));
                    Ok(answer)
                }
            }
        })
    }
}

impl Mitm {
    /// The last genuine answer to `method`.
    fn last(&self, method: &str) -> HttpResponse {
        let state = self.state.lock().expect("lock");
        state.recorded.iter().rev().find(|(m, _)| m == method).map(|(_, r)| r.clone()).expect("a recorded answer")
    }

    fn plan(&self, method: &'static str, reply: Option<HttpResponse>, forward: bool, times: usize) {
        self.state.lock().expect("lock").plans.push(Plan { method, reply, forward, times });
    }

    fn clear(&self) {
        self.state.lock().expect("lock").plans.clear();
    }
}

/// A scenario's two tests, `<scenario>::v2` and `<scenario>::v3`: the client speaking each protocol.
macro_rules! over_v2_and_v3 {
    ($scenario:ident) => {
        mod $scenario {
            use alipay_core::Protocol;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn v2() {
                super::$scenario(Protocol::V2).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn v3() {
                super::$scenario(Protocol::V3).await;
            }
        }
    };
}

/// A sandbox, and a client (with workflows and their journal) that reaches it through the proxy.
fn setup(protocol: Protocol) -> (Sandbox, Mitm, Client, Workflows, MemoryJournal) {
    let sandbox = Sandbox::start(SandboxConfig { speed: 2000.0, ..SandboxConfig::default() }).expect("sandbox");
    let mitm = Mitm { gateway: sandbox.transport(), state: Arc::default() };
    let client = sandbox
        .client_builder()
        .expect("builder")
        .protocol(protocol)
        .transport(Arc::new(mitm.clone()))
        .build()
        .expect("client");
    let journal = MemoryJournal::new();
    let workflows = Workflows::new(client.clone(), Arc::new(journal.clone()));
    (sandbox, mitm, client, workflows, journal)
}

fn is_not_bound(err: &Error) -> bool {
    matches!(err, Error::Signature(SignatureError::NotBound { .. }))
}

/// The same answer with its node renamed (the node's name is not signed).
fn renamed(answer: &HttpResponse, from: &str, to: &str) -> HttpResponse {
    let text = String::from_utf8(answer.body.clone()).expect("utf-8");
    assert!(text.contains(from), "{text}");
    HttpResponse { body: text.replacen(from, to, 1).into_bytes(), ..answer.clone() }
}

/// The victim: a new order of `amount` whose buyer never confirms, paid through the workflow.
async fn buyer_who_never_confirms(workflows: &Workflows, amount: &str) -> (String, PaymentOutcome) {
    let victim = order("B");
    let request = TradePayRequest::new(&victim, money(amount), "B", buyer::NEVER_CONFIRMS);
    let outcome = workflows.pay_and_wait(request).await.expect("outcome");
    (victim, outcome)
}

async fn paid_order(client: &Client, amount: &str) -> String {
    let no = order("PAID");
    let answer = client.trade_pay(&TradePayRequest::new(&no, money(amount), "Paid", buyer::PAYS_AT_ONCE)).await;
    assert!(answer.expect("pay").is_paid());
    no
}

async fn another_orders_paid_pay_answer_is_not_this_orders_payment(protocol: Protocol) {
    let (sandbox, mitm, client, workflows, _) = setup(protocol);
    paid_order(&client, "8888.00").await;
    let replay = mitm.last(PAY);
    mitm.plan(PAY, Some(replay.clone()), true, 1);
    let err = client
        .trade_pay(&TradePayRequest::new(order("B"), money("8888.00"), "B", buyer::NEVER_CONFIRMS))
        .await
        .expect_err("another order's answer");
    assert!(is_not_bound(&err), "{err}");

    mitm.plan(PAY, Some(replay), true, 1);
    let (victim, outcome) = buyer_who_never_confirms(&workflows, "8888.00").await;
    assert!(!outcome.is_paid(), "{outcome:?}");
    let trade = sandbox.trade(&victim).expect("the pay reached the gateway");
    assert_eq!(trade.status, TradeStatus::TradeClosed, "the buyer who never confirmed is cancelled: {outcome:?}");
}

over_v2_and_v3!(another_orders_paid_pay_answer_is_not_this_orders_payment);

async fn another_orders_success_query_is_not_this_orders_payment(protocol: Protocol) {
    let (sandbox, mitm, client, workflows, _) = setup(protocol);
    let paid = paid_order(&client, "8888.00").await;
    client.trade_query(&TradeQueryRequest::by_out_trade_no(&paid)).await.expect("query");
    mitm.plan(QUERY, Some(mitm.last(QUERY)), true, usize::MAX);
    let (victim, outcome) = buyer_who_never_confirms(&workflows, "8888.00").await;
    assert!(!outcome.is_paid(), "{outcome:?}");
    assert_eq!(sandbox.trade(&victim).expect("trade").status, TradeStatus::TradeClosed, "{outcome:?}");
    assert!(outcome.history.unverified_answers > 0, "the replayed answers count as unverified: {outcome:?}");
}

over_v2_and_v3!(another_orders_success_query_is_not_this_orders_payment);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_query_about_this_order_number_but_another_amount_is_not_this_payment() {
    // Another system of the merchant once used this order number, for 0.01, and it was paid.
    let (_sandbox, mitm, client, workflows, _) = setup(Protocol::V2);
    let reused = paid_order(&client, "0.01").await;
    client.trade_query(&TradeQueryRequest::by_out_trade_no(&reused)).await.expect("query");
    // Our pay of 8888.00 under that number is lost on the way; the queries get the genuine answer about
    // the 0.01 trade. Without the amount check the workflow would report 8888.00 paid.
    mitm.plan(PAY, None, false, 1);
    mitm.plan(QUERY, Some(mitm.last(QUERY)), false, usize::MAX);
    let result =
        workflows.pay_and_wait(TradePayRequest::new(&reused, money("8888.00"), "B", buyer::PAYS_AT_ONCE)).await;
    // Nothing it heard could be believed, so it stops rather than act blindly.
    assert!(matches!(result, Err(Error::Config(ConfigError::Unverifiable { .. }))), "{result:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_precreate_answer_renamed_as_a_pay_answer_is_not_a_payment() {
    let (_sandbox, mitm, client, workflows, _) = setup(Protocol::V2);
    let qr_order = order("QR");
    client.trade_precreate(&TradePrecreateRequest::new(&qr_order, money("66.00"), "QR")).await.expect("precreate");
    let renamed =
        renamed(&mitm.last("alipay.trade.precreate"), "alipay_trade_precreate_response", "alipay_trade_pay_response");
    mitm.plan(PAY, Some(renamed.clone()), false, 1);
    let err = client
        .trade_pay(&TradePayRequest::new(&qr_order, money("66.00"), "QR", buyer::NEVER_CONFIRMS))
        .await
        .expect_err("a precreate answer");
    assert!(is_not_bound(&err), "{err}");
    assert!(err.to_string().contains("qr_code"), "{err}");

    mitm.plan(PAY, Some(renamed), false, 1);
    let outcome = workflows
        .pay_and_wait(TradePayRequest::new(&qr_order, money("66.00"), "QR", buyer::NEVER_CONFIRMS))
        .await
        .expect("outcome");
    assert!(!outcome.is_paid(), "{outcome:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_error_response_never_passes_as_a_success() {
    let (_sandbox, mitm, client, _, _) = setup(Protocol::V2);
    let paid = paid_order(&client, "10.00").await;
    client.trade_query(&TradeQueryRequest::by_out_trade_no(&paid)).await.expect("query");
    // This order's own genuine answer, under the error node's name.
    let renamed = renamed(&mitm.last(QUERY), "alipay_trade_query_response", "error_response");
    mitm.plan(QUERY, Some(renamed), true, 1);
    let err = client.trade_query(&TradeQueryRequest::by_out_trade_no(&paid)).await.expect_err("error_response");
    assert!(is_not_bound(&err), "{err}");
    assert!(err.to_string().contains("error_response"), "{err}");
}

async fn another_trades_refund_is_not_this_refund(protocol: Protocol) {
    let (sandbox, mitm, client, workflows, _) = setup(protocol);
    let other = paid_order(&client, "5.00").await;
    client.trade_refund(&TradeRefundRequest::by_out_trade_no(&other, money("1.00"), "R-OTHER")).await.expect("refund");
    let replay = mitm.last(REFUND);
    let victim = paid_order(&client, "5.00").await;
    let refund = TradeRefundRequest::by_out_trade_no(&victim, money("1.00"), "R-1");

    // Every refund request is swallowed and answered with the other trade's fund_change=Y.
    mitm.plan(REFUND, Some(replay), false, usize::MAX);
    let outcome = workflows.refund_until_known(refund.clone()).await.expect("outcome");
    assert!(!outcome.is_refunded(), "no refund was made: {outcome:?}");
    assert!(sandbox.trade(&victim).expect("trade").refunds.is_empty());

    // Once the proxy is gone, the same refund goes through — once.
    mitm.clear();
    let outcome = workflows.refund_until_known(refund).await.expect("outcome");
    assert!(outcome.is_refunded(), "{outcome:?}");
    assert_eq!(sandbox.trade(&victim).expect("trade").refunds.len(), 1);
}

over_v2_and_v3!(another_trades_refund_is_not_this_refund);

async fn another_orders_cancel_does_not_cancel_this_trade(protocol: Protocol) {
    let (sandbox, mitm, client, workflows, journal) = setup(protocol);
    let other = order("OTHER");
    client
        .trade_pay(&TradePayRequest::new(&other, money("3.00"), "Other", buyer::NEVER_CONFIRMS))
        .await
        .expect("waiting");
    client.trade_cancel(&TradeCancelRequest::by_out_trade_no(&other)).await.expect("cancel");
    mitm.plan(CANCEL, Some(mitm.last(CANCEL)), false, usize::MAX);

    let (victim, outcome) = buyer_who_never_confirms(&workflows, "3.00").await;
    assert!(matches!(outcome.status, PaymentStatus::Unknown { .. }), "never 'cancelled': {outcome:?}");
    assert_eq!(sandbox.trade(&victim).expect("trade").status, TradeStatus::WaitBuyerPay, "it is still payable");
    let entry = journal.entry(&JournalEntry::trade_key(&victim)).await.expect("journal").expect("entry");
    assert_eq!(entry.state, EntryState::Unresolved, "recover() will try again");
}

over_v2_and_v3!(another_orders_cancel_does_not_cancel_this_trade);
