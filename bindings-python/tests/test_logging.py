"""The core's events in Python's standard `logging`, under the logger `alipay_core`: the same scenarios
as the core's own observability tests — a buyer who confirms, one who never does, a forged answer —
seen through `caplog`, with their names and fields, and not one secret of the test in any record."""

import json
import logging
import subprocess
import sys

import pytest

import alipay_core
import sandbox
from alipay_core import PollPolicy
from conftest import client_of

FAST = PollPolicy(query_interval=0.05, cancel_interval=0.05)
TOKEN = "202612BBa1b2c3d4e5f6python-app-auth-token"


@pytest.fixture
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG, logger="alipay_core")
    return caplog


def workflows(gateway):
    client = client_of(gateway).with_options(app_auth_token=TOKEN)
    return alipay_core.Workflows(client, ":memory:", barcode_policy=FAST)


def fields(record):
    """A record's `alipay` fields; none on another library's record."""
    return getattr(record, "alipay", {})


def records_of(caplog, out_trade_no):
    """The records of one order: its calls (by `out_trade_no`) and its workflow steps (by `key`)."""
    return [
        r
        for r in caplog.records
        if r.name.startswith("alipay_core")
        and (fields(r).get("out_trade_no") == out_trade_no or fields(r).get("key") == f"trade:{out_trade_no}")
    ]


def named(records, event):
    return [r for r in records if r.alipay_event == event]


def assert_no_secret(caplog, gateway, auth_code):
    text = "\n".join(f"{r.getMessage()} {json.dumps(r.alipay, ensure_ascii=False)}" for r in caplog.records)
    for line in gateway["app_private_key"].splitlines():
        if not line.startswith("-----") and len(line) > 16:
            assert line not in text, "a line of the private key is in the log"
    assert auth_code not in text, "the auth_code is in the log"
    assert TOKEN not in text, "the app_auth_token is in the log"
    assert "biz_content" not in text, "a request body is in the log"


def test_a_buyer_who_confirms_is_logged_call_by_call_and_step_by_step(fast_gateway, order, debug_logs):
    no = order("LOGC")
    outcome = workflows(fast_gateway).pay_and_wait(
        out_trade_no=no, total_amount="8.80", subject="s", auth_code=sandbox.CONFIRMS_AFTER_10S
    )
    assert outcome.is_paid
    records = records_of(debug_logs, no)
    pay = next(r for r in named(records, "answered") if r.alipay["method"] == "alipay.trade.pay")
    assert (pay.name, pay.levelno) == ("alipay_core.call", logging.DEBUG)
    assert pay.alipay["verdict"] == "verified" and pay.alipay["code"] == "10003"
    assert pay.alipay["auth_code"] == "28…(18 digits)"
    assert len(pay.alipay["trace_id"]) == 32, "Alipay's trace id, to quote to its support"
    # The workflow's span's fields, then the call's, then the event's.
    assert pay.getMessage().startswith(f"answered key=trade:{no} workflow=pay recovering=false method=alipay.trade.pay")
    assert pay.alipay["key"] == f"trade:{no}"
    assert any(r.alipay["method"] == "alipay.trade.query" for r in named(records, "answered"))
    steps = [r.alipay_event for r in records if r.name == "alipay_core.workflow"]
    assert steps[0] == "submitted" and "waiting_for_buyer" in steps and "querying" in steps and steps[-1] == "done"
    waiting = named(records, "waiting_for_buyer")[0]
    assert (waiting.levelno, waiting.alipay["query"], waiting.alipay["of"]) == (logging.INFO, "1", "5")
    done = named(records, "done")[-1]
    assert (done.alipay["status"], done.alipay["known"]) == ("paid", "true")
    assert_no_secret(debug_logs, fast_gateway, sandbox.CONFIRMS_AFTER_10S)


