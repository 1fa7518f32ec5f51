"""``Client`` (blocking; the GIL is released while Rust waits) and ``AsyncClient`` (asyncio).

Both are thin: arguments become the call's fields, the Rust core signs, sends, verifies and parses,
and the verified answer comes back as a typed object from :mod:`alipay_core.models`. Fields a method
does not name (``extend_params``, ``query_options``, …) pass through as keyword arguments.

Money is ``decimal.Decimal``, ``int`` (whole yuan) or ``str``; a ``float`` is refused with
:class:`~alipay_core.InvalidInput`, because it cannot hold ``0.10`` exactly.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any, Dict, Mapping, Optional, Union

from ._native import NativeClient, ResponseNode
from .notifications import OrderLookup, _check
from .models import (
    Bill,
    BillDownloadUrlQueryResponse,
    TradeCancelResponse,
    TradeCloseResponse,
    TradeCreateResponse,
    TradeFastpayRefundQueryResponse,
    TradePayResponse,
    TradePrecreateResponse,
    TradeQueryResponse,
    TradeRefundResponse,
)


MoneyLike = Union[Decimal, int, str]
"""An amount in yuan: ``Decimal("88.88")``, ``88`` or ``"88.88"`` — never a float."""

KeySource = Union[str, bytes, "os.PathLike[str]"]
"""A key or certificate: its text (``str``), a file's content (``bytes``) or a file (``pathlib.Path``)."""

Notification = Union[bytes, Mapping[str, str]]
"""A notification: the raw form body (``bytes``) or the form a web framework decoded (a mapping)."""


def _fields(named: Mapping[str, Any], rest: Mapping[str, Any]) -> Dict[str, Any]:
    """A call's fields: the named ones that were given, then the pass-through ones."""
    out = {k: v for k, v in named.items() if v is not None}
    out.update(rest)
    return out


