"""Certificate mode, AES content encryption and the v3 protocol from Python, against a sandbox that
issues certificates and holds the AES key: the same calls work in every combination, a rotated Alipay
certificate is fetched and admitted, and a rogue one is refused."""

import base64
from decimal import Decimal

import pytest

import alipay_core
import sandbox

AES_KEY = base64.b64encode(bytes(range(16))).decode()


@pytest.fixture(scope="module")
def cert_gateway():
    yield from sandbox.start("--certificates", "--encrypt-key", AES_KEY)


def cert_client(gw, **settings):
    certs = gw["certificates"]
    return alipay_core.Client(
        gw["app_id"], gw["app_private_key"], gateway=gw["gateway"],
        app_cert=certs["app_cert"], alipay_cert=certs["alipay_cert"].encode(), alipay_root_cert=certs["root_cert"],
        encrypt_key=gw["encrypt_key"], **settings,
    )


@pytest.mark.parametrize("protocol", ["v2", "v3"])
@pytest.mark.parametrize("encrypt", [False, True], ids=["plain", "aes"])
def test_every_mode_pays_queries_and_refunds(cert_gateway, protocol, encrypt, order):
    client = cert_client(cert_gateway, protocol=protocol, encrypt_by_default=encrypt)
    no = order(f"{protocol}{int(encrypt)}")
    paid = client.trade_pay(out_trade_no=no, total_amount="3.30", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    assert (paid.code, paid.total_amount) == ("10000", Decimal("3.30"))
    assert client.trade_query(out_trade_no=no).trade_status == "TRADE_SUCCESS"
    assert client.trade_refund(out_trade_no=no, refund_amount="1", out_request_no="R1").refund_fee == Decimal("1.00")
    with pytest.raises(alipay_core.GatewayError) as missing:
        client.trade_query(out_trade_no=order("NONE"))
    assert missing.value.sub_code == "ACQ.TRADE_NOT_EXIST"
    # Alipay's trace id, for a support request: v3's alipay-trace-id header, v2's trace_id header.
    assert missing.value.trace_id
    if protocol == "v3":
        assert missing.value.http_status == 400


def test_a_rotated_certificate_is_admitted_and_a_rogue_one_refused(order):
    gen = sandbox.start("--certificates")
    gw = next(gen)
    try:
        client = cert_client(gw)
        sandbox.control(gw, "/sandbox/certs/rotate", {})
        assert client.trade_precreate(out_trade_no=order("ROT"), total_amount="1", subject="s").code == "10000"
        sandbox.control(gw, "/sandbox/certs/rotate", {"rogue": "true"})
        with pytest.raises(alipay_core.SignatureError) as rogue:
            client.trade_precreate(out_trade_no=order("ROGUE"), total_amount="1", subject="s")
        assert "not trusted" in str(rogue.value)
    finally:
        gen.close()
