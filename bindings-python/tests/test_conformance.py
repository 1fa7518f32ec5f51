"""The shared conformance cases (`tests/conformance/`), replayed through the Python binding: the same
inputs must give the same signatures, verdicts and verified text as the Rust core gives them."""

import base64
import json
import pathlib
from decimal import Decimal
from typing import Any, Callable, Dict

import pytest

import alipay_core
import sandbox
from conftest import client_of

CASES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "conformance"


def load(name: str) -> Dict[str, Any]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def verdict(call: Callable[[], Any]) -> Any:
    """("verified", result) or (the error's kind, None)."""
    try:
        return "verified", call()
    except alipay_core.AlipayError as e:
        return e.kind, None


SIGNING, RESPONSES, NOTIFICATIONS = load("signing.json"), load("responses.json"), load("notifications.json")


@pytest.mark.parametrize("case", SIGNING["cases"], ids=lambda c: c["name"])
def test_signing(case):
    assert alipay_core.build_sign_content(case["params"]) == case["sign_content"]
    signed = alipay_core.sign_params(case["params"], SIGNING["private_key_pem"], case["sign_type"], case["charset"])
    assert signed == case["sign"]


@pytest.mark.parametrize("case", RESPONSES["cases"], ids=lambda c: c["name"])
def test_answer_verification(case):
    body = base64.b64decode(case["body_base64"])
    key = RESPONSES["alipay_public_key_pem"]
    outcome, node = verdict(lambda: alipay_core.verify_response(body, case["method"], key, "RSA2", case["charset"]))
    assert outcome == case["expect"]
    if node is not None:
        assert (node.raw, node.signed) == (case["raw"], case["signed"])


@pytest.mark.parametrize("case", NOTIFICATIONS["cases"], ids=lambda c: c["name"])
def test_notification_verification(case):
    key = NOTIFICATIONS["alipay_public_key_pem"]
    body = base64.b64decode(case["body_base64"])
    outcome, fields = verdict(lambda: alipay_core.verify_notify(body, key, case["rule"], "RSA2"))
    assert outcome == case["expect"]
    if fields is not None:
        assert fields == case["covered"]
    if "form" in case:
        outcome, _ = verdict(lambda: alipay_core.verify_notify(case["form"], key, case["rule"], "RSA2"))
        assert outcome == case["expect"], "from the decoded form"


WORKFLOWS = load("workflows.json")


def observed(outcome: alipay_core.PaymentOutcome, expect: Dict[str, Any]) -> Dict[str, Any]:
    """The outcome's fields the scenario names (amounts as text), `error_sub_code` from `error`."""
    fields = outcome.to_dict()
    out: Dict[str, Any] = {}
    for key in expect:
        value = getattr(outcome.error, "sub_code", None) if key == "error_sub_code" else fields[key]
        out[key] = str(value) if isinstance(value, Decimal) else value
    return out


@pytest.mark.parametrize("scenario", WORKFLOWS["scenarios"], ids=lambda s: s["name"])
def test_workflow_scenario(gateway, order, scenario):
    client = client_of(gateway)
    workflows = alipay_core.Workflows(client, ":memory:", barcode_policy=alipay_core.PollPolicy(**WORKFLOWS["policy"]))
    fault = scenario["fault"]
    if fault is not None:
        sandbox.control(gateway, "/sandbox/faults", {"fault": fault["fault"], "method": fault["method"]})
    code = getattr(sandbox, scenario["buyer"].upper())
    outcome = workflows.pay_and_wait(out_trade_no=order("CF"), total_amount=WORKFLOWS["total_amount"], subject="conformance", auth_code=code)
    assert observed(outcome, scenario["expect"]) == scenario["expect"], outcome
