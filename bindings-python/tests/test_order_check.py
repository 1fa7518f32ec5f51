"""A verified notification checked against the merchant's own order (`ExpectedOrder`): app_id,
out_trade_no, total_amount and, when given, seller_id must match, or `OrderMismatch` names the field."""

import asyncio
from decimal import Decimal

import pytest

import alipay_core
import sandbox
from alipay_core import ExpectedOrder, OrderMismatch
from conftest import client_of


@pytest.fixture
def paid(gateway, order):
    """A paid order's number and the genuine notification the sandbox sent for it."""
    no = order("CHECK")
    client_of(gateway).with_options(notify_url="http://127.0.0.1:9/n").trade_pay(
        out_trade_no=no, total_amount="6.60", subject="s", auth_code=sandbox.PAYS_AT_ONCE
    )
    form = next(d for d in sandbox.control(gateway, "/sandbox/notifications") if d["out_trade_no"] == no)["params"]
    return no, form


def test_a_notification_for_the_order_passes_and_any_other_is_an_order_mismatch(gateway, paid):
    no, form = paid
    app_id = gateway["app_id"]
    received = alipay_core.Workflows(client_of(gateway), ":memory:").receive_notification(form)
    for amount in (Decimal("6.60"), Decimal("6.6"), "6.60", Decimal("6.600")):
        received.check(ExpectedOrder(app_id=app_id, out_trade_no=no, total_amount=amount))
    received.check(ExpectedOrder(app_id=app_id, out_trade_no=no, total_amount="6.60", seller_id=form["seller_id"]))
    received.check(lambda fields: ExpectedOrder(app_id=app_id, out_trade_no=fields["out_trade_no"], total_amount="6.60"))

    mismatches = [
        (ExpectedOrder(app_id="2021000000000001", out_trade_no=no, total_amount="6.60"), "app_id", "2021000000000001", app_id),
        (ExpectedOrder(app_id=app_id, out_trade_no=no + "X", total_amount="6.60"), "out_trade_no", no + "X", no),
        (ExpectedOrder(app_id=app_id, out_trade_no=no, total_amount=6), "total_amount", "6.00", "6.60"),
        (ExpectedOrder(app_id=app_id, out_trade_no=no, total_amount="6.60", seller_id="2088000000000001"), "seller_id", "2088000000000001", form["seller_id"]),
    ]
    for expected, field, wanted, actual in mismatches:
        with pytest.raises(OrderMismatch) as mismatch:
            received.check(expected)
        e = mismatch.value
        assert (e.field, e.expected, e.actual, e.kind) == (field, wanted, actual, "invalid_input")
        assert isinstance(e, alipay_core.InvalidInput) and isinstance(e, alipay_core.AlipayError)
        assert field in str(e)


def test_the_clients_check_the_order_while_verifying(gateway, paid):
    no, form = paid
    app_id = gateway["app_id"]
    client = client_of(gateway)
    assert client.verify_notification(form, expected=ExpectedOrder(app_id=app_id, out_trade_no=no, total_amount="6.60"))["out_trade_no"] == no
    with pytest.raises(OrderMismatch) as mismatch:
        client.verify_notification(form, expected=ExpectedOrder(app_id=app_id, out_trade_no=no, total_amount="6.61"))
    assert mismatch.value.field == "total_amount"

    async_client = client_of(gateway, alipay_core.AsyncClient)
    fields = asyncio.run(async_client.verify_notification(form, expected=lambda f: ExpectedOrder(app_id=app_id, out_trade_no=f["out_trade_no"], total_amount="6.60")))
    assert fields["out_trade_no"] == no
    with pytest.raises(OrderMismatch):
        asyncio.run(async_client.verify_notification(form, expected=ExpectedOrder(app_id="2021000000000001", out_trade_no=no, total_amount="6.60")))


def test_an_order_that_could_never_be_paid_is_invalid_input(gateway, paid):
    no, form = paid
    received = alipay_core.Workflows(client_of(gateway), ":memory:").receive_notification(form)
    for amount, why in ((0.1, "float"), ("0.001", "decimals"), (Decimal("NaN"), "finite"), ("0", "0.01")):
        with pytest.raises(alipay_core.InvalidInput) as refused:
            received.check(ExpectedOrder(app_id=gateway["app_id"], out_trade_no=no, total_amount=amount))
        assert refused.value.field == "total_amount" and not isinstance(refused.value, OrderMismatch), why
