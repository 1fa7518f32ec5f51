"""Checking a verified notification against your own order.

A verified signature proves Alipay sent the notification — not that it is about the order you think.
Alipay asks every merchant to check, before acting, that the notification's ``app_id`` is yours and that
its ``out_trade_no`` and ``total_amount`` are those of an order you made (and its ``seller_id``, when
you know it)::

    received = workflows.receive_notification(body)
    order = my_orders[received.fields["out_trade_no"]]          # your record: an ExpectedOrder
    received.check(order)                                       # raises OrderMismatch otherwise
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Callable, Dict, Optional, Union

from ._native import VerifiedNotification


@dataclasses.dataclass(frozen=True)
class ExpectedOrder:
    """Your own record of an order, to check a trade notification against: ``app_id``,
    ``out_trade_no`` and ``total_amount`` must be the notification's; ``seller_id`` too when given."""

    app_id: str
    out_trade_no: str
    total_amount: Union[Decimal, int, str]
    seller_id: Optional[str] = None


OrderLookup = Union[ExpectedOrder, Callable[[Dict[str, str]], ExpectedOrder]]
"""An order, or a function from the verified fields to the order (look it up by ``out_trade_no``)."""


def _check(verified: VerifiedNotification, expected: Optional[OrderLookup]) -> Dict[str, str]:
    """The verified fields, once they match ``expected`` (raises
    :class:`~alipay_core.OrderMismatch` otherwise)."""
    fields = verified.fields
    if expected is not None:
        order = expected if isinstance(expected, ExpectedOrder) else expected(fields)
        verified.check(order.app_id, order.out_trade_no, order.total_amount, order.seller_id)
    return fields
