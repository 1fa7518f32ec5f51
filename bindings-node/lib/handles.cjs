'use strict';
// A payment workflow running in the background (`Workflows.startPay`, `Workflows.precreateAndWait`):
// its QR code (as text, SVG or PNG), its cancel button, its outcome.

const { mapped, mappedSync } = require('./errors.cjs');
const { DEFAULT_PNG_SIZE, pixels } = require('./qr.cjs');

/** A payment workflow running in the background: its QR code, its cancel button, its outcome. */
class PaymentHandle {
  constructor(native) {
    this._native = native;
    /** Your order number. */
    this.outTradeNo = native.outTradeNo;
    /** The QR code to show (QR payments); `null` for barcode pay, or if the precreate failed. */
    this.qrCode = native.qrCode;
  }

  /** The QR code as an SVG document; InvalidInput (`qr_code`) when the payment has none. */
  qrSvg() {
    return mappedSync(() => this._native.qrSvg());
  }

  /** The QR code as a PNG (a Buffer) about `size` pixels a side; InvalidInput when the payment has none. */
  qrPng(size = DEFAULT_PNG_SIZE) {
    return mappedSync(() => this._native.qrPng(pixels(size)));
  }

  /**
   * Stop waiting for the buyer and cancel the trade now. The outcome still tells the truth: a buyer
   * who paid meanwhile is reported paid (or refunded by the cancel).
   */
  cancel() {
    this._native.cancel();
  }

  /** Let the workflow finish alone; its outcome goes to the journal and `onEvent`. */
  detach() {
    mappedSync(() => this._native.detach());
  }

  /** Waits for the end (once): the PaymentOutcome. */
  outcome() {
    return mapped(() => this._native.outcome());
  }
}

/**
 * Cancels `handle` when `signal` aborts (at once if it already has). Returns what removes the listener;
 * a cancel after the workflow ended has no effect.
 */
function cancelOnAbort(handle, signal) {
  if (!signal) {
    return () => {};
  }
  const cancel = () => handle.cancel();
  if (signal.aborted) {
    cancel();
    return () => {};
  }
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

module.exports = { PaymentHandle, cancelOnAbort };
