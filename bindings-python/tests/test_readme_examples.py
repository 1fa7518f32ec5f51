"""The README's Python examples, run against the sandbox, so they cannot rot: the barcode checkout and
the Flask notification endpoint (with a stand-in for Flask, which is not a dependency)."""

import functools
import pathlib
import re
import sys
import types
import urllib.parse

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


def test_the_notification_endpoint_verifies_dedupes_and_answers_success(fast_gateway, tmp_path, monkeypatch, order):
    example = run_checkout_example(fast_gateway, tmp_path, monkeypatch)
    no = order("NOTIFY")
    client = alipay_core.Client(fast_gateway["app_id"], fast_gateway["app_private_key"], fast_gateway["alipay_public_key"], gateway=fast_gateway["gateway"])
    client.with_options(notify_url="http://127.0.0.1:9/n").trade_pay(out_trade_no=no, total_amount="7", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    form = next(d for d in sandbox.control(fast_gateway, "/sandbox/notifications") if d["out_trade_no"] == no)["params"]

    body = {"data": b""}
    flask = types.ModuleType("flask")
    flask.request = types.SimpleNamespace(get_data=lambda: body["data"])  # type: ignore[attr-defined]
    flask.Flask = lambda name: types.SimpleNamespace(post=lambda path: (lambda f: f))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "flask", flask)
    paid = []
    example["mark_order_paid"] = lambda out_trade_no, amount: paid.append((out_trade_no, amount))
    exec(python_blocks()[1], example)

    body["data"] = urllib.parse.urlencode(form).encode()
    assert example["alipay_notify"]() == "success"
    assert example["alipay_notify"]() == "success", "a redelivery is acknowledged"
    assert paid == [(no, example["Decimal"]("7.00"))], "and handled once"
    body["data"] = urllib.parse.urlencode(dict(form, total_amount="0.01")).encode()
    assert example["alipay_notify"]() == ("failure", 400)
