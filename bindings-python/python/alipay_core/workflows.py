"""The face-to-face workflows: barcode pay polled to the truth, QR pay, refunds until known.

Every workflow is journaled (a SQLite file, a PostgreSQL database shared by every instance of the
backend, or ``":memory:"`` for tests) before anything is sent, so a crash loses nothing: :meth:`Workflows.recover` finishes what was left. An ``out_trade_no`` is never
sent twice; a refund's ``out_request_no`` is reused only to retry that same refund.

Progress events go to ``on_event`` — called on a worker thread of the Rust runtime (from asyncio,
hand them to the loop with ``loop.call_soon_threadsafe``). An exception it raises is reported as
unraisable and never disturbs the workflow. The callback must not make blocking ``alipay_core``
calls: the runtime cannot wait on its own thread, so they raise :class:`~alipay_core.ConfigError`
(kind ``config``); hand such work to another thread. Once the interpreter exits, no more events
are delivered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from ._calls import AsyncWorkflowCalls, WorkflowCalls
from ._native import AlipayError, NativeWorkflows, VerifiedNotification
from .client import AsyncClient, Client, Notification
from .handles import AsyncPaymentHandle, PaymentHandle
from .models import PaymentOutcome, ReconciliationReport, Recovered, RefundOutcome, WorkflowEvent
from .requests import MerchantOrder, PollPolicy, RefundPolicy
from .notifications import OrderLookup, _check


@dataclasses.dataclass(frozen=True)
class ReceivedNotification:
    """A verified notification, and what the journal said of its ``notify_id`` — atomically across
    every process sharing the journal:

    - ``delivery == "first"`` (``first_delivery``): handle it, ``mark_notification_handled``, then
      answer ``success``;
    - ``"in_progress"``: another receiver is handling it right now; answer anything but ``success``
      and Alipay delivers it again;
    - ``"handled"``: answer ``success`` and do nothing else."""

    fields: Dict[str, str]
    delivery: str
    _verified: Optional[VerifiedNotification] = dataclasses.field(default=None, repr=False, compare=False)

    @classmethod
    def _of(cls, verified: VerifiedNotification, delivery: str) -> ReceivedNotification:
        return cls(verified.fields, delivery, verified)

    @property
    def first_delivery(self) -> bool:
        """``True`` when this receiver is the one to handle it (``delivery == "first"``)."""
        return self.delivery == "first"

    @property
    def notify_id(self) -> Optional[str]:
        """Alipay's id of this notification (the same on every redelivery)."""
        return self.fields.get("notify_id")

    def _native_verified(self) -> VerifiedNotification:
        if self._verified is None:
            raise AlipayError("this notification was not verified by alipay_core")
        return self._verified

    def check(self, order: OrderLookup) -> None:
        """Checks this trade notification against your order — an
        :class:`~alipay_core.ExpectedOrder`, or a function from :attr:`fields` to it: ``app_id``,
        ``out_trade_no`` and ``total_amount`` (and ``seller_id`` when given) must be the order's.
        Raises :class:`~alipay_core.OrderMismatch` naming the first field that differs; act on the
        notification only after this passes."""
        _check(self._native_verified(), order)