class _ClientBase:
    """What both clients share: configuration, per-call options and the calls that send nothing."""

    _native: NativeClient

    def __init__(
        self,
        app_id: str,
        app_private_key: KeySource,
        alipay_public_key: Optional[KeySource] = None,
        *,
        gateway: str = "production",
        protocol: str = "v2",
        sign_type: str = "RSA2",
        charset: str = "utf-8",
        app_cert: Optional[KeySource] = None,
        alipay_cert: Optional[KeySource] = None,
        alipay_root_cert: Optional[KeySource] = None,
        encrypt_key: Optional[str] = None,
        encrypt_by_default: bool = False,
        connect_timeout: Optional[float] = None,
        timeout: Optional[float] = None,
        proxy: Optional[str] = None,
        user_agent: Optional[str] = None,
    ) -> None:
        """A client for ``app_id``.

        Keys and certificates are text (PEM or bare base64, PKCS#1 or PKCS#8), ``bytes`` or a path.
        ``gateway`` is ``"production"``, ``"sandbox"`` or a URL; ``protocol`` ``"v2"`` (``gateway.do``)
        or ``"v3"``. Certificate mode takes all three of ``app_cert``, ``alipay_cert`` and
        ``alipay_root_cert`` instead of ``alipay_public_key``. ``encrypt_key`` is the AES key (base64);
        timeouts are in seconds. A bad key or setting raises :class:`~alipay_core.ConfigError` here.
        """
        self._native = NativeClient(
            app_id,
            app_private_key,
            alipay_public_key,
            gateway=gateway,
            protocol=protocol,
            sign_type=sign_type,
            charset=charset,
            app_cert=app_cert,
            alipay_cert=alipay_cert,
            alipay_root_cert=alipay_root_cert,
            encrypt_key=encrypt_key,
            encrypt_by_default=encrypt_by_default,
            connect_timeout=connect_timeout,
            timeout=timeout,
            proxy=proxy,
            user_agent=user_agent,
        )

    @classmethod
    def _wrapping(cls, native: NativeClient) -> Any:
        client = cls.__new__(cls)
        client._native = native
        return client

    @property
    def native(self) -> NativeClient:
        """The native client (for :class:`~alipay_core.Workflows`)."""
        return self._native

    @property
    def app_id(self) -> str:
        """The app id."""
        return self._native.app_id

    @property
    def gateway(self) -> str:
        """The gateway URL."""
        return self._native.gateway

    def with_options(
        self,
        *,
        app_auth_token: Optional[str] = None,
        notify_url: Optional[str] = None,
        return_url: Optional[str] = None,
        encrypt: Optional[bool] = None,
        params: Optional[Mapping[str, str]] = None,
    ) -> Any:
        """A client of the same kind whose calls carry these options (``app_auth_token`` for an ISV
        acting for a merchant, ``notify_url``, ``return_url``, AES ``encrypt``, extra signed ``params``)."""
        native = self._native.with_options(
            app_auth_token=app_auth_token,
            notify_url=notify_url,
            return_url=return_url,
            encrypt=encrypt,
            params=dict(params) if params is not None else None,
        )
        return type(self)._wrapping(native)

    def trade_page_pay(
        self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, format: str = "form", **fields: Any
    ) -> str:
        """``alipay.trade.page.pay`` (desktop web): a self-submitting HTML form (``format="form"``) to
        write into the page, or a URL (``"url"``) to redirect to."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject}
        return self._native.page("alipay.trade.page.pay", _fields(named, fields), format)

    def trade_wap_pay(
        self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, format: str = "form", **fields: Any
    ) -> str:
        """``alipay.trade.wap.pay`` (mobile web): a form or URL, as :meth:`trade_page_pay`."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject}
        return self._native.page("alipay.trade.wap.pay", _fields(named, fields), format)

    def trade_app_pay(self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, **fields: Any) -> str:
        """``alipay.trade.app.pay``: the signed order string to hand to the Alipay mobile SDK."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject}
        return self._native.page("alipay.trade.app.pay", _fields(named, fields), "form")


class Client(_ClientBase):
    """The blocking client. Every call releases the GIL while it waits, so threads run meanwhile.

    Errors: :class:`~alipay_core.GatewayError` (Alipay said no: ``code``, ``sub_code``, ``sub_msg``),
    :class:`~alipay_core.TransportError` (``outcome_unknown``: query before retrying),
    :class:`~alipay_core.SignatureError` (never believe that answer), :class:`~alipay_core.InvalidInput`
    (nothing was sent), :class:`~alipay_core.ConfigError`.
    """

    def trade_pay(
        self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, auth_code: str, **fields: Any
    ) -> TradePayResponse:
        """``alipay.trade.pay``: charge the buyer's payment code. ``code`` ``10003`` means the buyer must
        confirm — poll and cancel, or use :meth:`Workflows.pay_and_wait`, which does."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject, "auth_code": auth_code}
        return TradePayResponse._from(self._native.call("alipay.trade.pay", _fields(named, fields)))

    def trade_precreate(
        self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, **fields: Any
    ) -> TradePrecreateResponse:
        """``alipay.trade.precreate``: a QR code for the buyer to scan."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject}
        return TradePrecreateResponse._from(self._native.call("alipay.trade.precreate", _fields(named, fields)))

    def trade_create(
        self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, **fields: Any
    ) -> TradeCreateResponse:
        """``alipay.trade.create``: a trade for a known buyer (``buyer_id`` or ``buyer_open_id``)."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject}
        return TradeCreateResponse._from(self._native.call("alipay.trade.create", _fields(named, fields)))

    def trade_query(
        self, *, out_trade_no: Optional[str] = None, trade_no: Optional[str] = None, **fields: Any
    ) -> TradeQueryResponse:
        """``alipay.trade.query``: a trade's state, by ``out_trade_no`` or ``trade_no``."""
        named = {"out_trade_no": out_trade_no, "trade_no": trade_no}
        return TradeQueryResponse._from(self._native.call("alipay.trade.query", _fields(named, fields)))

    def trade_refund(
        self,
        *,
        refund_amount: MoneyLike,
        out_request_no: str,
        out_trade_no: Optional[str] = None,
        trade_no: Optional[str] = None,
        **fields: Any,
    ) -> TradeRefundResponse:
        """``alipay.trade.refund``. Retry only with the same ``out_request_no``; ``fund_change=False``
        needs a refund query — :meth:`Workflows.refund_until_known` does both."""
        named = {"refund_amount": refund_amount, "out_request_no": out_request_no, "out_trade_no": out_trade_no, "trade_no": trade_no}
        return TradeRefundResponse._from(self._native.call("alipay.trade.refund", _fields(named, fields)))

    def trade_fastpay_refund_query(
        self, *, out_request_no: str, out_trade_no: Optional[str] = None, trade_no: Optional[str] = None, **fields: Any
    ) -> TradeFastpayRefundQueryResponse:
        """``alipay.trade.fastpay.refund.query``: whether refund ``out_request_no`` was made."""
        named = {"out_request_no": out_request_no, "out_trade_no": out_trade_no, "trade_no": trade_no}
        answer = self._native.call("alipay.trade.fastpay.refund.query", _fields(named, fields))
        return TradeFastpayRefundQueryResponse._from(answer)

    def trade_cancel(
        self, *, out_trade_no: Optional[str] = None, trade_no: Optional[str] = None, **fields: Any
    ) -> TradeCancelResponse:
        """``alipay.trade.cancel``: close an unpaid trade or refund a paid one (``action``)."""
        named = {"out_trade_no": out_trade_no, "trade_no": trade_no}
        return TradeCancelResponse._from(self._native.call("alipay.trade.cancel", _fields(named, fields)))

    def trade_close(
        self, *, out_trade_no: Optional[str] = None, trade_no: Optional[str] = None, **fields: Any
    ) -> TradeCloseResponse:
        """``alipay.trade.close``: close an unpaid trade."""
        named = {"out_trade_no": out_trade_no, "trade_no": trade_no}
        return TradeCloseResponse._from(self._native.call("alipay.trade.close", _fields(named, fields)))

    def bill_downloadurl_query(self, *, bill_type: str, bill_date: str, **fields: Any) -> BillDownloadUrlQueryResponse:
        """``alipay.data.dataservice.bill.downloadurl.query``: the URL of a day's or month's bill."""
        named = {"bill_type": bill_type, "bill_date": bill_date}
        answer = self._native.call("alipay.data.dataservice.bill.downloadurl.query", _fields(named, fields))
        return BillDownloadUrlQueryResponse._from(answer)

    def download_bill(self, *, bill_type: str, bill_date: str, **fields: Any) -> Bill:
        """The bill (``bill_type`` ``trade`` or ``signcustomer``) downloaded, unzipped and parsed."""
        return Bill._from(self._native.download_bill(_fields({"bill_type": bill_type, "bill_date": bill_date}, fields)))

    def execute(self, method: str, biz_content: Optional[Mapping[str, Any]] = None) -> ResponseNode:
        """Any Alipay method: signed, sent, and its answer verified (``.data`` is the node as a dict)."""
        return self._native.execute(method, dict(biz_content) if biz_content is not None else None)

    def verify_notification(
        self, notification: Notification, rule: str = "v1", *, expected: Optional[OrderLookup] = None
    ) -> Dict[str, str]:
        """Verifies an asynchronous notification (raw body, or a framework's form) and returns the
        fields its signature covers; raises :class:`~alipay_core.SignatureError` for one that must
        not be believed. In certificate mode a rotated Alipay certificate is fetched and checked first.

        ``expected`` — your :class:`~alipay_core.ExpectedOrder`, or a function from the fields to it —
        is then checked against the notification (``app_id``, ``out_trade_no``, ``total_amount``,
        ``seller_id``): :class:`~alipay_core.OrderMismatch` names the first field that differs."""
        return _check(self._native.verify_notification(notification, rule), expected)


