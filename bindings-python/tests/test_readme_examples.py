"""The README's Python examples, run against the sandbox, so they cannot rot: the barcode checkout and
the Flask notification endpoint (with a stand-in for Flask, which is not a dependency)."""

import functools
import pathlib
import re
import sys
import types
import urllib.parse
from decimal import Decimal

import alipay_core
import sandbox
from alipay_core import PollPolicy

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def run_checkout_example(gateway, tmp_path, monkeypatch):
    """Execs the checkout block in `tmp_path` (holding its key files), pointed at the sandbox."""
    (tmp_path / "app_private_key.pem").write_text(gateway["app_private_key"])
    (tmp_path / "alipay_public_key.pem").write_text(gateway["alipay_public_key"])
    monkeypatch.chdir(tmp_path)
    shim = types.SimpleNamespace(
        Client=lambda app_id, *keys: alipay_core.Client(gateway["app_id"], *keys, gateway=gateway["gateway"]),
        Workflows=functools.partial(alipay_core.Workflows, barcode_policy=PollPolicy(query_interval=0.05, cancel_interval=0.05)),
        AlipayError=alipay_core.AlipayError,
    )
    namespace = {"alipay_core": shim}
    exec(python_blocks()[0].replace("import alipay_core\n", ""), namespace)
    return namespace


def test_the_ten_line_barcode_checkout(fast_gateway, tmp_path, monkeypatch, order):
    block = python_blocks()[0]
    assert len([line for line in block.splitlines() if line.strip()]) <= 10
    example = run_checkout_example(fast_gateway, tmp_path, monkeypatch)
    assert example["checkout"](order("README"), sandbox.CONFIRMS_AFTER_10S, example["Decimal"]("12.50")) is True
    assert example["checkout"](order("README"), sandbox.NEVER_CONFIRMS, example["Decimal"]("12.50")) is False


def test_the_notification_endpoint_verifies_checks_the_order_dedupes_and_answers_success(fast_gateway, tmp_path, monkeypatch, order):
    example = run_checkout_example(fast_gateway, tmp_path, monkeypatch)
    client = alipay_core.Client(fast_gateway["app_id"], fast_gateway["app_private_key"], fast_gateway["alipay_public_key"], gateway=fast_gateway["gateway"])
    notifying = client.with_options(notify_url="http://127.0.0.1:9/n")

    def paid_notification(amount):
        no = order("NOTIFY")
        notifying.trade_pay(out_trade_no=no, total_amount=amount, subject="s", auth_code=sandbox.PAYS_AT_ONCE)
        form = next(d for d in sandbox.control(fast_gateway, "/sandbox/notifications") if d["out_trade_no"] == no)["params"]
        return no, form

    body = {"data": b""}
    flask = types.ModuleType("flask")
    flask.request = types.SimpleNamespace(get_data=lambda: body["data"])  # type: ignore[attr-defined]
    flask.Flask = lambda name: types.SimpleNamespace(post=lambda path: (lambda f: f))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "flask", flask)
    paid = []
    example["mark_order_paid"] = lambda out_trade_no, amount: paid.append((out_trade_no, amount))
    exec(python_blocks()[1], example)
    orders, app_id = example["orders"], fast_gateway["app_id"]

    def deliver(form):
        body["data"] = urllib.parse.urlencode(form).encode()
        return example["alipay_notify"]()

    no, form = paid_notification("7")
    orders[no] = alipay_core.ExpectedOrder(app_id=app_id, out_trade_no=no, total_amount=Decimal("7.00"))
    assert deliver(form) == "success"
    assert deliver(form) == "success", "a redelivery is acknowledged"
    assert paid == [(no, Decimal("7.00"))], "and handled once"
    assert deliver(dict(form, total_amount="0.01")) == ("failure", 400), "a forged amount fails its signature"

    # Genuine notifications that are not about the order on record: each is refused and nothing is paid.
    cheaper, cheaper_form = paid_notification("8")
    orders[cheaper] = alipay_core.ExpectedOrder(app_id=app_id, out_trade_no=cheaper, total_amount="8.01")
    other_app, other_app_form = paid_notification("9")
    orders[other_app] = alipay_core.ExpectedOrder(app_id="2021000000000001", out_trade_no=other_app, total_amount=9)
    _, unknown_form = paid_notification("10")
    for refused in (cheaper_form, other_app_form, unknown_form):
        assert deliver(refused) == ("failure", 400)
    assert paid == [(no, Decimal("7.00"))]
