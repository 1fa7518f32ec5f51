"""Every call of `Client` and `AsyncClient` against the offline gateway: typed results, Decimal money,
per-call options, page payments, bills, and the error hierarchy with its fields.

Each scenario runs on both clients: `call(client, "trade_query", ...)` awaits when the client is async.
"""

import asyncio
import inspect
import pathlib
from decimal import Decimal

import pytest

import alipay_core
import sandbox
from alipay_core import CancelAction, TradeStatus
from conftest import client_of


def call(client, name, **fields):
    """Calls `client.<name>(**fields)`, running the coroutine when the client is asynchronous."""
    result = getattr(client, name)(**fields)
    return asyncio.run(result) if inspect.iscoroutine(result) else result


@pytest.fixture(params=[alipay_core.Client, alipay_core.AsyncClient], ids=["sync", "async"])
def any_client(request, gateway):
    return client_of(gateway, request.param)


def test_barcode_pay_query_refund_and_refund_query_give_typed_results(any_client, order):
    no = order("PAY")
    paid = call(any_client, "trade_pay", out_trade_no=no, total_amount=Decimal("88.8"), subject="咖啡", auth_code=sandbox.PAYS_AT_ONCE)
    assert isinstance(paid, alipay_core.TradePayResponse)
    assert (paid.code, paid.out_trade_no, paid.total_amount) == ("10000", no, Decimal("88.80"))
    assert paid.fund_bill_list[0].amount == Decimal("88.80")
    assert len(paid.trade_no or "") == 28

    queried = call(any_client, "trade_query", out_trade_no=no)
    assert queried.trade_status is TradeStatus.TRADE_SUCCESS
    assert queried.trade_status == "TRADE_SUCCESS", "enums compare equal to their wire text"
    assert isinstance(queried.total_amount, Decimal)

    refund = call(any_client, "trade_refund", out_trade_no=no, refund_amount=10, out_request_no="R1")
    assert (refund.fund_change, refund.refund_fee) == (True, Decimal("10.00"))
    again = call(any_client, "trade_refund", out_trade_no=no, refund_amount=10, out_request_no="R1")
    assert (again.fund_change, again.refund_fee) == (False, Decimal("10.00")), "a repeat moves no money"
    confirmed = call(any_client, "trade_fastpay_refund_query", out_trade_no=no, out_request_no="R1")
    assert (confirmed.refund_status, confirmed.refund_amount) == ("REFUND_SUCCESS", Decimal("10.00"))

    as_dict = queried.to_dict()
    assert as_dict["trade_status"] == "TRADE_SUCCESS" and as_dict["fund_bill_list"][0]["fund_channel"] == "ALIPAYACCOUNT"


