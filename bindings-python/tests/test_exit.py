"""The interpreter exits cleanly after asyncio use: 50 fresh interpreters each run the async example —
AsyncClient queries in flight together, blocking calls between them, a workflow left running with an
event callback — and every one must exit with code 0 (no SIGSEGV, SIGABRT or SIGBUS while it finalizes)."""

import json
import subprocess
import sys

RUNS = 50
AT_A_TIME = 5

SCRIPT = r"""
import asyncio, json, sys, uuid
import alipay_core

gw = json.loads(sys.argv[1])
keys = (gw["app_id"], gw["app_private_key"], gw["alipay_public_key"])
blocking = alipay_core.Client(*keys, gateway=gw["gateway"])
client = alipay_core.AsyncClient(*keys, gateway=gw["gateway"])
workflows = alipay_core.AsyncWorkflows(client, ":memory:", on_event=lambda event: None)

def no():
    return "EXIT-" + uuid.uuid4().hex[:16]

async def query(out_trade_no):
    try:
        return (await client.trade_query(out_trade_no=out_trade_no)).trade_status
    except alipay_core.GatewayError:
        return None

async def main():
    paid = no()
    blocking.trade_pay(out_trade_no=paid, total_amount="1", subject="s", auth_code="280000000000000001")
    statuses = await asyncio.gather(*(query(paid if i % 2 else no()) for i in range(8)))
    assert statuses.count("TRADE_SUCCESS") == 4, statuses
    assert blocking.trade_query(out_trade_no=paid).trade_status == "TRADE_SUCCESS"
    handle = await workflows.precreate_and_wait(out_trade_no=no(), total_amount="1", subject="s")
    handle.detach()  # still polling, and calling on_event, while the interpreter exits
    # The last awaits complete just before the interpreter exits: the race the exit must not lose.
    await asyncio.gather(*(query(paid) for _ in range(8)))

asyncio.run(main())
"""


def test_fifty_fresh_interpreters_exit_cleanly_after_async_and_blocking_calls(gateway):
    description = json.dumps(gateway)
    failures = []
    for start in range(0, RUNS, AT_A_TIME):
        runs = [
            subprocess.Popen([sys.executable, "-c", SCRIPT, description], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(min(AT_A_TIME, RUNS - start))
        ]
        for run in runs:
            _, err = run.communicate(timeout=120)
            if run.returncode != 0:
                failures.append((run.returncode, err.decode(errors="replace")[-400:]))
    assert failures == [], f"{len(failures)} of {RUNS} interpreters did not exit cleanly: {failures[:3]}"
