"""Bounded input, typed errors, no crash: whatever a caller passes, the binding answers `InvalidInput`
naming the field (or a clear `AlipayError`) — never a segfault, an endless `Decimal`, a
`UnicodeEncodeError`, `TypeError`, `OverflowError` or `PanicException` — and answers keep the exact text
of their numbers."""

import base64
import json
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest

import alipay_core
import sandbox
from alipay_core import InvalidInput, PollPolicy, RefundPolicy
from conftest import client_of, load_vector


def precreate(client, order, **fields):
    return client.trade_precreate(out_trade_no=order("SAFE"), total_amount="1", subject="s", **fields)


# Nesting: a crash here would take pytest down with it, so the deep cases run in a fresh interpreter.
NESTING = textwrap.dedent(
    r"""
    import json, sys, threading
    import alipay_core

    gw = json.loads(sys.argv[1])
    client = alipay_core.Client(gw["app_id"], gw["app_private_key"], gw["alipay_public_key"], gateway=gw["gateway"])

    def nested(depth):
        root = current = []
        for _ in range(depth - 1):
            current.append([])
            current = current[0]
        return root

    def field_of(value):
        try:
            client.trade_precreate(out_trade_no="NEST", total_amount="1", subject="s", extend_params=value)
        except alipay_core.InvalidInput as e:
            return e.field
        return "accepted"

    cyclic = {"a": 1}
    cyclic["self"] = cyclic
    results = {"cyclic": field_of(cyclic), "deep": field_of(nested(30000))}
    threading.stack_size(512 * 1024)
    small_stack = threading.Thread(target=lambda: results.update(small_stack=field_of(nested(900))))
    small_stack.start()
    small_stack.join()
    print(json.dumps(results))
    """
)


def test_fields_nested_too_deep_or_containing_themselves_are_invalid_input(gateway):
    run = subprocess.run([sys.executable, "-c", NESTING, json.dumps(gateway)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"exit code {run.returncode}: {run.stderr[-400:]}"
    results = json.loads(run.stdout)
    assert results["cyclic"] == "extend_params.self"
    assert results["deep"].startswith("extend_params[0][0]") and results["small_stack"].startswith("extend_params[0]")


def test_nesting_up_to_the_core_limit_is_fine_and_one_more_level_is_refused(client, order):
    def nested(levels):
        value = "leaf"
        for _ in range(levels):
            value = [value]
        return value

    # The fields themselves are level 1, so `extend_params` may nest MAX_DEPTH - 1 more levels.
    assert precreate(client, order, nested_probe={"x": nested(30)}).code == "10000"
    with pytest.raises(InvalidInput) as deep:
        precreate(client, order, nested_probe={"x": nested(31)})
    assert deep.value.field.startswith("nested_probe.x[0]") and "32 levels" in str(deep.value)
    shared = ["same"]
    assert precreate(client, order, nested_probe={"a": shared, "b": shared}).code == "10000", "shared is not a cycle"


@pytest.mark.parametrize(
    "amount",
    ["1E+1000000000", "1E+999999999999999999", "1E-999999999999999999", "1" * 41, "NaN", "sNaN", "Infinity", "-Infinity"],
)
def test_a_decimal_is_measured_before_it_is_written_out(client, order, amount):
    with pytest.raises(InvalidInput) as refused:
        precreate(client, order, goods_detail=[{"goods_id": "g", "goods_name": "n", "quantity": 1, "price": Decimal(amount)}])
    assert refused.value.field == "goods_detail[0].price"
    assert len(str(refused.value)) < 300, "the error quotes no billion digits"


def test_decimal_amounts_with_zeros_past_the_second_decimal_are_valid(client, order):
    paid = client.trade_pay(out_trade_no=order("ZEROS"), total_amount=Decimal("0.010"), subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    assert paid.total_amount == Decimal("0.01")
    assert precreate(client, order, goods_detail=[{"goods_id": "g", "goods_name": "n", "quantity": 1, "price": Decimal("1E+2")}]).code == "10000"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"subject": "\ud800"}, "subject"),
        ({"extend_params": {"k": ["ok", "\udcff"]}}, "extend_params.k[1]"),
        ({"extend_params": {"\ud800": "x"}}, "extend_params"),
        ({"extend_params": {1: "x"}}, "extend_params"),
    ],
)
def test_lone_surrogates_and_odd_keys_in_fields_are_invalid_input(client, order, fields, field):
    named = {"out_trade_no": order("SUR"), "total_amount": "1", "subject": "s"}
    with pytest.raises(InvalidInput) as refused:
        client.trade_precreate(**{**named, **fields})
    assert refused.value.field == field


def test_lone_surrogates_in_options_and_method_names_are_invalid_input(client):
    with pytest.raises(InvalidInput) as url:
        client.with_options(notify_url="https://example.com/\ud800")
    assert url.value.field == "notify_url"
    with pytest.raises(InvalidInput) as param:
        client.with_options(params={"x": "\udc80"})
    assert param.value.field == "params.x"
    with pytest.raises(InvalidInput) as method:
        client.execute("alipay.trade.\ud800")
    assert method.value.field == "method"


