"""The primitives replay the shared vectors byte for byte, and bad input raises typed errors."""

import pytest

import alipay_core


def test_node_util_params_sign_content_and_signature(vector):
    v = vector("derived_sign_node_util_params.json")
    assert alipay_core.build_sign_content(v["params"]) == v["expected_sign_content"]
    assert alipay_core.sign_params(v["params"], v["private_key_pem"]) == v["expected_sign_RSA2"]


def test_an_empty_value_is_neither_signed_nor_sent(vector):
    v = vector("derived_sign_trade_pay_request.json")
    key = vector("derived_sign_node_util_params.json")["private_key_pem"]
    assert v["params"]["app_auth_token"] == ""
    assert alipay_core.build_sign_content(v["params"]) == v["expected_sign_content"]
    assert alipay_core.sign_params(v["params"], key, "RSA2") == v["expected_sign_RSA2"]
    legacy = v["variant_sign_type_RSA"]
    params = dict(v["params"], sign_type="RSA")
    assert alipay_core.build_sign_content(params) == legacy["expected_sign_content"]
    assert alipay_core.sign_params(params, key, "RSA") == legacy["expected_sign_RSA"]


def test_responses_verify_exactly_as_the_vectors_say(vector):
    v = vector("derived_v2_response_verify.json")
    key = v["alipay_public_key_pem"]
    success, failure, unsigned = v["cases"]
    node = alipay_core.verify_response(success["raw"].encode("utf-8"), success["method"], key)
    assert (node.raw, node.code, node.signed) == (success["signed_content"], "10000", True)
    assert node.alipay_cert_sn == "7513daaaa48aa3ba2e4018d84402479c"
    node = alipay_core.verify_response(failure["raw"].encode("utf-8"), failure["method"], key)
    assert (node.code, node.sub_code, node.signed) == ("40004", "ACQ.TRADE_NOT_EXIST", True)
    node = alipay_core.verify_response(unsigned["raw"].encode("utf-8"), unsigned["method"], key)
    assert (node.code, node.signed) == ("40002", False), "an unsigned error is returned, marked unsigned"
    forged = success["raw"].replace("10000", "10001").encode("utf-8")
    with pytest.raises(alipay_core.SignatureError) as caught:
        alipay_core.verify_response(forged, success["method"], key)
    assert caught.value.kind == "signature"


def test_a_notification_verifies_from_the_raw_body_or_the_decoded_form(vector):
    v = vector("derived_notify_v1.json")
    key = v["alipay_public_key_pem"]
    from_body = alipay_core.verify_notify(v["form_urlencoded_body"].encode("utf-8"), key)
    from_form = alipay_core.verify_notify(v["decoded_params"], key, "v1")
    covered = {k: value for k, value in v["decoded_params"].items() if value != ""}
    assert v["decoded_params"]["passback_params"] == "", "the vector has a blank field"
    assert from_body == from_form == covered, "the fields the signature covers: never a blank one"
    tampered = dict(v["decoded_params"], total_amount="0.01")
    with pytest.raises(alipay_core.SignatureError):
        alipay_core.verify_notify(tampered, key)
    with pytest.raises(alipay_core.InvalidInput) as caught:
        alipay_core.verify_notify(v["decoded_params"], key, "v9")
    assert caught.value.field == "rule"


def test_certificate_sns_match_the_node_sdk(vector_text):
    assert alipay_core.cert_sn(vector_text("cert_node_appCertPublicKey_2021001161683774.crt.txt")) == (
        "866efef280dec9137a87d047ac446315"
    )
    assert alipay_core.cert_sn(vector_text("cert_node_alipayCertPublicKey_RSA2.crt.txt")) == (
        "7513daaaa48aa3ba2e4018d84402479c"
    )
    assert alipay_core.root_cert_sn(vector_text("cert_node_alipayRootCert.crt.txt")) == (
        "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6"
    )


def test_errors_form_one_hierarchy_with_a_kind():
    with pytest.raises(alipay_core.ConfigError) as caught:
        alipay_core.sign_params({"a": "1"}, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
    assert isinstance(caught.value, alipay_core.AlipayError)
    assert caught.value.kind == "config"
    with pytest.raises(alipay_core.DecodeError):
        alipay_core.cert_sn("not a certificate")
    with pytest.raises(alipay_core.InvalidInput):
        alipay_core.sign_params({"a": "1"}, _app_key(), "MD5")
    for cls in (
        alipay_core.ConfigError,
        alipay_core.InvalidInput,
        alipay_core.SignatureError,
        alipay_core.GatewayError,
        alipay_core.TransportError,
        alipay_core.DecodeError,
        alipay_core.JournalError,
    ):
        assert issubclass(cls, alipay_core.AlipayError)
        assert cls.__module__ == "alipay_core"


def _app_key() -> str:
    from conftest import load_vector

    return load_vector("derived_sign_node_util_params.json")["private_key_pem"]