class AsyncClient(_ClientBase):
    """The asyncio client: the same calls as :class:`Client`, awaitable. Cancelling a call stops the
    wait; a request already sent may still take effect, so query before retrying it."""

    async def trade_pay(
        self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, auth_code: str, **fields: Any
    ) -> TradePayResponse:
        """As :meth:`Client.trade_pay`."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject, "auth_code": auth_code}
        return TradePayResponse._from(await self._native.call_async("alipay.trade.pay", _fields(named, fields)))

    async def trade_precreate(
        self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, **fields: Any
    ) -> TradePrecreateResponse:
        """As :meth:`Client.trade_precreate`."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject}
        answer = await self._native.call_async("alipay.trade.precreate", _fields(named, fields))
        return TradePrecreateResponse._from(answer)

    async def trade_create(
        self, *, out_trade_no: str, total_amount: MoneyLike, subject: str, **fields: Any
    ) -> TradeCreateResponse:
        """As :meth:`Client.trade_create`."""
        named = {"out_trade_no": out_trade_no, "total_amount": total_amount, "subject": subject}
        return TradeCreateResponse._from(await self._native.call_async("alipay.trade.create", _fields(named, fields)))

    async def trade_query(
        self, *, out_trade_no: Optional[str] = None, trade_no: Optional[str] = None, **fields: Any
    ) -> TradeQueryResponse:
        """As :meth:`Client.trade_query`."""
        named = {"out_trade_no": out_trade_no, "trade_no": trade_no}
        return TradeQueryResponse._from(await self._native.call_async("alipay.trade.query", _fields(named, fields)))

    async def trade_refund(
        self,
        *,
        refund_amount: MoneyLike,
        out_request_no: str,
        out_trade_no: Optional[str] = None,
        trade_no: Optional[str] = None,
        **fields: Any,
    ) -> TradeRefundResponse:
        """As :meth:`Client.trade_refund`."""
        named = {"refund_amount": refund_amount, "out_request_no": out_request_no, "out_trade_no": out_trade_no, "trade_no": trade_no}
        return TradeRefundResponse._from(await self._native.call_async("alipay.trade.refund", _fields(named, fields)))

    async def trade_fastpay_refund_query(
        self, *, out_request_no: str, out_trade_no: Optional[str] = None, trade_no: Optional[str] = None, **fields: Any
    ) -> TradeFastpayRefundQueryResponse:
        """As :meth:`Client.trade_fastpay_refund_query`."""
        named = {"out_request_no": out_request_no, "out_trade_no": out_trade_no, "trade_no": trade_no}
        answer = await self._native.call_async("alipay.trade.fastpay.refund.query", _fields(named, fields))
        return TradeFastpayRefundQueryResponse._from(answer)

    async def trade_cancel(
        self, *, out_trade_no: Optional[str] = None, trade_no: Optional[str] = None, **fields: Any
    ) -> TradeCancelResponse:
        """As :meth:`Client.trade_cancel`."""
        named = {"out_trade_no": out_trade_no, "trade_no": trade_no}
        return TradeCancelResponse._from(await self._native.call_async("alipay.trade.cancel", _fields(named, fields)))

    async def trade_close(
        self, *, out_trade_no: Optional[str] = None, trade_no: Optional[str] = None, **fields: Any
    ) -> TradeCloseResponse:
        """As :meth:`Client.trade_close`."""
        named = {"out_trade_no": out_trade_no, "trade_no": trade_no}
        return TradeCloseResponse._from(await self._native.call_async("alipay.trade.close", _fields(named, fields)))

    async def bill_downloadurl_query(
        self, *, bill_type: str, bill_date: str, **fields: Any
    ) -> BillDownloadUrlQueryResponse:
        """As :meth:`Client.bill_downloadurl_query`."""
        named = {"bill_type": bill_type, "bill_date": bill_date}
        answer = await self._native.call_async("alipay.data.dataservice.bill.downloadurl.query", _fields(named, fields))
        return BillDownloadUrlQueryResponse._from(answer)

    async def download_bill(self, *, bill_type: str, bill_date: str, **fields: Any) -> Bill:
        """As :meth:`Client.download_bill`."""
        named = {"bill_type": bill_type, "bill_date": bill_date}
        return Bill._from(await self._native.download_bill_async(_fields(named, fields)))

    async def execute(self, method: str, biz_content: Optional[Mapping[str, Any]] = None) -> ResponseNode:
        """As :meth:`Client.execute`."""
        return await self._native.execute_async(method, dict(biz_content) if biz_content is not None else None)

    async def verify_notification(
        self, notification: Notification, rule: str = "v1", *, expected: Optional[OrderLookup] = None
    ) -> Dict[str, str]:
        """As :meth:`Client.verify_notification`."""
        return _check(await self._native.verify_notification_async(notification, rule), expected)
