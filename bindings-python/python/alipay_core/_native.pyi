"""Type stubs of the extension module: what `alipay_core` re-exports."""

import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, Optional, Union, final

__all__ = [
    "AlipayError",
    "ConfigError",
    "DecodeError",
    "GatewayError",
    "InvalidInput",
    "JournalError",
    "NativeClient",
    "NativePaymentHandle",
    "NativeWorkflows",
    "OrderMismatch",
    "ResponseNode",
    "SignatureError",
    "TransportError",
    "VerifiedNotification",
    "__version__",
    "_exception_from_info",
    "build_sign_content",
    "cert_sn",
    "qr_png",
    "qr_svg",
    "read_orders_csv",
    "read_orders_json",
    "reconciliation_csv",
    "root_cert_sn",
    "sign_params",
    "verify_notify",
    "verify_response",
]

__version__: str

class AlipayError(Exception):
    """Every error alipay_core raises. ``kind`` says what to do next; ``outcome_unknown`` whether
    Alipay may have applied the request anyway (query first). The attributes are the core's error
    record (``alipay_core.models.ErrorInfo``): those the error has not are ``None``."""

    # <generated: ErrorInfo>
    code: Optional[str]
    """Gateway error: the gateway code, e.g. `40004`."""
    error_type: Literal["config", "invalid_input", "signature", "gateway", "transport", "decode", "journal", "internal"]
    """Which error it is."""
    field: Optional[str]
    """Invalid input: the offending field."""
    http_status: Optional[int]
    """Gateway error, v3: the HTTP status."""
    kind: Literal["config", "invalid_input", "signature", "rejected", "outcome_unknown", "not_sent", "decode", "journal", "internal"]
    """What the caller should do."""
    links: list[dict[str, str]]
    """Gateway error, v3: where Alipay documents the problem."""
    method: Optional[str]
    """Gateway error: the API method called."""
    msg: Optional[str]
    """Gateway error: the gateway message."""
    outcome_unknown: bool
    """`true` when Alipay may have applied the request although the call failed: query before acting."""
    sub_code: Optional[str]
    """Gateway error: the business reason, e.g. `ACQ.TRADE_NOT_EXIST`."""
    sub_msg: Optional[str]
    """Gateway error: the human-readable business reason."""
    trace_id: Optional[str]
    """Gateway error, v3: Alipay's trace id of the answer, for a support request."""
    verified: Optional[bool]
    """Gateway error: `false` when the answer carried no signature (a hint, never proof)."""
    verified_node: Optional[str]
    """Decode error: the verified node that could not be decoded, as its raw JSON text."""
    # </generated>

class ConfigError(AlipayError):
    """The configuration or a key is wrong: retrying cannot help."""

class InvalidInput(AlipayError):
    """An argument can never be sent; ``field`` names it."""

class OrderMismatch(InvalidInput):
    """A verified notification does not match your order: do not act on it. ``field`` is the first
    that differs (``app_id``, ``out_trade_no``, ``total_amount`` or ``seller_id``)."""

    expected: str
    actual: Optional[str]

class SignatureError(AlipayError):
    """A signature did not verify: never believe the answer."""

class GatewayError(AlipayError):
    """Alipay answered with an error code (v2 ``code``/``sub_code``; v3 HTTP status and ``code``)."""

class TransportError(AlipayError):
    """The HTTP exchange failed. ``outcome_unknown``: Alipay may have acted anyway, so query first."""

class DecodeError(AlipayError):
    """A verified answer, notification or bill could not be decoded (``verified_node`` keeps the text)."""

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
    @property
    def data(self) -> dict[str, Any]:
        """The node's fields as a dict (non-integer numbers as ``Decimal``, with their text as signed)."""

@final
class VerifiedNotification:
    """A notification whose signature verified."""

    @property
    def fields(self) -> dict[str, str]:
        """The fields the signature covers, and ``sign``/``sign_type``."""
    def check(self, order: Mapping[str, Any]) -> None:
        """Raises ``OrderMismatch`` unless this trade notification is for ``order`` (an ``ExpectedOrder``)."""

_Notification = Union[bytes, bytearray, Mapping[str, str]]