def test_a_buyer_who_never_confirms_is_logged_to_the_cancel(fast_gateway, order, debug_logs):
    no = order("LOGN")
    outcome = workflows(fast_gateway).pay_and_wait(
        out_trade_no=no, total_amount="5.00", subject="s", auth_code=sandbox.NEVER_CONFIRMS
    )
    assert not outcome.is_paid
    records = records_of(debug_logs, no)
    assert named(records, "cancelling")[0].alipay["cause"] == "buyer_timeout"
    cancel = [r for r in named(records, "answered") if r.alipay["method"] == "alipay.trade.cancel"]
    assert cancel and cancel[0].alipay["verdict"] == "verified"
    done = named(records, "done")[-1]
    assert (done.alipay["status"], done.alipay["reason"], done.alipay["known"]) == ("not_paid", "cancelled", "true")
    assert_no_secret(debug_logs, fast_gateway, sandbox.NEVER_CONFIRMS)


def test_a_forged_answer_is_a_warning_with_its_verdict(fast_gateway, order, debug_logs):
    no = order("LOGF")
    sandbox.control(fast_gateway, "/sandbox/faults", {"fault": "forged_signature", "method": "alipay.trade.pay"})
    workflows(fast_gateway).pay_and_wait(out_trade_no=no, total_amount="5.00", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    failed = [r for r in named(records_of(debug_logs, no), "failed") if r.alipay["method"] == "alipay.trade.pay"]
    assert failed, "the forged answer is logged"
    assert (failed[0].levelno, failed[0].alipay["verdict"]) == (logging.WARNING, "forged")
    assert_no_secret(debug_logs, fast_gateway, sandbox.PAYS_AT_ONCE)


def test_a_refusal_is_a_warning_with_codes_and_trace_id_but_no_sub_msg(gateway, caplog):
    caplog.set_level(logging.WARNING, logger="alipay_core")
    with pytest.raises(alipay_core.GatewayError) as refusal:
        client_of(gateway).trade_query(out_trade_no="LOG-NO-SUCH-TRADE")
    record = next(r for r in caplog.records if fields(r).get("out_trade_no") == "LOG-NO-SUCH-TRADE")
    assert (record.name, record.levelno, record.alipay_event) == ("alipay_core.call", logging.WARNING, "refused")
    assert record.alipay["sub_code"] == "ACQ.TRADE_NOT_EXIST"
    assert record.alipay["trace_id"] == refusal.value.trace_id
    assert refusal.value.sub_msg not in record.getMessage()


def test_nothing_below_the_configured_level_reaches_logging(gateway, order, caplog):
    no = order("LOGI")
    caplog.set_level(logging.INFO, logger="alipay_core")
    client_of(gateway).trade_pay(out_trade_no=no, total_amount="1.00", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    assert not [r for r in caplog.records if fields(r).get("out_trade_no") == no], "`answered` is a debug record"
    caplog.set_level(logging.DEBUG, logger="alipay_core")
    client_of(gateway).trade_query(out_trade_no=no)
    assert [r.alipay_event for r in caplog.records if fields(r).get("out_trade_no") == no] == ["answered"]


def test_basic_config_at_debug_is_enough_to_see_them(gateway):
    script = (
        "import logging, sys, alipay_core\n"
        "logging.basicConfig(level=logging.DEBUG, format='%(levelname)s %(name)s %(message)s')\n"
        "gw = dict(zip(['app_id', 'key', 'alipay_key', 'url'], sys.argv[1:]))\n"
        "client = alipay_core.Client(gw['app_id'], gw['key'], gw['alipay_key'], gateway=gw['url'])\n"
        "try:\n"
        "    client.trade_query(out_trade_no='LOG-BASIC')\n"
        "except alipay_core.GatewayError:\n"
        "    pass\n"
    )
    args = [gateway["app_id"], gateway["app_private_key"], gateway["alipay_public_key"], gateway["gateway"]]
    run = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "WARNING alipay_core.call refused method=alipay.trade.query" in run.stderr, run.stderr
    assert "out_trade_no=LOG-BASIC" in run.stderr