@pytest.mark.parametrize(
    "notification, field",
    [
        ({"out_trade_no": 5}, "out_trade_no"),
        ({"out_trade_no": ["T1"]}, "out_trade_no"),
        ({"subject": "\udc80"}, "subject"),
        ({1: "x"}, "notification"),
        ("out_trade_no=T1", "notification"),
        (42, "notification"),
    ],
)
def test_notifications_that_are_not_str_to_str_are_invalid_input(client, notification, field):
    key = load_vector("derived_notify_v1.json")["alipay_public_key_pem"]
    for verify in (client.verify_notification, lambda n: alipay_core.verify_notify(n, key)):
        with pytest.raises(InvalidInput) as refused:
            verify(notification)
        assert refused.value.field == field


@pytest.mark.parametrize(
    "policy, field",
    [
        (dict(barcode_policy=PollPolicy(max_queries=-1)), "barcode_policy.max_queries"),
        (dict(barcode_policy=PollPolicy(max_queries=2**40)), "barcode_policy.max_queries"),
        (dict(qr_policy=PollPolicy(cancel_attempts="3")), "qr_policy.cancel_attempts"),  # type: ignore[arg-type]
        (dict(qr_policy=PollPolicy(max_queries=2.0)), "qr_policy.max_queries"),  # type: ignore[arg-type]
        (dict(barcode_policy=PollPolicy(query_interval="0.5")), "barcode_policy.query_interval"),  # type: ignore[arg-type]
        (dict(barcode_policy=PollPolicy(deadline=-1)), "barcode_policy.deadline"),
        (dict(barcode_policy=PollPolicy(cancel_interval=10**400)), "barcode_policy.cancel_interval"),
        (dict(refund_policy=RefundPolicy(attempts=-1)), "refund_policy.attempts"),
        (dict(refund_policy=RefundPolicy(interval=float("nan"))), "refund_policy.interval"),
    ],
)
def test_policy_numbers_out_of_range_or_of_the_wrong_type_are_invalid_input(gateway, policy, field):
    with pytest.raises(InvalidInput) as refused:
        alipay_core.Workflows(client_of(gateway), ":memory:", **policy)
    assert refused.value.field == field


@pytest.mark.parametrize(
    "settings, field",
    [
        (dict(timeout="5"), "timeout"),
        (dict(connect_timeout=-1), "connect_timeout"),
        (dict(timeout=float("inf")), "timeout"),
        (dict(proxy="http://\ud800"), "proxy"),
        (dict(user_agent=b"agent"), "user_agent"),
        (dict(encrypt_key="\udfff"), "encrypt_key"),
    ],
)
def test_client_settings_of_the_wrong_type_or_unencodable_are_invalid_input(gateway, settings, field):
    with pytest.raises(InvalidInput) as refused:
        client_of(gateway, **settings)
    assert refused.value.field == field


def test_an_app_id_with_a_lone_surrogate_is_invalid_input(gateway):
    with pytest.raises(InvalidInput) as refused:
        alipay_core.Client("2021\ud800", gateway["app_private_key"], gateway["alipay_public_key"])
    assert refused.value.field == "app_id"


def test_a_blocking_call_from_an_event_callback_is_a_clear_alipay_error(fast_gateway, order):
    client = client_of(fast_gateway)
    caught = []

    def on_event(event):
        if event.kind == "submitted":
            try:
                client.trade_query(out_trade_no=event.key.split(":", 1)[1])
            except BaseException as e:  # a PanicException is a BaseException
                caught.append(e)

    workflows = alipay_core.Workflows(client, ":memory:", on_event=on_event, barcode_policy=PollPolicy(query_interval=0.05))
    outcome = workflows.pay_and_wait(out_trade_no=order("CB"), total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    assert outcome.is_paid, "the workflow itself is undisturbed"
    assert len(caught) == 1 and type(caught[0]) is alipay_core.ConfigError, caught
    assert caught[0].kind == "config" and "async API" in str(caught[0]) and "another thread" in str(caught[0])


def test_answer_numbers_keep_their_exact_text():
    """A verified answer with JSON numbers: `100.10` stays `Decimal("100.10")`, 20 digits stay 20 digits."""
    v = load_vector("derived_v2_response_verify.json")
    node = '{"code":"10000","msg":"Success","rate":100.10,"tiny":0.12345678901234567890,"n":[1,2.50],"big":123456789012345678901234567890}'
    body = '{"alipay_trade_fee_query_response":' + node + ',"sign":"' + _sign(node, v["alipay_private_key_pem_used_to_sign"]) + '"}'
    verified = alipay_core.verify_response(body.encode(), "alipay.trade.fee.query", v["alipay_public_key_pem"])
    data = verified.data
    assert [str(data["rate"]), str(data["tiny"]), str(data["n"][1])] == ["100.10", "0.12345678901234567890", "2.50"]
    assert isinstance(data["rate"], Decimal) and data["n"][0] == 1 and data["big"] == 123456789012345678901234567890
    assert data["code"] == "10000"


def _sign(content: str, private_key_pem: str) -> str:
    """SHA256withRSA over `content`, as Alipay signs an answer node."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    return base64.b64encode(key.sign(content.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()  # type: ignore[union-attr]
