"""The workflows from Python against the sandbox (virtual time 100× faster): barcode pay polled to the
truth, the buyer who never confirms, cancellation from a handle and from asyncio, QR pay, refunds until
known, progress events, notifications verified and de-duplicated, and recovery from the journal."""

import asyncio
import json
import subprocess
import sys
import threading
import urllib.parse
from decimal import Decimal

import pytest

import alipay_core
import sandbox
from alipay_core import PollPolicy, RefundPolicy
from conftest import client_of

FAST = PollPolicy(query_interval=0.05, cancel_interval=0.05)


def workflows_for(gateway, cls=alipay_core.Workflows, journal=":memory:", **kwargs):
    client_cls = alipay_core.AsyncClient if cls is alipay_core.AsyncWorkflows else alipay_core.Client
    kwargs.setdefault("barcode_policy", FAST)
    kwargs.setdefault("qr_policy", FAST)
    kwargs.setdefault("refund_policy", RefundPolicy(interval=0.05))
    return cls(client_of(gateway, client_cls), journal, **kwargs)


def test_a_buyer_who_confirms_is_polled_until_paid_with_progress_events(fast_gateway, order):
    events = []
    workflows = workflows_for(fast_gateway, on_event=events.append)
    outcome = workflows.pay_and_wait(out_trade_no=order("CONF"), total_amount=Decimal("10"), subject="茶", auth_code=sandbox.CONFIRMS_AFTER_10S)
    assert outcome.is_paid and outcome.evidence == "query"
    assert isinstance(outcome.response, alipay_core.TradeQueryResponse)
    assert outcome.response.total_amount == Decimal("10.00")
    kinds = [e.kind for e in events]
    assert kinds[0] == "submitted" and "waiting_for_buyer" in kinds and kinds[-1] == "done"
    waiting = next(e for e in events if e.kind == "waiting_for_buyer")
    assert (waiting.query, waiting.of) == (1, 5)
    assert events[-1].outcome == outcome


def test_a_buyer_who_never_confirms_has_the_trade_cancelled(fast_gateway, order):
    outcome = workflows_for(fast_gateway).pay_and_wait(
        out_trade_no=order("NEVER"), total_amount="10", subject="s", auth_code=sandbox.NEVER_CONFIRMS
    )
    assert (outcome.status, outcome.reason, outcome.action, outcome.cause) == ("not_paid", "cancelled", "close", "buyer_timeout")
    assert (outcome.queries, outcome.is_paid) == (5, False)


def test_a_refused_payment_carries_alipays_error(fast_gateway, order):
    outcome = workflows_for(fast_gateway).pay_and_wait(
        out_trade_no=order("POOR"), total_amount="10", subject="s", auth_code=sandbox.INSUFFICIENT_BALANCE
    )
    assert (outcome.status, outcome.reason) == ("not_paid", "failed")
    assert isinstance(outcome.error, alipay_core.GatewayError)
    assert outcome.error.sub_code == "ACQ.BUYER_BALANCE_NOT_ENOUGH"


