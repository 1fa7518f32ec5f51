"""Checking a verified notification against your own order.

A verified signature proves Alipay sent the notification — not that it is about the order you think.
Alipay asks every merchant to check, before acting, that the notification's ``app_id`` is yours and that
its ``out_trade_no`` and ``total_amount`` are those of an order you made (and its ``seller_id``, when
you know it)::

    received = workflows.receive_notification(body)
    order = my_orders[received.fields["out_trade_no"]]  # ExpectedOrder(app_id=…, out_trade_no=…, total_amount=…)
    received.check(order)                                       # raises OrderMismatch otherwise
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Union

from ._native import VerifiedNotification
from .requests import ExpectedOrder

OrderLookup = Union[ExpectedOrder, Callable[[Dict[str, str]], ExpectedOrder]]
"""An order (an :class:`~alipay_core.ExpectedOrder`), or a function from the verified fields to the
order (look it up by ``out_trade_no``)."""


def _check(verified: VerifiedNotification, expected: Optional[OrderLookup]) -> Dict[str, str]:
    """The verified fields, once they match ``expected`` (raises
    :class:`~alipay_core.OrderMismatch` otherwise)."""
    fields = verified.fields
    if expected is not None:
        verified.check(dict(expected(fields) if callable(expected) else expected))
    return fields
