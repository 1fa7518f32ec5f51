'use strict';
// The face-to-face workflows: barcode pay polled to the truth, QR pay, refunds until known; and the
// reconciliation of Alipay's bills with their journal.
//
// Every workflow is journaled (a SQLite file, or ':memory:' for tests) before anything is sent, so a
// crash loses nothing: `recover()` finishes what was left. An `out_trade_no` is never sent twice; a
// refund's `out_request_no` is reused only to retry that same refund.

const { NativeWorkflows } = require('../native.cjs');
const { WorkflowCalls } = require('./calls.cjs');
const { mapped, mappedSync, invalidInput } = require('./errors.cjs');
const { PaymentHandle, cancelOnAbort } = require('./handles.cjs');
const { Notification, ReceivedNotification, asBytes } = require('./notifications.cjs');
const { checkedOrders } = require('./reconcile.cjs');

/**
 * `onEvent`, shielded: an exception it throws becomes a process warning and never disturbs the
 * workflow (thrown out of an event delivery, it would end the process mid-payment).
 */
function shielded(onEvent) {
  if (onEvent == null) {
    return undefined;
  }
  if (typeof onEvent !== 'function') {
    throw invalidInput('onEvent', 'is not a function');
  }
  return (event) => {
    try {
      onEvent(event);
    } catch (error) {
      process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'AlipayOnEventWarning');
    }
  };
}

/** The signal of `options`, refused at once when it has already aborted (nothing is started then). */
function signalOf(options) {
  const signal = options == null ? undefined : options.signal;
  if (signal != null) {
    signal.throwIfAborted();
  }
  return signal;
}

/** The journaled workflows over one client (see the generated methods of WorkflowCalls). */
class Workflows extends WorkflowCalls {
  /**
   * Workflows over `client`, journaled in `journal`: a SQLite file (created if new), a
   * `postgresql://` URL whose database every instance of the backend shares, or ':memory:' for tests. `options.onEvent` is called with each WorkflowEvent; `barcodePolicy`, `qrPolicy` and
   * `refundPolicy` (the core's PollPolicy and RefundPolicy fields) are laid over the defaults.
   */
  constructor(client, journal, options = {}) {
    super();
    const { onEvent, barcodePolicy, qrPolicy, refundPolicy } = options ?? {};
    const policies = { barcode_policy: barcodePolicy, qr_policy: qrPolicy, refund_policy: refundPolicy };
    this._native = mappedSync(() => new NativeWorkflows(client._native, journal, policies, shielded(onEvent)));
  }

  async _payAndWait(request, options) {
    const signal = signalOf(options);
    const handle = await this._startPay(request);
    const removeListener = cancelOnAbort(handle, signal);
    try {
      return await handle.outcome();
    } finally {
      removeListener();
    }
  }

  async _startPay(request, options) {
    const signal = signalOf(options);
    const handle = new PaymentHandle(await mapped(() => this._native.startPay(request)));
    cancelOnAbort(handle, signal);
    return handle;
  }

  async _precreateAndWait(request, options) {
    const signal = signalOf(options);
    const handle = new PaymentHandle(await mapped(() => this._native.precreateAndWait(request)));
    cancelOnAbort(handle, signal);
    return handle;
  }

  _refundUntilKnown(request) {
    return mapped(() => this._native.refundUntilKnown(request));
  }

  /**
   * Finishes every workflow a crash left unfinished in the journal. An ISV passes the merchants'
   * current `appAuthTokens`: the journal keeps only a fingerprint of each. A payment nobody has seen
   * yet stays unresolved until its own expiry has passed, so call this now and again.
   */
  recover(appAuthTokens = []) {
    return mapped(() => this._native.recover(appAuthTokens));
  }

  /**
   * Reconciles the trade bill of `billDate` (`yyyy-MM-dd` or `yyyy-MM`, Shanghai; a day's bill is out
   * the day after) with this journal, and with your own `orders` (MerchantOrder objects, as
   * `ordersFromCsv` or `ordersFromJson` read them) when given; the ReconciliationReport. A bill not out
   * yet is a GatewayError (`isp.bill_not_exist`).
   */
  reconcile(billDate, orders = null) {
    return mapped(async () => this._native.reconcile(billDate, checkedOrders(orders)));
  }

  /**
   * Verifies a notification (the raw body as a Buffer or string, or the decoded form) and says whether
   * it is new, by `notify_id`, in the journal.
   */
  async receiveNotification(notification, rule = 'v1') {
    const native = await mapped(() => this._native.receiveNotification(asBytes(notification), rule));
    return new ReceivedNotification(native);
  }

  /** Records the notification as handled, so redeliveries are recognised. */
  markNotificationHandled(notification) {
    if (!(notification instanceof Notification)) {
      return Promise.reject(invalidInput('notification', 'is not a Notification that alipay-core verified'));
    }
    return mapped(() => this._native.markNotificationHandled(notification._native));
  }
}

module.exports = { Workflows };