def test_precreate_create_cancel_and_close(any_client, order):
    qr = call(any_client, "trade_precreate", out_trade_no=order("QR"), total_amount="9.90", subject="s")
    assert qr.qr_code.startswith("https://qr.alipay.com/")
    created_no = order("CR")
    created = call(any_client, "trade_create", out_trade_no=created_no, total_amount=1, subject="s", buyer_id="2088102177846880")
    assert created.trade_no and created.out_trade_no == created_no
    closed = call(any_client, "trade_close", out_trade_no=created_no)
    assert closed.code == "10000"

    paid_no = order("CANCEL")
    call(any_client, "trade_pay", out_trade_no=paid_no, total_amount="5", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    cancelled = call(any_client, "trade_cancel", out_trade_no=paid_no)
    assert cancelled.action is CancelAction.REFUND and cancelled.retry_flag is False


def test_every_answer_field_the_core_declares_has_an_attribute(client, order):
    """The generated models and the core's answers must not drift: every answer the sandbox gives
    to each typed call is built into its model with nothing left over in `extra`."""
    no, unpaid = order("SHAPE"), order("CLOSE")
    client.trade_pay(out_trade_no=no, total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    client.trade_create(out_trade_no=unpaid, total_amount="1", subject="s", buyer_id="2088102177846880")
    calls = {
        alipay_core.TradePayResponse: ("alipay.trade.pay", {"out_trade_no": order("S"), "total_amount": "1", "subject": "s", "auth_code": sandbox.PAYS_AT_ONCE}),
        alipay_core.TradeQueryResponse: ("alipay.trade.query", {"out_trade_no": no}),
        alipay_core.TradeRefundResponse: ("alipay.trade.refund", {"out_trade_no": no, "refund_amount": "0.1", "out_request_no": "X"}),
        alipay_core.TradeFastpayRefundQueryResponse: ("alipay.trade.fastpay.refund.query", {"out_trade_no": no, "out_request_no": "X"}),
        alipay_core.TradePrecreateResponse: ("alipay.trade.precreate", {"out_trade_no": order("S"), "total_amount": "1", "subject": "s"}),
        alipay_core.TradeCloseResponse: ("alipay.trade.close", {"out_trade_no": unpaid}),
        alipay_core.TradeCancelResponse: ("alipay.trade.cancel", {"out_trade_no": no}),
    }
    for model, (method, fields) in calls.items():
        result = model._from(client.native.call(method, fields))
        assert result.extra == {}, f"{model.__name__} lacks {sorted(result.extra)}"
        assert result.code == "10000", f"{method} must succeed here, so that its whole answer is checked"


def test_with_options_sends_notify_url_and_keeps_the_original_client_unchanged(client, gateway, order):
    with_url, without = order("NOTIFY"), order("PLAIN")
    client.with_options(notify_url="http://127.0.0.1:9/notify").trade_pay(
        out_trade_no=with_url, total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE
    )
    client.trade_pay(out_trade_no=without, total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    urls = {d["out_trade_no"]: d["notify_url"] for d in sandbox.control(gateway, "/sandbox/notifications")}
    assert urls.get(with_url) == "http://127.0.0.1:9/notify"
    assert without not in urls


def test_page_wap_and_app_pay_are_signed_without_a_call(client, order):
    form = client.trade_page_pay(out_trade_no=order("PG"), total_amount="9.90", subject="s")
    assert form.startswith("<form") and "alipay.trade.page.pay" in form
    url = client.trade_wap_pay(out_trade_no=order("WAP"), total_amount="9.90", subject="s", format="url", quit_url="https://m.example/quit")
    assert url.startswith(client.gateway) and "sign=" in url
    order_string = client.trade_app_pay(out_trade_no=order("APP"), total_amount="9.90", subject="s")
    assert "method=alipay.trade.app.pay" in order_string and "sign=" in order_string
    with pytest.raises(alipay_core.InvalidInput) as bad:
        client.trade_page_pay(out_trade_no=order("PG"), total_amount="1", subject="s", format="pdf")
    assert bad.value.field == "format"


def test_execute_calls_any_method_and_verifies_its_answer(any_client, order):
    node = call(any_client, "execute", method="alipay.trade.precreate", biz_content={"out_trade_no": order("EX"), "total_amount": "1.00", "subject": "s"})
    assert (node.code, node.signed) == ("10000", True)
    assert node.data["qr_code"].startswith("https://qr.alipay.com/")


def test_a_bill_is_downloaded_and_parsed_into_rows_with_decimal_amounts(fresh_gateway, order):
    for cls in (alipay_core.Client, alipay_core.AsyncClient):
        client = client_of(fresh_gateway, cls)
        no = order("BILL")
        call(client, "trade_pay", out_trade_no=no, total_amount="12", subject="咖啡", auth_code=sandbox.PAYS_AT_ONCE)
        day = call(client, "trade_query", out_trade_no=no).send_pay_date[:10]
        with pytest.raises(alipay_core.GatewayError) as not_yet:
            call(client, "download_bill", bill_type="trade", bill_date=day)
        assert not_yet.value.sub_code == "isp.bill_not_exist"
        sandbox.advance(fresh_gateway, 24 * 3600)
        url = call(client, "data_dataservice_bill_downloadurl_query", bill_type="trade", bill_date=day)
        assert url.bill_download_url.startswith("http")
        bill = call(client, "download_bill", bill_type="trade", bill_date=day)
        row = next(r for r in bill.trade_details if r.out_trade_no == no)
        assert (row.business_type, row.order_amount, row.subject) == ("交易", Decimal("12.00"), "咖啡")
        assert any(r.is_total for r in bill.trade_summary)
        assert {f.kind for f in bill.files} >= {"trade_detail", "trade_summary"}


def test_errors_are_one_hierarchy_with_their_fields(any_client, gateway, order):
    with pytest.raises(alipay_core.GatewayError) as refused:
        call(any_client, "trade_query", out_trade_no=order("NOBODY"))
    e = refused.value
    assert isinstance(e, alipay_core.AlipayError)
    assert (e.kind, e.code, e.sub_code, e.verified, e.method) == ("rejected", "40004", "ACQ.TRADE_NOT_EXIST", True, "alipay.trade.query")
    assert e.msg and e.sub_msg

    with pytest.raises(alipay_core.InvalidInput) as floats:
        call(any_client, "trade_pay", out_trade_no=order("F"), total_amount=0.1, subject="s", auth_code="28")
    assert (floats.value.field, floats.value.kind) == ("total_amount", "invalid_input")
    with pytest.raises(alipay_core.InvalidInput) as nested:
        call(any_client, "trade_precreate", out_trade_no=order("G"), total_amount="1", subject="s",
             goods_detail=[{"goods_id": "g", "goods_name": "n", "quantity": 1, "price": 2.5}])
    assert nested.value.field == "goods_detail[0].price"
    with pytest.raises(alipay_core.InvalidInput) as too_precise:
        call(any_client, "trade_pay", out_trade_no=order("P"), total_amount=Decimal("1.001"), subject="s", auth_code="28")
    assert too_precise.value.field == "total_amount"

    unreachable = type(any_client)(gateway["app_id"], gateway["app_private_key"], gateway["alipay_public_key"], gateway="http://127.0.0.1:9/gateway.do", connect_timeout=1)
    with pytest.raises(alipay_core.TransportError) as down:
        call(unreachable, "trade_query", out_trade_no=order("DOWN"))
    assert down.value.outcome_unknown is False, "a refused connection sent nothing"


def test_an_answer_signed_by_another_key_is_a_signature_error(gateway, order):
    other = alipay_core.Client(gateway["app_id"], gateway["app_private_key"], _another_public_key(), gateway=gateway["gateway"])
    with pytest.raises(alipay_core.SignatureError) as forged:
        other.trade_precreate(out_trade_no=order("SIG"), total_amount="1", subject="s")
    assert forged.value.kind == "signature"


def test_configuration_mistakes_are_config_errors_naming_the_problem(gateway, tmp_path):
    with pytest.raises(alipay_core.ConfigError) as bad_key:
        alipay_core.Client(gateway["app_id"], "not a key", gateway["alipay_public_key"])
    assert "app private key" in str(bad_key.value).lower()
    assert gateway["app_private_key"][40:80] not in str(bad_key.value)
    with pytest.raises(alipay_core.InvalidInput):
        alipay_core.Client(gateway["app_id"], gateway["app_private_key"], gateway["alipay_public_key"], gateway="staging")
    with pytest.raises(alipay_core.ConfigError) as missing:
        alipay_core.Client(gateway["app_id"], pathlib.Path(tmp_path / "absent.pem"), gateway["alipay_public_key"])
    assert "absent.pem" in str(missing.value)
    with pytest.raises(alipay_core.ConfigError):
        alipay_core.Client(gateway["app_id"], gateway["app_private_key"], app_cert="x")


def test_keys_load_from_text_bytes_and_paths(gateway, tmp_path, order):
    key_file = tmp_path / "app_private_key.pem"
    key_file.write_text(gateway["app_private_key"])
    for private_key in (gateway["app_private_key"], gateway["app_private_key"].encode(), key_file):
        client = alipay_core.Client(gateway["app_id"], private_key, gateway["alipay_public_key"].encode(), gateway=gateway["gateway"], timeout=10)
        assert client.trade_precreate(out_trade_no=order("K"), total_amount="1", subject="s").code == "10000"


def _another_public_key() -> str:
    """The Alipay public key of the shared vectors: a valid key that is not the sandbox's."""
    from conftest import load_vector

    return load_vector("derived_v2_response_verify.json")["alipay_public_key_pem"]
