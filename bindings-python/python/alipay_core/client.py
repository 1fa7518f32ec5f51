"""``Client`` (blocking; the GIL is released while Rust waits) and ``AsyncClient`` (asyncio).

Both are thin: arguments become the call's fields, the Rust core signs, sends, verifies and parses,
and the verified answer comes back as a typed object from :mod:`alipay_core.models`. The typed calls
(``trade_pay`` … ``data_dataservice_bill_downloadurl_query``, ``download_bill``, page/wap/app pay) are
generated from the core's call table (:mod:`alipay_core._calls`), named as the core names them; fields
a method does not name (``extend_params``, ``query_options``, …) pass through as keyword arguments.

Money is ``decimal.Decimal``, ``int`` (whole yuan) or ``str``; a ``float`` is refused with
:class:`~alipay_core.InvalidInput`, because it cannot hold ``0.10`` exactly.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from ._calls import AsyncCalls, Calls, ClientSettingsInit, SignedCalls
from ._model import KeySource, MoneyLike
from ._native import NativeClient, ResponseNode
from .models import OfflineMaterialImageUploadResponse, OpenFileUploadResponse
from .notifications import OrderLookup, _check
from .uploads import UploadFile

Notification = Union[bytes, Mapping[str, str]]
"""A notification: the raw form body (``bytes``) or the form a web framework decoded (a mapping)."""


class _ClientBase(ClientSettingsInit, SignedCalls):
    """What both clients share: configuration, per-call options and the calls that send nothing."""

    _native: NativeClient

    def _connect(self, settings: Dict[str, Any]) -> NativeClient:
        """The native client. Keys and certificates are text (PEM or bare base64, PKCS#1 or PKCS#8),
        ``bytes`` or a path; ``gateway`` is ``"production"``, ``"sandbox"`` or a URL; ``protocol`` ``"v2"``
        or ``"v3"``; certificate mode takes all three of ``app_cert``, ``alipay_cert`` and
        ``alipay_root_cert`` instead of ``alipay_public_key``; ``encrypt_key`` is the AES key (base64);
        timeouts are in seconds. A bad key or setting raises :class:`~alipay_core.ConfigError`."""
        return NativeClient(settings)

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


class Client(_ClientBase, Calls):
    """The blocking client. Every call releases the GIL while it waits, so threads run meanwhile.

    Errors: :class:`~alipay_core.GatewayError` (Alipay said no: ``code``, ``sub_code``, ``sub_msg``),
    :class:`~alipay_core.TransportError` (``outcome_unknown``: query before retrying),
    :class:`~alipay_core.SignatureError` (never believe that answer), :class:`~alipay_core.InvalidInput`
    (nothing was sent), :class:`~alipay_core.ConfigError`.
    """

    def execute(self, method: str, biz_content: Optional[Mapping[str, Any]] = None) -> ResponseNode:
        """Any Alipay method: signed, sent, and its answer verified (``.data`` is the node as a dict)."""
        return self._native.execute(method, dict(biz_content) if biz_content is not None else None)

    def upload(self, method: str, fields: Mapping[str, str], files: Sequence[UploadFile]) -> ResponseNode:
        """A multipart upload (``alipay.open.file.upload``, ``alipay.merchant.item.file.upload``, …):
        ``fields`` are its text parameters, signed; ``files`` are not signed (Alipay signs only text).
        The answer is verified like every other."""
        return self._native.upload(method, dict(fields), [f._native() for f in files])

    def open_file_upload(self, biz_code: str, file: UploadFile) -> OpenFileUploadResponse:
        """``alipay.open.file.upload``: the file's ``file_id``."""
        return OpenFileUploadResponse._from(self._native.open_file_upload(biz_code, file._native("file_content")))

    def offline_material_image_upload(
        self, image_type: str, image_name: str, image: UploadFile, *, image_pid: Optional[str] = None
    ) -> OfflineMaterialImageUploadResponse:
        """``alipay.offline.material.image.upload``: the image's ``image_id`` and ``image_url``."""
        answer = self._native.offline_material_image_upload(
            image_type, image_name, image._native("image_content"), image_pid
        )
        return OfflineMaterialImageUploadResponse._from(answer)

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


class AsyncClient(_ClientBase, AsyncCalls):
    """The asyncio client: the same calls as :class:`Client`, awaitable. Cancelling a call stops the
    wait; a request already sent may still take effect, so query before retrying it."""

    async def execute(self, method: str, biz_content: Optional[Mapping[str, Any]] = None) -> ResponseNode:
        """As :meth:`Client.execute`."""
        return await self._native.execute_async(method, dict(biz_content) if biz_content is not None else None)

    async def upload(self, method: str, fields: Mapping[str, str], files: Sequence[UploadFile]) -> ResponseNode:
        """As :meth:`Client.upload`."""
        return await self._native.upload_async(method, dict(fields), [f._native() for f in files])

    async def open_file_upload(self, biz_code: str, file: UploadFile) -> OpenFileUploadResponse:
        """As :meth:`Client.open_file_upload`."""
        answer = await self._native.open_file_upload_async(biz_code, file._native("file_content"))
        return OpenFileUploadResponse._from(answer)

    async def offline_material_image_upload(
        self, image_type: str, image_name: str, image: UploadFile, *, image_pid: Optional[str] = None
    ) -> OfflineMaterialImageUploadResponse:
        """As :meth:`Client.offline_material_image_upload`."""
        answer = await self._native.offline_material_image_upload_async(
            image_type, image_name, image._native("image_content"), image_pid
        )
        return OfflineMaterialImageUploadResponse._from(answer)

    async def verify_notification(
        self, notification: Notification, rule: str = "v1", *, expected: Optional[OrderLookup] = None
    ) -> Dict[str, str]:
        """As :meth:`Client.verify_notification`."""
        return _check(await self._native.verify_notification_async(notification, rule), expected)
