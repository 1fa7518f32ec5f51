"""Typed results: every answer, bill, outcome and event as an object with attributes.

Amounts are :class:`decimal.Decimal`; string enums (:class:`TradeStatus`, …) keep values this version
does not know as plain ``str``; fields Alipay sends that a class does not declare are kept in ``extra``.
Every object has ``to_dict()``. These classes only carry what the Rust core decided and verified: they
are built from its fields, never from anything unverified.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
import typing
from decimal import Decimal
from typing import Any, Callable, ClassVar, Dict, List, Mapping, Optional, Type, TypeVar, Union

from ._native import AlipayError


M = TypeVar("M", bound="Model")
O = TypeVar("O", bound="_Outcome")


class TradeStatus(str, enum.Enum):
    """``trade_status``. Only ``TRADE_SUCCESS`` and ``TRADE_FINISHED`` mean paid."""

    WAIT_BUYER_PAY = "WAIT_BUYER_PAY"
    TRADE_CLOSED = "TRADE_CLOSED"
    TRADE_SUCCESS = "TRADE_SUCCESS"
    TRADE_FINISHED = "TRADE_FINISHED"


class RefundStatus(str, enum.Enum):
    """``refund_status`` of a refund query; absent when the refund was not (yet) made."""

    REFUND_SUCCESS = "REFUND_SUCCESS"


class CancelAction(str, enum.Enum):
    """What a cancel did: ``close`` (was unpaid) or ``refund`` (was paid, money returned)."""

    CLOSE = "close"
    REFUND = "refund"


def _convert_to(hint: Any) -> Callable[[Any], Any]:
    """How a field of type ``hint`` is built from the core's JSON value."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin is Union:
        enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        if enums:
            kind = enums[0]
            return lambda v: _enum_or_text(kind, v)
        return _convert_to(args[0]) if len(args) == 1 else (lambda v: v)
    if origin in (list, List):
        item = _convert_to(args[0])
        return lambda v: [item(x) for x in v]
    if hint is Decimal:
        return lambda v: Decimal(str(v))
    if isinstance(hint, type) and issubclass(hint, Model):
        return hint._from
    return lambda v: v