@final
class NativeClient:
    """The native client behind ``Client`` and ``AsyncClient``: fields in, fields out."""

    def __new__(cls, settings: Mapping[str, Any]) -> NativeClient:
        """From the core's ClientSettings as a dict (keys as text, bytes or os.PathLike)."""
    @property
    def app_id(self) -> str: ...
    @property
    def gateway(self) -> str: ...
    def with_options(
        self,
        *,
        app_auth_token: Optional[str] = None,
        notify_url: Optional[str] = None,
        return_url: Optional[str] = None,
        encrypt: Optional[bool] = None,
        params: Optional[Mapping[str, str]] = None,
    ) -> NativeClient: ...
    def call(self, method: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The typed call ``method`` with ``fields``; the verified answer's fields."""
    def call_async(self, method: str, fields: Mapping[str, Any]) -> Awaitable[dict[str, Any]]: ...
    def execute(self, method: str, biz_content: Optional[Mapping[str, Any]] = None) -> ResponseNode: ...
    def execute_async(self, method: str, biz_content: Optional[Mapping[str, Any]] = None) -> Awaitable[ResponseNode]: ...
    def page(self, method: str, fields: Mapping[str, Any], format: str) -> str: ...
    def download_bill(self, fields: Mapping[str, Any]) -> dict[str, Any]: ...
    def download_bill_async(self, fields: Mapping[str, Any]) -> Awaitable[dict[str, Any]]: ...
    def upload(self, method: str, fields: Mapping[str, str], files: Sequence[Mapping[str, Any]]) -> ResponseNode: ...
    def upload_async(
        self, method: str, fields: Mapping[str, str], files: Sequence[Mapping[str, Any]]
    ) -> Awaitable[ResponseNode]: ...
    def open_file_upload(self, biz_code: str, file: Mapping[str, Any]) -> dict[str, Any]: ...
    def open_file_upload_async(self, biz_code: str, file: Mapping[str, Any]) -> Awaitable[dict[str, Any]]: ...
    def offline_material_image_upload(
        self, image_type: str, image_name: str, image: Mapping[str, Any], image_pid: Optional[str] = None
    ) -> dict[str, Any]: ...
    def offline_material_image_upload_async(
        self, image_type: str, image_name: str, image: Mapping[str, Any], image_pid: Optional[str] = None
    ) -> Awaitable[dict[str, Any]]: ...
    def verify_notification(self, notification: _Notification, rule: str = "v1") -> VerifiedNotification: ...
    def verify_notification_async(
        self, notification: _Notification, rule: str = "v1"
    ) -> Awaitable[VerifiedNotification]: ...

@final
class NativePaymentHandle:
    """A running payment workflow."""

    @property
    def out_trade_no(self) -> str: ...
    @property
    def qr_code(self) -> Optional[str]: ...
    def qr_svg(self) -> str: ...
    def qr_png(self, size: int = 256) -> bytes: ...
    def cancel(self) -> None: ...
    def detach(self) -> None: ...
    def wait(self) -> dict[str, Any]: ...
    def wait_async(self) -> Awaitable[dict[str, Any]]: ...

@final
class NativeWorkflows:
    """The native workflows behind ``Workflows`` and ``AsyncWorkflows``."""

    def __new__(
        cls,
        client: NativeClient,
        journal: Union[str, os.PathLike[str]],
        *,
        on_event: Optional[Callable[[dict[str, Any]], Any]] = None,
        barcode_policy: Optional[Mapping[str, Any]] = None,
        qr_policy: Optional[Mapping[str, Any]] = None,
        refund_policy: Optional[Mapping[str, Any]] = None,
    ) -> NativeWorkflows: ...
    def start_pay(self, fields: Mapping[str, Any]) -> NativePaymentHandle: ...
    def start_pay_async(self, fields: Mapping[str, Any]) -> Awaitable[NativePaymentHandle]: ...
    def precreate(self, fields: Mapping[str, Any]) -> NativePaymentHandle: ...
    def precreate_async(self, fields: Mapping[str, Any]) -> Awaitable[NativePaymentHandle]: ...
    def refund_until_known(self, fields: Mapping[str, Any]) -> dict[str, Any]: ...
    def refund_until_known_async(self, fields: Mapping[str, Any]) -> Awaitable[dict[str, Any]]: ...
    def recover(self, app_auth_tokens: Sequence[str] = ...) -> list[dict[str, Any]]: ...
    def reconcile(self, bill_date: str, orders: Optional[Sequence[Mapping[str, Any]]] = None) -> dict[str, Any]: ...
    def reconcile_async(
        self, bill_date: str, orders: Optional[Sequence[Mapping[str, Any]]] = None
    ) -> Awaitable[dict[str, Any]]: ...
    def receive_notification(
        self, notification: _Notification, rule: str = "v1"
    ) -> tuple[VerifiedNotification, str]: ...
    def receive_notification_async(
        self, notification: _Notification, rule: str = "v1"
    ) -> Awaitable[tuple[VerifiedNotification, str]]: ...
    def mark_notification_handled(self, notification: VerifiedNotification) -> None: ...
    def mark_notification_handled_async(self, notification: VerifiedNotification) -> Awaitable[None]: ...

def _exception_from_info(record: dict[str, Any]) -> AlipayError:
    """The exception a core error record describes (``alipay_core._model`` builds outcomes' errors)."""

def build_sign_content(params: Mapping[str, str]) -> str:
    """The exact text a request signature covers: the non-empty parameters, sorted, as ``k=v&…``."""

def sign_params(params: Mapping[str, str], private_key: str, sign_type: str = "RSA2", charset: str = "utf-8") -> str:
    """Signs ``params`` and returns the base64 ``sign``."""

def verify_response(
    raw_body: bytes, method: str, alipay_public_key: str, sign_type: str = "RSA2", charset: str = "utf-8"
) -> ResponseNode:
    """Verifies a raw gateway answer to ``method`` and returns its node."""

def verify_notify(
    notification: _Notification, alipay_public_key: str, rule: str = "v1", sign_type: str = "RSA2"
) -> dict[str, str]:
    """Verifies a notification (raw body or decoded form) under rule ``v1`` or ``v2`` with the ``sign_type``
    you configured (never the notification's own); returns the fields its signature covers."""

def cert_sn(pem: str) -> str:
    """The SN of a certificate (``app_cert_sn``, or the Alipay certificate's)."""

def root_cert_sn(pem: str) -> str:
    """``alipay_root_cert_sn`` of Alipay's root certificate file."""

def qr_svg(text: str) -> str:
    """The QR code of ``text`` as an SVG document."""

def qr_png(text: str, size: int = 256) -> bytes:
    """The QR code of ``text`` as a PNG of at most ``size`` pixels a side."""

def read_orders_csv(data: bytes) -> list[Any]:
    """The merchant's orders of a CSV export, as ``MerchantOrder`` dicts."""

def read_orders_json(data: bytes) -> list[Any]:
    """The merchant's orders of a JSON array, as ``MerchantOrder`` dicts."""

def reconciliation_csv(report: Mapping[str, Any]) -> str:
    """A reconciliation report's fields as CSV for accountants."""
