"""Speed of the Python binding, measured in one run (a benchmark, not a test: nothing is asserted).

    python bindings-python/bench/bench.py [--signs N] [--verifies N] [--queries N]

1. Requests signed per second, against `python-alipay-sdk` in the same process with the same key:
   a whole app-pay order string (`Client.trade_app_pay` vs `AliPay.client_api`: parameters built,
   signed, URL-encoded), on one thread and on two; and the bare signature of one request's parameters
   (`alipay_core.sign_params`, which parses the key on every call, vs `AliPay._sign`).
2. Verifications per second, on one thread and on two (pure CPU work, done with the GIL released):
   a signed gateway answer (`verify_response`), a notification (`verify_notify`), and a notification
   through a client (`Client.verify_notification`).
3. Trade queries per second against the offline sandbox (`alipay sandbox --port 0`, `$ALIPAY_BIN`):
   the blocking `Client` one after another, and `AsyncClient` with 16 in flight. Each query is signed,
   sent over loopback HTTP, and its answer verified and parsed.
"""

import argparse
import asyncio
import concurrent.futures
import json
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import sandbox  # noqa: E402
from alipay import AliPay  # noqa: E402
from conftest import load_vector  # noqa: E402

import alipay_core  # noqa: E402


def request_params(app_id: str) -> dict:
    biz = {"out_trade_no": "20261122000000000001", "scene": "bar_code", "auth_code": "280000000000000001",
           "subject": "咖啡 Latte 大杯", "total_amount": "88.88", "store_id": "NJ_001", "timeout_express": "2m"}
    return {
        "app_id": app_id, "method": "alipay.trade.pay", "format": "JSON", "charset": "utf-8", "sign_type": "RSA2",
        "timestamp": "2026-11-22 10:00:00", "version": "1.0", "notify_url": "https://shop.example/alipay/notify",
        "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
    }


def per_second(n: int, fn, threads: int = 1) -> float:
    """Calls `fn` `n` times spread over `threads` threads; calls per second of wall time."""
    def run(count: int) -> None:
        for _ in range(count):
            fn()

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, [n // threads] * threads))
    return (n // threads * threads) / (time.perf_counter() - start)


def bench_signing(n: int) -> dict:
    key = load_vector("derived_sign_node_util_params.json")["private_key_pem"]
    public = load_vector("derived_v2_response_verify.json")["alipay_public_key_pem"]
    app_id = "2021000000000000"
    params = request_params(app_id)
    theirs = AliPay(appid=app_id, app_private_key_string=key, alipay_public_key_string=public)
    ours = alipay_core.Client(app_id, key, public)
    text = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    assert alipay_core.sign_params(params, key) == theirs._sign(text), "the two must sign identically"
    biz = {"out_trade_no": "20261122000000000001", "total_amount": "88.88", "subject": "咖啡 Latte 大杯"}
    figures = {}
    for threads in (1, 2):
        mine = per_second(n, lambda: ours.trade_app_pay(**biz, notify_url="https://shop.example/notify"), threads)
        python = per_second(n, lambda: theirs.client_api("alipay.trade.app.pay", dict(biz), notify_url="https://shop.example/notify"), threads)
        figures[f"order_string_{threads}_thread"] = {"alipay_core_per_s": round(mine), "python_alipay_sdk_per_s": round(python), "speedup": round(mine / python, 2)}
    mine = per_second(n, lambda: alipay_core.sign_params(params, key))
    python = per_second(n, lambda: theirs._sign("&".join(f"{k}={v}" for k, v in sorted(params.items()))))
    figures["bare_signature_1_thread"] = {"alipay_core_per_s": round(mine), "python_alipay_sdk_per_s": round(python), "speedup": round(mine / python, 2)}
    return figures


def bench_verifying(n: int) -> dict:
    answers = load_vector("derived_v2_response_verify.json")
    good = next(c for c in answers["cases"] if c["expected_verify"])
    notify = load_vector("derived_notify_v1.json")
    public, body = notify["alipay_public_key_pem"], notify["form_urlencoded_body"].encode()
    key = load_vector("derived_sign_node_util_params.json")["private_key_pem"]
    client = alipay_core.Client("2021000000000000", key, public)
    calls = {
        "verify_response": lambda: alipay_core.verify_response(good["raw"].encode(), good["method"], answers["alipay_public_key_pem"]),
        "verify_notify": lambda: alipay_core.verify_notify(body, public),
        "client_verify_notification": lambda: client.verify_notification(body),
    }
    figures = {}
    for name, call in calls.items():
        one, two = per_second(n, call, 1), per_second(n, call, 2)
        figures[name] = {"1_thread_per_s": round(one), "2_threads_per_s": round(two), "scaling": round(two / one, 2)}
    return figures


def bench_queries(n: int) -> dict:
    gen = sandbox.start()
    gw = next(gen)
    try:
        client = alipay_core.Client(gw["app_id"], gw["app_private_key"], gw["alipay_public_key"], gateway=gw["gateway"])
        client.trade_pay(out_trade_no="BENCH-1", total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
        sync = per_second(n, lambda: client.trade_query(out_trade_no="BENCH-1"))

        async def concurrent() -> float:
            aclient = alipay_core.AsyncClient(gw["app_id"], gw["app_private_key"], gw["alipay_public_key"], gateway=gw["gateway"])
            gate = asyncio.Semaphore(16)

            async def one() -> None:
                async with gate:
                    await aclient.trade_query(out_trade_no="BENCH-1")

            start = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(n)))
            return n / (time.perf_counter() - start)

        return {"sync_queries_per_s": round(sync), "async_16_in_flight_queries_per_s": round(asyncio.run(concurrent()))}
    finally:
        gen.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signs", type=int, default=2000)
    parser.add_argument("--verifies", type=int, default=4000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    figures = {"signing": bench_signing(args.signs), "verifying": bench_verifying(args.verifies), "queries": bench_queries(args.queries)}
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