def _policy(policy: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    return None if policy is None else {k: v for k, v in policy.items() if v is not None}


def _orders(orders: Optional[Sequence[MerchantOrder]]) -> Optional[List[Dict[str, Any]]]:
    return None if orders is None else [dict(o) for o in orders]


def _recovered(items: List[Dict[str, Any]]) -> List[Recovered]:
    return [Recovered._from(item) for item in items]


class _WorkflowsBase:
    _native: NativeWorkflows

    def __init__(
        self,
        client: Union[Client, AsyncClient],
        journal: Union[str, "os.PathLike[str]"],
        *,
        on_event: Optional[Callable[[WorkflowEvent], Any]] = None,
        barcode_policy: Optional[PollPolicy] = None,
        qr_policy: Optional[PollPolicy] = None,
        refund_policy: Optional[RefundPolicy] = None,
    ) -> None:
        """Workflows over ``client``, journaled in ``journal``: a SQLite file (created if new), a
        ``postgresql://`` URL whose database every instance of the backend shares (each workflow is
        owned by the instance running it; ``recover()`` on any instance takes over only those of
        instances that are gone), or ``":memory:"`` for tests only."""
        callback = None if on_event is None else (lambda data: on_event(WorkflowEvent._from(data)))
        self._native = NativeWorkflows(
            client.native,
            os.fspath(journal),
            on_event=callback,
            barcode_policy=_policy(barcode_policy),
            qr_policy=_policy(qr_policy),
            refund_policy=_policy(refund_policy),
        )


class Workflows(_WorkflowsBase, WorkflowCalls):
    """The blocking workflows (the GIL is released while they wait). ``pay_and_wait``, ``start_pay``,
    ``precreate_and_wait`` and ``refund_until_known`` take their request's fields (generated from the
    core's workflow table, :mod:`alipay_core._calls`)."""

    def _pay_and_wait(self, values: Dict[str, Any]) -> PaymentOutcome:
        return self._start_pay(values).outcome()

    def _start_pay(self, values: Dict[str, Any]) -> PaymentHandle:
        return PaymentHandle(self._native.start_pay(values))

    def _precreate_and_wait(self, values: Dict[str, Any]) -> PaymentHandle:
        return PaymentHandle(self._native.precreate(values))

    def _refund_until_known(self, values: Dict[str, Any]) -> RefundOutcome:
        return RefundOutcome._from(self._native.refund_until_known(values))

    def recover(self, app_auth_tokens: Sequence[str] = ()) -> List[Recovered]:
        """Finishes every workflow a crash left unfinished in the journal. An ISV passes the merchants'
        current ``app_auth_tokens``: the journal keeps only a fingerprint of each, and a workflow whose token
        is not given stays open with a ``ConfigError``. A payment nobody has seen yet stays unresolved until
        its own expiry has passed, so call this now and again, not only at startup."""
        return _recovered(self._native.recover(list(app_auth_tokens)))

    def reconcile(self, bill_date: str, orders: Optional[Sequence[MerchantOrder]] = None) -> ReconciliationReport:
        """Downloads the trade bill of ``bill_date`` (``yyyy-MM-dd`` for a day, ``yyyy-MM`` for a
        month) and compares it with the journal, and with your ``orders`` when given
        (:func:`~alipay_core.orders_from_csv`): every payment, refund and refund total, matched or
        not (``report.totals.mismatched``). Money is summed exactly."""
        return ReconciliationReport._from(self._native.reconcile(bill_date, _orders(orders)))

    def receive_notification(self, notification: Notification, rule: str = "v1") -> ReceivedNotification:
        """Verifies a notification and claims its ``notify_id`` in the journal (see
        :class:`ReceivedNotification`)."""
        return ReceivedNotification._of(*self._native.receive_notification(notification, rule))

    def mark_notification_handled(self, notification: ReceivedNotification) -> None:
        """Records the notification as handled, so redeliveries are recognised."""
        self._native.mark_notification_handled(notification._native_verified())


class AsyncWorkflows(_WorkflowsBase, AsyncWorkflowCalls):
    """The asyncio workflows. Cancelling a task in :meth:`pay_and_wait` takes the workflow's cancel
    path; cancelling :meth:`refund_until_known` stops only the wait (the refund runs on to a known end)."""

    async def _pay_and_wait(self, values: Dict[str, Any]) -> PaymentOutcome:
        handle = await self._start_pay(values)
        return await handle.outcome()

    async def _start_pay(self, values: Dict[str, Any]) -> AsyncPaymentHandle:
        return AsyncPaymentHandle(await self._native.start_pay_async(values))

    async def _precreate_and_wait(self, values: Dict[str, Any]) -> AsyncPaymentHandle:
        return AsyncPaymentHandle(await self._native.precreate_async(values))

    async def _refund_until_known(self, values: Dict[str, Any]) -> RefundOutcome:
        return RefundOutcome._from(await self._native.refund_until_known_async(values))

    async def recover(self, app_auth_tokens: Sequence[str] = ()) -> List[Recovered]:
        """As :meth:`Workflows.recover` (it blocks a worker thread, not the event loop)."""
        tokens = list(app_auth_tokens)
        recovered = await asyncio.get_running_loop().run_in_executor(None, self._native.recover, tokens)
        return _recovered(recovered)

    async def reconcile(
        self, bill_date: str, orders: Optional[Sequence[MerchantOrder]] = None
    ) -> ReconciliationReport:
        """As :meth:`Workflows.reconcile`."""
        return ReconciliationReport._from(await self._native.reconcile_async(bill_date, _orders(orders)))

    async def receive_notification(self, notification: Notification, rule: str = "v1") -> ReceivedNotification:
        """As :meth:`Workflows.receive_notification`."""
        return ReceivedNotification._of(*await self._native.receive_notification_async(notification, rule))

    async def mark_notification_handled(self, notification: ReceivedNotification) -> None:
        """As :meth:`Workflows.mark_notification_handled`."""
        await self._native.mark_notification_handled_async(notification._native_verified())