def _enum_or_text(kind: Type[enum.Enum], value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        return value  # A value this version does not know, kept verbatim.


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Model:
    """Base of every result class: ``to_dict()`` and construction from the core's fields."""

    _converters: ClassVar[Dict[str, Callable[[Any], Any]]]
    extra: Dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._converters = {}

    @classmethod
    def _prepare(cls) -> Dict[str, Callable[[Any], Any]]:
        if not cls._converters:
            hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
            cls._converters = {
                f.name: _convert_to(hints[f.name]) for f in dataclasses.fields(cls) if f.name != "extra"  # type: ignore[arg-type]
            }
        return cls._converters

    @classmethod
    def _from(cls: Type[M], data: Mapping[str, Any]) -> M:
        converters = cls._prepare()
        values: Dict[str, Any] = {}
        extra: Dict[str, Any] = {}
        for key, value in data.items():
            if key in converters:
                values[key] = None if value is None else converters[key](value)
            elif key == "extra" and isinstance(value, dict):
                extra.update(value)
            else:
                extra[key] = value
        return cls(**values, extra=extra)  # type: ignore[call-arg]

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a dict (enums as their text, nested objects as dicts), ``extra`` merged in."""
        out = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self) if f.name != "extra"}  # type: ignore[arg-type]
        out.update(self.extra)
        return out


def _extra() -> Any:
    return dataclasses.field(default_factory=dict, repr=False)


@dataclasses.dataclass(frozen=True)
class FundBill(Model):
    """One payment channel of a trade or refund."""

    fund_channel: str
    amount: Decimal
    real_amount: Optional[Decimal] = None
    bank_code: Optional[str] = None
    fund_type: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradePayResponse(Model):
    """``alipay.trade.pay``: ``code`` ``10000`` paid, ``10003`` the buyer must confirm (poll)."""

    code: str
    msg: str = ""
    trade_no: Optional[str] = None
    out_trade_no: Optional[str] = None
    buyer_logon_id: Optional[str] = None
    buyer_user_id: Optional[str] = None
    buyer_open_id: Optional[str] = None
    total_amount: Optional[Decimal] = None
    receipt_amount: Optional[Decimal] = None
    buyer_pay_amount: Optional[Decimal] = None
    point_amount: Optional[Decimal] = None
    invoice_amount: Optional[Decimal] = None
    gmt_payment: Optional[str] = None
    fund_bill_list: List[FundBill] = dataclasses.field(default_factory=list)
    store_name: Optional[str] = None
    discount_amount: Optional[Decimal] = None
    mdiscount_amount: Optional[Decimal] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradePrecreateResponse(Model):
    """``alipay.trade.precreate``: the QR code to show (valid 2 hours)."""

    code: str
    qr_code: str
    msg: str = ""
    out_trade_no: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradeCreateResponse(Model):
    """``alipay.trade.create``: the ``trade_no`` a client-side payment needs."""

    code: str
    trade_no: str
    msg: str = ""
    out_trade_no: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradeQueryResponse(Model):
    """``alipay.trade.query``: the state of a trade."""

    code: str
    msg: str = ""
    trade_no: Optional[str] = None
    out_trade_no: Optional[str] = None
    trade_status: Union[TradeStatus, str, None] = None
    total_amount: Optional[Decimal] = None
    buyer_pay_amount: Optional[Decimal] = None
    point_amount: Optional[Decimal] = None
    invoice_amount: Optional[Decimal] = None
    receipt_amount: Optional[Decimal] = None
    send_pay_date: Optional[str] = None
    buyer_logon_id: Optional[str] = None
    buyer_user_id: Optional[str] = None
    buyer_open_id: Optional[str] = None
    store_id: Optional[str] = None
    store_name: Optional[str] = None
    terminal_id: Optional[str] = None
    fund_bill_list: List[FundBill] = dataclasses.field(default_factory=list)
    discount_amount: Optional[Decimal] = None
    mdiscount_amount: Optional[Decimal] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradeRefundResponse(Model):
    """``alipay.trade.refund``. ``fund_change`` ``False`` (a repeat, or in progress): confirm with the
    refund query; ``refund_fee`` is the trade's refunded total, not this refund's amount."""

    code: str
    msg: str = ""
    trade_no: Optional[str] = None
    out_trade_no: Optional[str] = None
    buyer_logon_id: Optional[str] = None
    fund_change: Optional[bool] = None
    refund_fee: Optional[Decimal] = None
    gmt_refund_pay: Optional[str] = None
    buyer_user_id: Optional[str] = None
    buyer_open_id: Optional[str] = None
    send_back_fee: Optional[Decimal] = None
    refund_detail_item_list: List[FundBill] = dataclasses.field(default_factory=list)
    store_name: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class DepositBackInfo(Model):
    """Bank-card refund progress: ``dback_status`` ``S`` succeeded, ``F`` failed, ``P`` processing."""

    has_deposit_back: Optional[str] = None
    dback_status: Optional[str] = None
    dback_amount: Optional[Decimal] = None
    bank_ack_time: Optional[str] = None
    est_bank_receipt_time: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradeFastpayRefundQueryResponse(Model):
    """``alipay.trade.fastpay.refund.query``. No ``refund_status`` means not (yet) made."""

    code: str
    msg: str = ""
    trade_no: Optional[str] = None
    out_trade_no: Optional[str] = None
    out_request_no: Optional[str] = None
    total_amount: Optional[Decimal] = None
    refund_amount: Optional[Decimal] = None
    refund_status: Union[RefundStatus, str, None] = None
    gmt_refund_pay: Optional[str] = None
    send_back_fee: Optional[Decimal] = None
    refund_detail_item_list: List[FundBill] = dataclasses.field(default_factory=list)
    deposit_back_info: Optional[DepositBackInfo] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradeCancelResponse(Model):
    """``alipay.trade.cancel``. ``retry_flag`` ``True``: send the cancel again."""

    code: str
    msg: str = ""
    trade_no: Optional[str] = None
    out_trade_no: Optional[str] = None
    retry_flag: Optional[bool] = None
    action: Union[CancelAction, str, None] = None
    gmt_refund_pay: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradeCloseResponse(Model):
    """``alipay.trade.close``."""

    code: str
    msg: str = ""
    trade_no: Optional[str] = None
    out_trade_no: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class BillDownloadUrlQueryResponse(Model):
    """``alipay.data.dataservice.bill.downloadurl.query``: the bill's URL (valid 30 seconds)."""

    code: str
    bill_download_url: str
    msg: str = ""
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class BillFile(Model):
    """One file of a bill archive, decoded to text. ``kind``: ``trade_detail``, ``trade_summary``,
    ``account_detail``, ``account_summary`` or ``other``."""

    name: str
    kind: str
    text: str
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradeBillRow(Model):
    """One payment or refund of the trade bill (业务明细); refunds have negative amounts."""

    trade_no: str
    out_trade_no: str
    business_type: str
    subject: str
    created_at: str
    finished_at: str
    order_amount: Decimal
    merchant_receipt: Decimal
    alipay_red_packet: Decimal
    points: Decimal
    alipay_discount: Decimal
    merchant_discount: Decimal
    voucher_amount: Decimal
    merchant_red_packet: Decimal
    card_amount: Decimal
    service_fee: Decimal
    profit_share: Decimal
    store_id: Optional[str] = None
    store_name: Optional[str] = None
    operator_id: Optional[str] = None
    terminal_id: Optional[str] = None
    counterparty: Optional[str] = None
    voucher_name: Optional[str] = None
    refund_request_no: Optional[str] = None
    remark: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class TradeBillSummaryRow(Model):
    """Totals per store of the trade bill (业务明细(汇总)); ``is_total`` marks the 合计 row."""

    store_id: str
    is_total: bool
    trade_count: int
    refund_count: int
    order_amount: Decimal
    merchant_receipt: Decimal
    alipay_discount: Decimal
    merchant_discount: Decimal
    card_amount: Decimal
    service_fee: Decimal
    profit_share: Decimal
    net_receipt: Decimal
    store_name: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class AccountBillRow(Model):
    """One movement of the merchant's balance (账务明细)."""

    account_log_no: str
    occurred_at: str
    income: Decimal
    expense: Decimal
    balance: Decimal
    business_no: Optional[str] = None
    out_trade_no: Optional[str] = None
    subject: Optional[str] = None
    counterparty: Optional[str] = None
    channel: Optional[str] = None
    business_type: Optional[str] = None
    remark: Optional[str] = None
    extra: Dict[str, Any] = _extra()


@dataclasses.dataclass(frozen=True)
class Bill(Model):
    """A downloaded bill: every file as text, and the typed rows of the detail and summary files."""

    files: List[BillFile] = dataclasses.field(default_factory=list)
    trade_details: List[TradeBillRow] = dataclasses.field(default_factory=list)
    trade_summary: List[TradeBillSummaryRow] = dataclasses.field(default_factory=list)
    account_details: List[AccountBillRow] = dataclasses.field(default_factory=list)
    extra: Dict[str, Any] = _extra()


class _Outcome(Model):
    """A workflow's end, whose ``response`` is the verified answer its ``evidence`` names."""

    _evidence: ClassVar[Dict[str, Type[Model]]]

    @classmethod
    def _from(cls: Type[O], data: Mapping[str, Any]) -> O:
        fields = dict(data)
        answer = fields.pop("response", None)
        outcome: Any = super()._from(fields)
        kind = cls._evidence.get(outcome.evidence or "")
        response = None if answer is None or kind is None else kind._from(answer)
        return typing.cast(O, dataclasses.replace(outcome, response=response))


@dataclasses.dataclass(frozen=True)
class PaymentOutcome(_Outcome):
    """The end of a payment workflow.

    ``status`` is ``paid`` (hand over the goods; ``response`` is the verified answer that proves it),
    ``not_paid`` (``reason``: ``failed`` — ``error`` is Alipay's refusal —, ``not_sent``, ``closed``,
    ``cancelled`` with ``action``/``cause``, ``not_created``) or ``unknown`` (do not hand over goods; the
    journal keeps the workflow and ``recover()`` finishes it).
    """

    out_trade_no: str
    status: str
    trade_no: Optional[str] = None
    evidence: Optional[str] = None
    response: Union[TradePayResponse, TradeQueryResponse, None] = None
    reason: Optional[str] = None
    action: Optional[str] = None
    cause: Optional[str] = None
    sub_code: Optional[str] = None
    last_known: Union[TradeStatus, str, None] = None
    error: Optional[AlipayError] = None
    queries: int = 0
    cancel_attempts: int = 0
    unverified_answers: int = 0
    extra: Dict[str, Any] = _extra()

    @property
    def is_paid(self) -> bool:
        """``True`` only when a verified answer said the buyer paid."""
        return self.status == "paid"


PaymentOutcome._evidence = {"pay": TradePayResponse, "query": TradeQueryResponse}


@dataclasses.dataclass(frozen=True)
class RefundOutcome(_Outcome):
    """The end of a refund workflow: ``status`` ``refunded`` (``response`` proves it), ``rejected``
    (``error`` is Alipay's refusal), ``not_sent`` (nothing moved; calling again is safe) or ``unknown``
    (the journal keeps it; ``recover()`` re-sends it with the same ``out_request_no``)."""

    out_request_no: str
    status: str
    out_trade_no: Optional[str] = None
    trade_no: Optional[str] = None
    evidence: Optional[str] = None
    response: Union[TradeRefundResponse, TradeFastpayRefundQueryResponse, None] = None
    sub_code: Optional[str] = None
    error: Optional[AlipayError] = None
    attempts: int = 0
    queries: int = 0
    unverified_answers: int = 0
    extra: Dict[str, Any] = _extra()

    @property
    def is_refunded(self) -> bool:
        """``True`` when a verified answer showed the refund made."""
        return self.status == "refunded"


RefundOutcome._evidence = {"refund": TradeRefundResponse, "query": TradeFastpayRefundQueryResponse}


@dataclasses.dataclass(frozen=True)
class WorkflowEvent(Model):
    """One step of a workflow. ``kind``: ``submitted``, ``qr_code`` (``qr_code``), ``waiting_for_buyer``
    (``query`` of ``of``), ``querying``, ``cancelling`` (``cause``), ``cancel_retry`` (``attempt`` of
    ``of``), ``refund_retry`` (``attempt``), ``confirming_refund``, ``journal_failed`` (``message``),
    ``done`` (``outcome``) or ``failed`` (``message``)."""

    key: str
    kind: str
    qr_code: Optional[str] = None
    query: Optional[int] = None
    of: Optional[int] = None
    cause: Optional[str] = None
    attempt: Optional[int] = None
    message: Optional[str] = None
    outcome: Union[PaymentOutcome, RefundOutcome, None] = None
    extra: Dict[str, Any] = _extra()

    @classmethod
    def _from(cls, data: Mapping[str, Any]) -> WorkflowEvent:
        fields = dict(data)
        outcome = fields.pop("outcome", None)
        event = super()._from(fields)
        if outcome is None:
            return event
        done: Union[PaymentOutcome, RefundOutcome]
        done = RefundOutcome._from(outcome) if "out_request_no" in outcome else PaymentOutcome._from(outcome)
        return dataclasses.replace(event, outcome=done)
