// Reconciliation from Node against the sandbox: a trade paid through the workflows on one day is in that
// day's bill once the day is over, and the report says it matched, with the journal and with the
// merchant's own orders; a wrong order is found; the report as CSV; orders read from CSV and JSON.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { AlipayClient, GatewayError, InvalidInput, Workflows, ordersFromCsv, ordersFromJson, reconciliationCsv } from 'alipay-core';
import { advance, order, settingsOf, start } from './sandbox.mjs';

const FAST = { query_interval: 0.05, cancel_interval: 0.05 };
const DAY = 24 * 3600;

/** A Shanghai time `yyyy-MM-dd HH:mm:ss` as epoch milliseconds. */
const shanghaiMs = (time) => Date.parse(`${time.replace(' ', 'T')}+08:00`);
/** The Shanghai date (`yyyy-MM-dd`) of epoch milliseconds. */
const shanghaiDate = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 10);

let sandbox;
let workflows;
let paidDay;
let paid;
before(async () => {
  sandbox = await start();
  workflows = new Workflows(new AlipayClient(settingsOf(sandbox)), ':memory:', { barcodePolicy: FAST });
  // Tomorrow at 10:00 (Shanghai, the sandbox's virtual time): the payment is nowhere near midnight.
  const { now } = await advance(sandbox, 0);
  paidDay = shanghaiDate(shanghaiMs(now) + DAY * 1000);
  await advance(sandbox, Math.ceil((shanghaiMs(`${paidDay} 10:00:00`) - shanghaiMs(now)) / 1000));
  paid = order('RECON');
  const outcome = await workflows.payAndWait({ out_trade_no: paid, total_amount: '12.00', subject: '对账', auth_code: sandbox.buyers.pays_at_once });
  assert.equal(outcome.is_paid, true);
});
after(() => sandbox.stop());

describe('workflows.reconcile', () => {
  test("a day's bill is not out until the day is over", async () => {
    await assert.rejects(workflows.reconcile(paidDay), (e) => e instanceof GatewayError && e.subCode === 'isp.bill_not_exist');
  });

  test('the next day, the trade paid through the workflows matched the journal', async () => {
    const { now } = await advance(sandbox, DAY);
    assert.equal(now.slice(0, 10), shanghaiDate(shanghaiMs(`${paidDay} 10:00:00`) + DAY * 1000), 'a day later');
    const report = await workflows.reconcile(paidDay);
    assert.equal(report.bill_date, paidDay);
    assert.deepEqual([report.compared_with_journal, report.compared_with_orders], [true, false]);
    assert.equal(report.items.length, 1, JSON.stringify(report.items));
    const [item] = report.items;
    assert.deepEqual([item.finding, item.kind, item.source, item.out_trade_no], ['matched', 'payment', 'journal', paid]);
    assert.equal(item.bill_amount, '12.00');
    assert.deepEqual([report.totals.payments, report.totals.payment_amount, report.totals.mismatched], [1, '12.00', 0]);

    const csv = reconciliationCsv(report);
    assert.ok(csv.startsWith('\ufeff'), 'a byte-order mark, for Excel');
    const lines = csv.slice(1).trim().split(/\r?\n/);
    assert.ok(lines[0].startsWith('finding,kind,source'), lines[0]);
    assert.equal(lines.length, 2, csv);
    assert.ok(lines[1].startsWith(`matched,payment,journal,${paid},`), lines[1]);
  });

  test("with the merchant's orders: each is compared, and a wrong amount is found", async () => {
    const agreeing = await workflows.reconcile(paidDay, [{ out_trade_no: paid, amount: '12.00', status: 'paid' }]);
    assert.deepEqual([agreeing.compared_with_journal, agreeing.compared_with_orders], [true, true]);
    assert.ok(agreeing.items.length >= 1);
    assert.ok(agreeing.items.every((i) => i.finding === 'matched'), JSON.stringify(agreeing.items));
    assert.ok(agreeing.items.some((i) => i.source === 'orders'));

    const wrong = await workflows.reconcile(paidDay, ordersFromCsv(`out_trade_no,amount,status\n${paid},13.00,paid\n`));
    const found = wrong.items.find((i) => i.source === 'orders');
    assert.deepEqual([found.finding, found.bill_amount, found.recorded_amount], ['amount_differs', '12.00', '13.00']);
    assert.ok(wrong.totals.mismatched >= 1);
    assert.ok(reconciliationCsv(wrong).includes('amount_differs,payment,orders'));
  });

  test('bad orders and bad dates are InvalidInput naming them', async () => {
    await assert.rejects(
      workflows.reconcile(paidDay, [{ out_trade_no: paid, amount: 12, status: 'paid' }]),
      (e) => e instanceof InvalidInput && e.field === 'orders[0].amount',
    );
    await assert.rejects(
      workflows.reconcile(paidDay, [{ out_trade_no: paid, amount: '12.00', status: 'lost' }]),
      (e) => e instanceof InvalidInput && e.field === 'orders[0].status',
    );
    await assert.rejects(workflows.reconcile(paidDay, 'orders.csv'), (e) => e instanceof InvalidInput && e.field === 'orders');
    await assert.rejects(workflows.reconcile('yesterday'), (e) => e instanceof InvalidInput && e.field === 'bill_date');
  });
});

describe('orders and reports', () => {
  test('ordersFromCsv reads a Buffer or a string; a bad amount names row 2', () => {
    const csv = '\ufeffout_trade_no,amount,status,refund_amount\nA1,12.30,paid,\nA2,5,refunded,2.00\n';
    const expected = [
      { out_trade_no: 'A1', amount: '12.30', status: 'paid' },
      { out_trade_no: 'A2', amount: '5.00', status: 'refunded', refund_amount: '2.00' },
    ];
    assert.deepEqual(ordersFromCsv(csv), expected);
    assert.deepEqual(ordersFromCsv(Buffer.from(csv)), expected);
    assert.throws(
      () => ordersFromCsv('out_trade_no,amount,status\nA1,12.001,paid\n'),
      (e) => e instanceof InvalidInput && e.field === 'orders' && e.message.includes('row 2'),
    );
    assert.throws(() => ordersFromCsv('number,amount\nA1,1.00\n'), (e) => e instanceof InvalidInput && e.message.includes('out_trade_no'));
  });

  test('ordersFromJson reads an array of MerchantOrder; closed is not_paid; a fractional number is refused', () => {
    const json = '[{"out_trade_no":"B1","amount":"8.80","status":"closed","paid_at":"2026-11-30 10:00:00"}]';
    assert.deepEqual(ordersFromJson(Buffer.from(json)), [
      { out_trade_no: 'B1', amount: '8.80', status: 'not_paid', paid_at: '2026-11-30 10:00:00' },
    ]);
    assert.throws(() => ordersFromJson('[{"out_trade_no":"B1","amount":8.8,"status":"paid"}]'), InvalidInput);
    assert.throws(() => ordersFromJson('{'), InvalidInput);
  });

  test('reconciliationCsv refuses what is not a report', () => {
    assert.throws(() => reconciliationCsv({ bill_date: '2026-11-30' }), InvalidInput);
  });
});
