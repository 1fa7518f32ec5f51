//! What the core's tracing costs on a signed round trip: one `alipay.trade.query` after another against
//! the in-process sandbox (the client signs the request and verifies the answer; the sandbox verifies
//! and signs), with nobody listening, with a `tracing` subscriber at info, and with the bindings' log
//! sink forwarding every event. Not a test: it measures.
//!
//! `cargo bench -p alipay-sandbox --bench round_trip`. Against a build with tracing compiled out, save
//! a baseline and compare (criterion prints the change and whether it is significant):
//!
//! ```sh
//! cargo bench -p alipay-sandbox --bench round_trip --features tracing/max_level_off -- --save-baseline off unheard
//! cargo bench -p alipay-sandbox --bench round_trip -- --baseline off unheard
//! ```
//!
//! On a machine whose clock is too noisy for a 2% difference (a VM), count instructions instead:
//! with `ALIPAY_ROUND_TRIPS=N` the bench makes N round trips from its main thread and exits, the
//! sandbox on another thread, to be run under `valgrind --tool=callgrind --separate-threads=yes`;
//! the main thread's counts for two N, subtracted, are the client's cost of the difference in round
//! trips, start-up left out. `scripts/bench-tracing-cost` does it for each build and listener.

use std::sync::Arc;

use alipay_core::observe::{LogLevel, LogRecord, LogSink, set_log_sink};
use alipay_core::trade::{TradePayRequest, TradeQueryRequest};
use alipay_sandbox::{Sandbox, SandboxConfig, buyer};
use criterion::{Criterion, criterion_group};

/// Takes every record and drops it: what a binding's sink costs the core, without the language's own.
struct Discard;

impl LogSink for Discard {
    fn log(&self, record: LogRecord) {
        std::hint::black_box(record);
    }
}

/// A sandbox with one paid trade, and a client to query it; both sides on `runtime`'s one thread, so
/// that the client's cost is not hidden behind the sandbox's.
fn setup(runtime: &tokio::runtime::Runtime) -> (Sandbox, alipay_core::Client, TradeQueryRequest) {
    let _entered = runtime.enter();
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let client = sandbox.client().expect("client");
    let paid = TradePayRequest::new("BENCH-ROUND-TRIP", "1.00".parse().expect("amount"), "s", buyer::PAYS_AT_ONCE);
    runtime.block_on(client.trade_pay(&paid)).expect("pay");
    (sandbox, client, TradeQueryRequest::by_out_trade_no("BENCH-ROUND-TRIP"))
}

/// A subscriber at info that formats every span and event, into nothing.
fn fmt_subscriber() -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).with_ansi(false).with_writer(std::io::sink).finish()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn round_trip(c: &mut Criterion) {
    let runtime = runtime();
    let (_sandbox, client, query) = setup(&runtime);
    let call = || runtime.block_on(client.trade_query(&query)).expect("query");

    let mut group = c.benchmark_group("signed_round_trip");
    group.bench_function("unheard", |b| b.iter(call));
    tracing::subscriber::with_default(fmt_subscriber(), || {
        group.bench_function("fmt_subscriber_info", |b| b.iter(call))
    });
    // Last: the sink is process-wide.
    set_log_sink(Some(Arc::new(Discard)), LogLevel::Debug).expect("sink");
    group.bench_function("log_sink_debug", |b| b.iter(call));
    group.finish();
}

criterion_group!(benches, round_trip);

fn main() {
    if let Some(n) = std::env::var("ALIPAY_ROUND_TRIPS").ok().and_then(|n| n.parse::<usize>().ok()) {
        count_me(n);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// `n` round trips from this thread, the sandbox on a thread of its own (so that a per-thread count
/// of this one is the client's alone), heard by whoever `ALIPAY_ROUND_TRIPS_HEARD_BY` names:
/// nobody, a fmt subscriber at info (`fmt`) or the bindings' sink (`sink`).
fn count_me(n: usize) {
    match std::env::var("ALIPAY_ROUND_TRIPS_HEARD_BY").as_deref() {
        Ok("fmt") => tracing::subscriber::set_global_default(fmt_subscriber()).expect("the only subscriber"),
        Ok("sink") => set_log_sink(Some(Arc::new(Discard)), LogLevel::Debug).expect("sink"),
        _ => {}
    }
    let (started, sandbox) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = runtime();
        let _entered = runtime.enter();
        started.send(Sandbox::start(SandboxConfig::default()).expect("sandbox")).expect("send");
        runtime.block_on(std::future::pending::<()>());
    });
    let sandbox = sandbox.recv().expect("the sandbox started");
    let runtime = runtime();
    let client = sandbox.client().expect("client");
    let paid = TradePayRequest::new("BENCH-ROUND-TRIP", "1.00".parse().expect("amount"), "s", buyer::PAYS_AT_ONCE);
    runtime.block_on(client.trade_pay(&paid)).expect("pay");
    let query = TradeQueryRequest::by_out_trade_no("BENCH-ROUND-TRIP");
    for _ in 0..n {
        runtime.block_on(client.trade_query(&query)).expect("query");
    }
}
