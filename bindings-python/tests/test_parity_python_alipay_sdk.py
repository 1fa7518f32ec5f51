"""Byte-compatibility with the `python-alipay-sdk` PyPI package (fzlee/alipay, pinned by
`scripts/python-env`): for generated parameter sets, the signed text and the RSA2/RSA signatures are
identical, and each side verifies what the other signed."""

import json
import random
import string

import pytest
from alipay import AliPay

import alipay_core
from conftest import load_vector

KEYS = load_vector("derived_sign_node_util_params.json")
PRIVATE_KEY = KEYS["private_key_pem"]

# Characters that break naive signers: separators, escapes, full-width and CJK text, emoji.
ALPHABET = string.ascii_letters + string.digits + " &=+%/?:,.-_\"'\\" + "支付宝测试，（）【】" + "😀"
FIELDS = ["app_id", "method", "charset", "sign_type", "timestamp", "version", "notify_url", "return_url", "app_auth_token", "format"]


def generated_params(rng: random.Random) -> dict:
    params = {name: _text(rng) for name in rng.sample(FIELDS, rng.randint(3, len(FIELDS)))}
    biz = {
        "out_trade_no": _text(rng),
        "total_amount": f"{rng.randint(1, 10**8)}.{rng.randint(0, 99):02d}",
        "subject": _text(rng),
        "goods_detail": [{"goods_name": _text(rng), "quantity": rng.randint(1, 9)}],
    }
    params["biz_content"] = json.dumps(biz, ensure_ascii=False, separators=(",", ":"))
    return params


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))


def their_client(sign_type: str) -> AliPay:
    public = load_vector("derived_v2_response_verify.json")["alipay_public_key_pem"]
    return AliPay(appid="2021000000000000", app_private_key_string=PRIVATE_KEY, alipay_public_key_string=public, sign_type=sign_type)


@pytest.mark.parametrize("sign_type", ["RSA2", "RSA"])
def test_signatures_equal_python_alipay_sdk_for_generated_parameter_sets(sign_type):
    rng = random.Random(f"parity-{sign_type}")
    theirs = their_client(sign_type)
    for _ in range(200):
        params = generated_params(rng)
        their_text = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        assert alipay_core.build_sign_content(params) == their_text
        assert alipay_core.sign_params(params, PRIVATE_KEY, sign_type) == theirs._sign(their_text), params


def test_the_shared_vector_signs_the_same_in_both():
    params = KEYS["params"]
    text = "&".join(f"{k}={v}" for k, v in sorted((k, v) for k, v in params.items() if v not in ("", None)))
    assert their_client("RSA2")._sign(text) == alipay_core.sign_params(params, PRIVATE_KEY) == KEYS["expected_sign_RSA2"]
