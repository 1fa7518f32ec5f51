"""The Alipay (支付宝) open-platform client, over the Rust core alipay-core.

Every request is RSA2-signed exactly like the official SDKs sign it; every answer and every notification
is verified before it is believed. Errors are one hierarchy rooted at :class:`AlipayError`.

* :class:`Client` / :class:`AsyncClient` — every trade call, page/wap/app pay, bills, notifications.
* :class:`Workflows` / :class:`AsyncWorkflows` — barcode and QR pay polled to the truth, refunds until
  known, journaled so a crash loses nothing.
* :mod:`alipay_core.models` — typed results (``Decimal`` money, enums that keep unknown values),
  generated from the core's own types; :mod:`alipay_core.requests` — the calls' fields and policies.
* :class:`ExpectedOrder` — your order, which a verified notification must match before you act on it.
* :func:`Workflows.reconcile` — the day's bill compared with the journal and your orders;
  :meth:`Client.upload` — multipart file uploads; :func:`qr_svg` / :func:`qr_png` — QR images.
* The primitives (``sign_params``, ``verify_response``, ``verify_notify``, …) for debugging signatures.
"""

from ._native import (
    AlipayError,
    ConfigError,
    DecodeError,
    GatewayError,
    InvalidInput,
    JournalError,
    OrderMismatch,
    ResponseNode,
    SignatureError,
    TransportError,
    VerifiedNotification,
    __version__,
    build_sign_content,
    cert_sn,
    root_cert_sn,
    sign_params,
    verify_notify,
    verify_response,
)
from .client import (
    AsyncClient,
    Client,
    KeySource,
    MoneyLike,
    Notification,
)
from .notifications import ExpectedOrder, OrderLookup
from .models import (
    AccountBillRow,
    Bill,
    BillDownloadUrlQueryResponse,
    BillFile,
    CancelAction,
    DepositBackInfo,
    Finding,
    FundBill,
    OfflineMaterialImageUploadResponse,
    OpenFileUploadResponse,
    PaymentOutcome,
    ReconciliationItem,
    ReconciliationReport,
    Recovered,
    RefundOutcome,
    RefundStatus,
    TradeBillRow,
    TradeBillSummaryRow,
    TradeCancelResponse,
    TradeCloseResponse,
    TradeCreateResponse,
    TradeFastpayRefundQueryResponse,
    TradePayResponse,
    TradePrecreateResponse,
    TradeQueryResponse,
    TradeRefundResponse,
    TradeStatus,
    WorkflowEvent,
)
from .workflows import (
    AsyncPaymentHandle,
    AsyncWorkflows,
    PaymentHandle,
    ReceivedNotification,
    Workflows,
)
from ._model import Model
from .qr import qr_png, qr_svg
from .reconcile import orders_from_csv, orders_from_json, reconciliation_csv
from .requests import MerchantOrder, PollPolicy, RefundPolicy
from .uploads import UploadFile

__all__ = [
    "UploadFile",
    "reconciliation_csv",
    "ReconciliationReport",
    "ReconciliationItem",
    "qr_svg",
    "qr_png",
    "orders_from_json",
    "orders_from_csv",
    "OpenFileUploadResponse",
    "OfflineMaterialImageUploadResponse",
    "MerchantOrder",
    "Finding",
    "AccountBillRow",
    "AlipayError",
    "AsyncClient",
    "AsyncPaymentHandle",
    "AsyncWorkflows",
    "Bill",
    "BillDownloadUrlQueryResponse",
    "BillFile",
    "build_sign_content",
    "CancelAction",
    "cert_sn",
    "Client",
    "ConfigError",
    "DecodeError",
    "DepositBackInfo",
    "ExpectedOrder",
    "FundBill",
    "GatewayError",
    "InvalidInput",
    "JournalError",
    "KeySource",
    "Model",
    "MoneyLike",
    "Notification",
    "OrderLookup",
    "OrderMismatch",
    "PaymentHandle",
    "PaymentOutcome",
    "PollPolicy",
    "ReceivedNotification",
    "Recovered",
    "RefundOutcome",
    "RefundPolicy",
    "RefundStatus",
    "ResponseNode",
    "root_cert_sn",
    "sign_params",
    "SignatureError",
    "TradeBillRow",
    "TradeBillSummaryRow",
    "TradeCancelResponse",
    "TradeCloseResponse",
    "TradeCreateResponse",
    "TradeFastpayRefundQueryResponse",
    "TradePayResponse",
    "TradePrecreateResponse",
    "TradeQueryResponse",
    "TradeRefundResponse",
    "TradeStatus",
    "TransportError",
    "verify_notify",
    "verify_response",
    "VerifiedNotification",
    "WorkflowEvent",
    "Workflows",
    "__version__",
]
