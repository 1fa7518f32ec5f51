"""The Alipay (支付宝) open-platform client, over the Rust core alipay-core.

Every request is RSA2-signed exactly like the official SDKs sign it; every answer and every notification
is verified before it is believed. Errors are one hierarchy rooted at :class:`AlipayError`.
"""

from ._native import (
    AlipayError,
    ConfigError,
    DecodeError,
    GatewayError,
    InvalidInput,
    JournalError,
    ResponseNode,
    SignatureError,
    TransportError,
    __version__,
    build_sign_content,
    cert_sn,
    root_cert_sn,
    sign_params,
    verify_notify,
    verify_response,
)

__all__ = [
    "AlipayError",
    "ConfigError",
    "DecodeError",
    "GatewayError",
    "InvalidInput",
    "JournalError",
    "ResponseNode",
    "SignatureError",
    "TransportError",
    "__version__",
    "build_sign_content",
    "cert_sn",
    "root_cert_sn",
    "sign_params",
    "verify_notify",
    "verify_response",
]
