"""The primitives against the offline gateway: a request signed in Python is accepted, and the answer it
gets verifies — or, tampered with, does not."""

import datetime
import json
import urllib.parse
import urllib.request

import pytest

import alipay_core


def call(gateway, method: str, biz: dict) -> bytes:
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
    params = {
        "app_id": gateway["app_id"],
        "method": method,
        "format": "JSON",
        "charset": "utf-8",
        "sign_type": "RSA2",
        "timestamp": now.strftime("%Y-%m-%d %H:%M:%S"),
        "version": "1.0",
        "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
    }
    params["sign"] = alipay_core.sign_params(params, gateway["app_private_key"])
    body = urllib.parse.urlencode(params).encode("utf-8")
    request = urllib.request.Request(gateway["gateway"], data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read()


def test_a_request_signed_in_python_is_accepted_and_its_answer_verifies(gateway):
    raw = call(gateway, "alipay.trade.precreate", {"out_trade_no": "PY-P1", "total_amount": "1.00", "subject": "蟒蛇"})
    node = alipay_core.verify_response(raw, "alipay.trade.precreate", gateway["alipay_public_key"])
    assert (node.code, node.signed) == ("10000", True)
    assert json.loads(node.raw)["qr_code"].startswith("https://qr.alipay.com/")


def test_a_business_failure_is_a_signed_node_and_a_tampered_answer_is_refused(gateway):
    raw = call(gateway, "alipay.trade.query", {"out_trade_no": "PY-NOBODY"})
    node = alipay_core.verify_response(raw, "alipay.trade.query", gateway["alipay_public_key"])
    assert (node.code, node.sub_code, node.signed) == ("40004", "ACQ.TRADE_NOT_EXIST", True)
    with pytest.raises(alipay_core.SignatureError):
        alipay_core.verify_response(raw.replace(b"40004", b"10000"), "alipay.trade.query", gateway["alipay_public_key"])
