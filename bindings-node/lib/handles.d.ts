// A payment workflow running in the background: its QR code (as text, SVG or PNG), its cancel button,
// its outcome.
import type { PaymentOutcome } from './models/answers';

/** How long to wait: `signal` aborted takes the workflow's cancel path (the trade is cancelled). */
export interface WaitOptions {
  /**
   * Aborting it stops waiting for the buyer and cancels the trade; the outcome says so (or says paid,
   * if the buyer paid meanwhile). Already aborted: nothing is started, and the call rejects with the
   * signal's reason.
   */
  signal?: AbortSignal;
}

/** A payment workflow running in the background (`startPay`, `precreateAndWait`). */
export declare class PaymentHandle {
  private constructor();
  /** Your order number. */
  readonly outTradeNo: string;
  /** The QR code to show (QR payments); `null` for barcode pay, or if the precreate failed. */
  readonly qrCode: string | null;
  /** The QR code as an SVG document. Throws InvalidInput (`qr_code`) when the payment has none. */
  qrSvg(): string;
  /**
   * The QR code as a PNG about `size` pixels a side (256 by default, at most 4096; each module a whole
   * number of pixels). Throws InvalidInput when the payment has none, or for a size out of range.
   */
  qrPng(size?: number): Buffer;
  /** Stop waiting for the buyer and cancel the trade now. The outcome still tells the truth. */
  cancel(): void;
  /** Let the workflow finish alone; its outcome goes to the journal and `onEvent`. */
  detach(): void;
  /** Waits for the end (once). */
  outcome(): Promise<PaymentOutcome>;
}
