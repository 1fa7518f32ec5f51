"""Type stubs of the extension module: what `alipay_core` re-exports."""

from collections.abc import Mapping
from typing import Literal, Optional, Union, final

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

__version__: str

_ErrorKindName = Literal[
    "config",
    "invalid_input",
    "signature",
    "rejected",
    "outcome_unknown",
    "not_sent",
    "decode",
    "journal",
    "internal",
]

class AlipayError(Exception):
    """Every error alipay_core raises. ``kind`` says what to do next."""

    kind: _ErrorKindName

class ConfigError(AlipayError):
    """The configuration or a key is wrong: retrying cannot help."""

class InvalidInput(AlipayError):
    """An argument can never be sent; ``field`` names it."""

    field: str

class SignatureError(AlipayError):
    """A signature did not verify: never believe the answer."""

class GatewayError(AlipayError):
    """Alipay answered with an error code (v2 ``code``/``sub_code``; v3 HTTP status and ``code``)."""

    method: str
    code: str
    msg: str
    sub_code: Optional[str]
    sub_msg: Optional[str]
    verified: bool
    http_status: Optional[int]
    links: list[dict[str, str]]

class TransportError(AlipayError):
    """The HTTP exchange failed. ``outcome_unknown``: Alipay may have acted anyway, so query first."""

    outcome_unknown: bool

class DecodeError(AlipayError):
    """A verified answer, notification or bill could not be decoded (``verified_node`` keeps the text)."""

    verified_node: Optional[str]

class JournalError(AlipayError):
    """The workflow journal could not be read or written."""

@final
class ResponseNode:
    """A verified answer node. ``raw`` is the JSON text exactly as signed; ``signed`` is ``False`` only
    for an error node Alipay sent unsigned."""

    @property
    def method(self) -> str: ...
    @property
    def node_name(self) -> str: ...
    @property
    def raw(self) -> str: ...
    @property
    def signed(self) -> bool: ...
    @property
    def alipay_cert_sn(self) -> Optional[str]: ...
    @property
    def code(self) -> str: ...
    @property
    def msg(self) -> str: ...
    @property
    def sub_code(self) -> Optional[str]: ...
    @property
    def sub_msg(self) -> Optional[str]: ...

def build_sign_content(params: Mapping[str, str]) -> str:
    """The exact text a request signature covers: the non-empty parameters, sorted, as ``k=v&…``."""

def sign_params(params: Mapping[str, str], private_key: str, sign_type: str = "RSA2", charset: str = "utf-8") -> str:
    """Signs ``params`` and returns the base64 ``sign``."""

def verify_response(
    raw_body: bytes, method: str, alipay_public_key: str, sign_type: str = "RSA2", charset: str = "utf-8"
) -> ResponseNode:
    """Verifies a raw gateway answer to ``method`` and returns its node."""

def verify_notify(
    notification: Union[bytes, Mapping[str, str]], alipay_public_key: str, rule: str = "v1"
) -> dict[str, str]:
    """Verifies a notification (raw body or decoded form) under rule ``v1`` or ``v2``; returns its fields."""

def cert_sn(pem: str) -> str:
    """The SN of a certificate (``app_cert_sn``, or the Alipay certificate's)."""

def root_cert_sn(pem: str) -> str:
    """``alipay_root_cert_sn`` of Alipay's root certificate file."""
