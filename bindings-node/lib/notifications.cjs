'use strict';
// Verified notifications: what `AlipayClient.verifyNotification` and `Workflows.receiveNotification`
// resolve to. Only a notification whose signature verified is ever wrapped here.

const { EXPECTED_ORDER_AMOUNTS } = require('./calls.cjs');
const { mappedSync, refuseNumberAmounts } = require('./errors.cjs');

/**
 * A raw body (a notification, a gateway answer) as the addon takes it: a string as its UTF-8 bytes;
 * a Buffer, or a decoded form (`express.urlencoded`, an object of strings), as it is.
 */
function asBytes(body) {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** A notification whose signature verified. Act on it only after `check(order)` passes. */
class Notification {
  constructor(native) {
    this._native = native;
    /** The fields the signature covers, and `sign`/`sign_type`: Alipay's own snake_case names. */
    this.fields = native.fields;
  }

  /** Alipay's id of this notification, the same on every redelivery. */
  get notifyId() {
    return this.fields.notify_id ?? null;
  }

  /**
   * Checks a trade notification against your own order (`app_id`, `out_trade_no`, `total_amount` as a
   * decimal string, and `seller_id` when given). Throws OrderMismatch naming the first field that
   * differs, DecodeError for a notification that is not a trade notification.
   */
  check(order) {
    mappedSync(() => this._native.check(refuseNumberAmounts(order, EXPECTED_ORDER_AMOUNTS)));
  }
}

/** A notification the workflows verified and claimed in the journal by its `notify_id`. */
class ReceivedNotification extends Notification {
  constructor(native) {
    super(native);
    /** `first`, `in_progress` (another receiver handles it now) or `handled`, across every instance. */
    this.delivery = native.delivery;
    /** `true` when this receiver is the one to handle it (`delivery === 'first'`). */
    this.firstDelivery = this.delivery === 'first';
  }
}

module.exports = { Notification, ReceivedNotification, asBytes };
