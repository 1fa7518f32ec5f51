'use strict';
// Reconciliation (对账): the merchant's own orders read from the CSV or JSON its order system exports,
// and a report (what `Workflows.reconcile` resolves to) written as CSV for accountants.

const native = require('../native.cjs');
const { mappedSync, refuseNumberAmounts } = require('./errors.cjs');
const { asBytes } = require('./notifications.cjs');

/** Where an array of MerchantOrder holds amounts (a JS number there is refused). */
const ORDER_AMOUNTS = ['orders[].amount', 'orders[].refund_amount'];

/** `orders` (MerchantOrder objects) once no amount in it is a JS number; `null` stays `null`. */
function checkedOrders(orders) {
  return orders == null ? null : refuseNumberAmounts({ orders }, ORDER_AMOUNTS).orders;
}

/**
 * The orders of a CSV export (a Buffer or string of UTF-8; a header row naming the columns
 * `out_trade_no`, `amount`, `status`, and optionally `refund_amount`, `paid_at`, `trade_no`). Throws
 * InvalidInput naming the row and column of the first problem.
 */
function ordersFromCsv(data) {
  return mappedSync(() => native.ordersFromCsv(asBytes(data)));
}

/** The orders of a JSON array of MerchantOrder objects (a Buffer or string). Throws InvalidInput. */
function ordersFromJson(data) {
  return mappedSync(() => native.ordersFromJson(asBytes(data)));
}

/**
 * A ReconciliationReport as CSV for accountants: UTF-8 with a byte-order mark (so that Excel reads the
 * Chinese right), a header row, one row per item.
 */
function reconciliationCsv(report) {
  return mappedSync(() => native.reconciliationCsv(report));
}

module.exports = { checkedOrders, ordersFromCsv, ordersFromJson, reconciliationCsv };
