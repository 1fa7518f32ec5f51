"""A payment workflow running in the background (:meth:`~alipay_core.Workflows.start_pay`,
:meth:`~alipay_core.Workflows.precreate_and_wait`): its QR code, its cancel button, its outcome."""

from __future__ import annotations

from typing import Optional

from ._native import NativePaymentHandle
from .models import PaymentOutcome


class PaymentHandle:
    """A payment workflow running in the background: its QR code, its cancel button, its outcome."""

    def __init__(self, native: NativePaymentHandle) -> None:
        self._native = native

    @property
    def out_trade_no(self) -> str:
        """Your order number."""
        return self._native.out_trade_no

    @property
    def qr_code(self) -> Optional[str]:
        """The QR code to show (QR payments); ``None`` if the precreate failed — see the outcome."""
        return self._native.qr_code

    def qr_svg(self) -> str:
        """The QR code as an SVG document; raises :class:`~alipay_core.InvalidInput` (``qr_code``)
        when there is none (not a QR payment, or its precreate failed)."""
        return self._native.qr_svg()

    def qr_png(self, size: int = 256) -> bytes:
        """The QR code as a PNG at most ``size`` pixels a side."""
        return self._native.qr_png(size)

    def cancel(self) -> None:
        """Stop waiting for the buyer and cancel the trade now (safe from any thread). The outcome
        still tells the truth: a buyer who paid meanwhile is reported paid, or refunded by the cancel."""
        self._native.cancel()

    def detach(self) -> None:
        """Let the workflow finish alone; its outcome goes to the journal and ``on_event``."""
        self._native.detach()

    def outcome(self) -> PaymentOutcome:
        """Waits for the end (once)."""
        return PaymentOutcome._from(self._native.wait())


class AsyncPaymentHandle(PaymentHandle):
    """:class:`PaymentHandle` for asyncio. Cancelling the task awaiting :meth:`outcome` cancels the
    trade (the workflow's cancel path), and the truth still reaches the journal and ``on_event``."""

    async def outcome(self) -> PaymentOutcome:  # type: ignore[override]
        """Waits for the end (once)."""
        return PaymentOutcome._from(await self._native.wait_async())