def test_an_order_number_is_never_sent_twice(fast_gateway, order):
    workflows = workflows_for(fast_gateway)
    no = order("ONCE")
    workflows.pay_and_wait(out_trade_no=no, total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    with pytest.raises(alipay_core.InvalidInput) as reused:
        workflows.pay_and_wait(out_trade_no=no, total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    assert reused.value.field == "out_trade_no"


def test_the_cashier_cancels_from_another_thread_while_the_outcome_is_awaited(fast_gateway, order):
    policy = PollPolicy(query_interval=0.2, max_queries=50, cancel_interval=0.05)
    handle = workflows_for(fast_gateway, barcode_policy=policy).start_pay(
        out_trade_no=order("BTN"), total_amount="3", subject="s", auth_code=sandbox.NEVER_CONFIRMS
    )
    threading.Timer(0.3, handle.cancel).start()
    outcome = handle.outcome()
    assert (outcome.reason, outcome.cause, outcome.action) == ("cancelled", "requested", "close")
    assert outcome.queries < 50
    with pytest.raises(alipay_core.InvalidInput):
        handle.outcome()


def test_cancelling_the_asyncio_task_takes_the_cancel_path(fast_gateway, order):
    events = []
    policy = PollPolicy(query_interval=0.2, max_queries=50, cancel_interval=0.05)
    workflows = workflows_for(fast_gateway, alipay_core.AsyncWorkflows, barcode_policy=policy, on_event=events.append)
    no = order("TASK")

    async def checkout():
        task = asyncio.ensure_future(workflows.pay_and_wait(out_trade_no=no, total_amount="3", subject="s", auth_code=sandbox.NEVER_CONFIRMS))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for _ in range(100):  # the workflow finishes its cancel in the background
            if any(e.kind == "done" for e in events):
                break
            await asyncio.sleep(0.05)

    asyncio.run(checkout())
    done = next(e for e in events if e.kind == "done")
    assert (done.outcome.out_trade_no, done.outcome.reason, done.outcome.cause) == (no, "cancelled", "requested")
    assert any(e.kind == "cancelling" and e.cause == "requested" for e in events)
    trades = {t["out_trade_no"]: t for t in sandbox.control(fast_gateway, "/sandbox/trades")}
    assert trades[no]["trade_status"] == "TRADE_CLOSED"


def test_async_barcode_and_qr_payments(fast_gateway, order):
    workflows = workflows_for(fast_gateway, alipay_core.AsyncWorkflows)
    qr_no = order("QR")

    async def run():
        paid = await workflows.pay_and_wait(out_trade_no=order("APAY"), total_amount="2", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
        handle = await workflows.precreate_and_wait(out_trade_no=qr_no, total_amount="2", subject="s")
        assert handle.qr_code and handle.qr_code.startswith("https://qr.alipay.com/")
        sandbox.control(fast_gateway, "/sandbox/qr/scan", {"out_trade_no": qr_no})
        return paid, await handle.outcome()

    paid, scanned = asyncio.run(run())
    assert paid.is_paid and paid.evidence == "pay" and isinstance(paid.response, alipay_core.TradePayResponse)
    assert scanned.is_paid and scanned.out_trade_no == qr_no


def test_refunds_until_known_sync_and_async_resume_safely(fast_gateway, order):
    sync = workflows_for(fast_gateway)
    no = order("REF")
    sync.pay_and_wait(out_trade_no=no, total_amount="10", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    first = sync.refund_until_known(out_trade_no=no, refund_amount="4", out_request_no="R1")
    assert first.is_refunded and first.evidence == "refund"
    assert first.response.refund_fee == Decimal("4.00")
    again = sync.refund_until_known(out_trade_no=no, refund_amount="4", out_request_no="R1")
    assert again.is_refunded, "the same refund again resumes; no money moves twice"
    with pytest.raises(alipay_core.InvalidInput) as different:
        sync.refund_until_known(out_trade_no=no, refund_amount="5", out_request_no="R1")
    assert different.value.field == "out_request_no"

    generated = asyncio.run(workflows_for(fast_gateway, alipay_core.AsyncWorkflows).refund_until_known(out_trade_no=no, refund_amount="1"))
    assert generated.is_refunded and generated.out_request_no.startswith("R")
    rejected = sync.refund_until_known(out_trade_no=no, refund_amount="100", out_request_no="R-TOO-MUCH")
    assert rejected.status == "rejected" and isinstance(rejected.error, alipay_core.GatewayError)


def test_notifications_are_verified_and_deduplicated_from_a_body_or_a_form(fast_gateway, order, tmp_path):
    journal = tmp_path / "journal.sqlite3"
    workflows = workflows_for(fast_gateway, journal=journal)
    client = client_of(fast_gateway).with_options(notify_url="http://127.0.0.1:9/notify")
    no = order("NOTE")
    client.trade_pay(out_trade_no=no, total_amount="6.60", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    delivery = next(d for d in sandbox.control(fast_gateway, "/sandbox/notifications") if d["out_trade_no"] == no)
    form = delivery["params"]
    body = urllib.parse.urlencode(form).encode()

    first = workflows.receive_notification(body)
    assert first.first_delivery and first.fields["out_trade_no"] == no and first.fields["total_amount"] == "6.60"
    workflows.mark_notification_handled(first)
    again = workflows_for(fast_gateway, journal=journal).receive_notification(form)
    assert not again.first_delivery, "a redelivery is recognised, even by another Workflows on the same journal"
    assert again.delivery == "handled"
    assert client.verify_notification(form)["notify_id"] == first.notify_id

    forged = dict(form, total_amount="0.01")
    with pytest.raises(alipay_core.SignatureError):
        workflows.receive_notification(forged)
    with pytest.raises(alipay_core.SignatureError):
        asyncio.run(alipay_core.AsyncClient(fast_gateway["app_id"], fast_gateway["app_private_key"], fast_gateway["alipay_public_key"]).verify_notification(forged))


def test_a_postgresql_journal_is_opened_by_url_and_shared_by_every_instance(fast_gateway, order, postgres_journal):
    here, there = workflows_for(fast_gateway, journal=postgres_journal), workflows_for(fast_gateway, journal=postgres_journal)
    no = order("PG")
    paid = here.pay_and_wait(out_trade_no=no, total_amount="6.60", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    assert paid.is_paid
    with pytest.raises(alipay_core.InvalidInput, match="already used"):
        there.pay_and_wait(out_trade_no=no, total_amount="6.60", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    refund = there.refund_until_known(out_trade_no=no, refund_amount="1.00", out_request_no="R1")
    assert refund.status == "refunded"

    # Alipay's notification lands on both instances at once: exactly one handles it.
    client = client_of(fast_gateway).with_options(notify_url="http://127.0.0.1:9/notify")
    noted = order("PGN")
    client.trade_pay(out_trade_no=noted, total_amount="2.00", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    form = next(d for d in sandbox.control(fast_gateway, "/sandbox/notifications") if d["out_trade_no"] == noted)["params"]
    first, second = here.receive_notification(form), there.receive_notification(form)
    assert (first.delivery, second.delivery) == ("first", "in_progress")
    assert (first.first_delivery, second.first_delivery) == (True, False)
    here.mark_notification_handled(first)
    assert there.receive_notification(form).delivery == "handled"


CRASHING_CHILD = """
import json, sys, time
import alipay_core
gw, journal, no, token = json.loads(sys.argv[1])
client = alipay_core.Client(gw["app_id"], gw["app_private_key"], gw["alipay_public_key"], gateway=gw["gateway"])
if token:
    client = client.with_options(app_auth_token=token)
policy = alipay_core.PollPolicy(query_interval=5, max_queries=5, cancel_interval=0.05)
def on_event(event):
    if event.kind == "waiting_for_buyer":  # the payment reached Alipay; the buyer is deciding
        print("READY", flush=True)
workflows = alipay_core.Workflows(client, journal, barcode_policy=policy, on_event=on_event)
workflows.start_pay(out_trade_no=no, total_amount="8", subject="s", auth_code=sys.argv[2]).detach()
time.sleep(120)
"""


def crash_while_paying(gw, journal, no, token=None):
    """Starts a payment in another process, whose buyer never confirms, and SIGKILLs that process
    while the payment waits for the buyer: what a crash leaves in the journal."""
    args = json.dumps([gw, str(journal), no, token])
    child = subprocess.Popen([sys.executable, "-c", CRASHING_CHILD, args, sandbox.NEVER_CONFIRMS], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "READY"
    finally:
        child.kill()
        child.wait()


def test_recover_finishes_what_a_crash_left_behind(fast_gateway, order, tmp_path):
    journal = tmp_path / "crash.sqlite3"
    no = order("CRASH")
    crash_while_paying(fast_gateway, journal, no)

    recovered = workflows_for(fast_gateway, journal=journal).recover()
    mine = [r for r in recovered if r.key == f"trade:{no}"]
    assert len(mine) == 1 and mine[0].error is None
    assert mine[0].outcome.status == "not_paid" and mine[0].outcome.cause == "recovered"


def test_recovery_leaves_a_payment_running_in_a_live_process_alone(fast_gateway, order, tmp_path):
    journal = tmp_path / "live.sqlite3"
    policy = PollPolicy(query_interval=5, max_queries=5, cancel_interval=0.05)
    running = workflows_for(fast_gateway, journal=journal, barcode_policy=policy)
    no = order("LIVE")
    handle = running.start_pay(out_trade_no=no, total_amount="8", subject="s", auth_code=sandbox.NEVER_CONFIRMS)
    other = workflows_for(fast_gateway, journal=journal)
    assert [r for r in other.recover() if r.key == f"trade:{no}"] == []
    assert handle.outcome().status == "not_paid", "its own process finished it"


def test_recovery_for_an_isv_takes_the_merchants_token_from_the_app(fast_gateway, order, tmp_path):
    journal = tmp_path / "isv.sqlite3"
    token = "202611BBsecret-merchant-token"
    no = order("ISV")
    crash_while_paying(fast_gateway, journal, no, token=token)
    assert token.encode() not in journal.read_bytes(), "the journal keeps only the token's fingerprint"

    later = workflows_for(fast_gateway, journal=journal)
    mine = [r for r in later.recover() if r.key == f"trade:{no}"]
    assert len(mine) == 1 and isinstance(mine[0].error, alipay_core.ConfigError), mine
    mine = [r for r in later.recover(app_auth_tokens=["202611BBanother", token]) if r.key == f"trade:{no}"]
    assert len(mine) == 1 and mine[0].error is None, mine
    assert mine[0].outcome.status == "not_paid" and mine[0].outcome.cause == "recovered"


def test_a_callback_that_raises_does_not_disturb_the_workflow(fast_gateway, order, monkeypatch):
    def broken(event):
        raise RuntimeError("the screen is gone")

    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    outcome = workflows_for(fast_gateway, on_event=broken).pay_and_wait(
        out_trade_no=order("CB"), total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE
    )
    assert outcome.is_paid
    assert reported and all(isinstance(r.exc_value, RuntimeError) for r in reported)


def test_a_journal_that_cannot_be_opened_is_a_journal_error(fast_gateway, tmp_path):
    with pytest.raises(alipay_core.JournalError):
        workflows_for(fast_gateway, journal=tmp_path / "missing-dir" / "journal.sqlite3")
