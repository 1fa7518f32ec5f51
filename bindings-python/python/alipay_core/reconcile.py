"""Reconciliation (对账): the merchant's orders read from its exports, and a report as CSV.

:meth:`Workflows.reconcile <alipay_core.Workflows.reconcile>` downloads a day's (``yyyy-MM-dd``) or
month's (``yyyy-MM``) trade bill and compares it with the journal and, when given, your orders; the
:class:`~alipay_core.models.ReconciliationReport` it returns lists every payment, refund and refund
total with its :class:`~alipay_core.models.Finding`."""

from __future__ import annotations

from typing import List, Union

from ._native import read_orders_csv, read_orders_json
from ._native import reconciliation_csv as _csv
from .models import ReconciliationReport
from .requests import MerchantOrder


def orders_from_csv(data: Union[bytes, str]) -> List[MerchantOrder]:
    """Your orders from a CSV export with a header row naming ``out_trade_no``, ``amount`` and
    ``status`` (``paid``, ``refunded``, ``not_paid``), and optionally ``refund_amount``, ``paid_at``
    and ``trade_no``. Raises :class:`~alipay_core.InvalidInput` naming the row and column of the
    first problem."""
    raw = data.encode() if isinstance(data, str) else data
    orders: List[MerchantOrder] = read_orders_csv(raw)
    return orders


def orders_from_json(data: Union[bytes, str]) -> List[MerchantOrder]:
    """Your orders from a JSON array of objects with the same fields (amounts as strings)."""
    raw = data.encode() if isinstance(data, str) else data
    orders: List[MerchantOrder] = read_orders_json(raw)
    return orders


def reconciliation_csv(report: ReconciliationReport) -> str:
    """The report as CSV for accountants: UTF-8 with a byte-order mark (so that Excel reads the
    Chinese right), a header row, one row per item."""
    return _csv(report.to_dict())
