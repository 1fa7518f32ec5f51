// The workflows from Node against the sandbox (virtual time 100× faster): barcode pay polled to the
// truth, the buyer who never confirms, the caller who aborts, the cashier's cancel button, QR pay,
// refunds until known, progress events, notifications verified and de-duplicated, recovery.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { AlipayClient, InvalidInput, JournalError, SignatureError, Workflows } from 'alipay-core';
import { control, notificationOf, order, settingsOf, start } from './sandbox.mjs';

const FAST = { query_interval: 0.05, cancel_interval: 0.05 };
/** Polls 50 times, 0.2 s apart: long enough to be interrupted. */
const PATIENT = { query_interval: 0.2, max_queries: 50, cancel_interval: 0.05 };

let sandbox;
before(async () => {
  sandbox = await start('--speed', '100');
});
after(() => sandbox.stop());

const clientOf = (extra) => new AlipayClient(settingsOf(sandbox, extra));
const workflowsOf = (options = {}, journal = ':memory:', client = clientOf()) =>
  new Workflows(client, journal, { barcodePolicy: FAST, qrPolicy: FAST, refundPolicy: { interval: 0.05 }, ...options });
const tempJournal = (name) => path.join(mkdtempSync(path.join(tmpdir(), 'alipay-journal-')), name);
const tradeOf = async (no) => (await control(sandbox, '/sandbox/trades')).find((t) => t.out_trade_no === no);

describe('barcode pay', () => {
  test('a buyer who confirms is polled until paid, with progress events', async () => {
    const events = [];
    const outcome = await workflowsOf({ onEvent: (e) => events.push(e) }).payAndWait({
      out_trade_no: order('CONF'), total_amount: '10', subject: '茶', auth_code: sandbox.buyers.confirms_after_10s,
    });
    assert.deepEqual([outcome.status, outcome.is_paid, outcome.evidence], ['paid', true, 'query']);
    assert.equal(outcome.response.total_amount, '10.00');
    await until(() => events.some((e) => e.kind === 'done'));
    const kinds = events.map((e) => e.kind);
    assert.equal(kinds[0], 'submitted');
    assert.ok(kinds.includes('waiting_for_buyer'));
    assert.deepEqual(events.at(-1).outcome, outcome);
  });

  test('a buyer who never confirms has the trade cancelled', async () => {
    const no = order('NEVER');
    const outcome = await workflowsOf().payAndWait({ out_trade_no: no, total_amount: '10', subject: 's', auth_code: sandbox.buyers.never_confirms });
    assert.deepEqual([outcome.status, outcome.reason, outcome.action, outcome.cause], ['not_paid', 'cancelled', 'close', 'buyer_timeout']);
    assert.equal(outcome.queries, 5);
    assert.equal((await tradeOf(no)).trade_status, 'TRADE_CLOSED');
  });

  test('aborting the signal takes the cancel path: the trade is cancelled, and the outcome says so', async () => {
    const no = order('ABORT');
    const controller = new AbortController();
    const events = [];
    const onEvent = (e) => {
      events.push(e);
      if (e.kind === 'waiting_for_buyer') {
        controller.abort();
      }
    };
    const outcome = await workflowsOf({ onEvent, barcodePolicy: PATIENT }).payAndWait(
      { out_trade_no: no, total_amount: '3', subject: 's', auth_code: sandbox.buyers.never_confirms },
      { signal: controller.signal },
    );
    assert.deepEqual([outcome.status, outcome.reason, outcome.cause, outcome.action], ['not_paid', 'cancelled', 'requested', 'close']);
    assert.ok(outcome.queries < 50);
    assert.ok(events.some((e) => e.kind === 'cancelling' && e.cause === 'requested'));
    assert.equal((await tradeOf(no)).trade_status, 'TRADE_CLOSED');
  });

  test('a signal aborted before the call starts nothing', async () => {
    const no = order('EARLY');
    await assert.rejects(
      workflowsOf().payAndWait({ out_trade_no: no, total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once }, { signal: AbortSignal.abort() }),
      { name: 'AbortError' },
    );
    assert.equal(await tradeOf(no), undefined, 'nothing reached Alipay');
  });

  test("the cashier's cancel button on the handle", async () => {
    const handle = await workflowsOf({ barcodePolicy: PATIENT }).startPay({
      out_trade_no: order('BTN'), total_amount: '3', subject: 's', auth_code: sandbox.buyers.never_confirms,
    });
    setTimeout(() => handle.cancel(), 300);
    const outcome = await handle.outcome();
    assert.deepEqual([outcome.out_trade_no, outcome.reason, outcome.cause], [handle.outTradeNo, 'cancelled', 'requested']);
    await assert.rejects(handle.outcome(), (e) => e instanceof InvalidInput && e.field === 'handle', 'an outcome is awaited once');
  });

  test("a refused payment carries Alipay's error; an order number is never sent twice", async () => {
    const workflows = workflowsOf();
    const no = order('POOR');
    const outcome = await workflows.payAndWait({ out_trade_no: no, total_amount: '10', subject: 's', auth_code: sandbox.buyers.insufficient_balance });
    assert.deepEqual([outcome.status, outcome.reason], ['not_paid', 'failed']);
    assert.deepEqual([outcome.error.error_type, outcome.error.sub_code], ['gateway', 'ACQ.BUYER_BALANCE_NOT_ENOUGH']);
    await assert.rejects(
      workflows.payAndWait({ out_trade_no: no, total_amount: '10', subject: 's', auth_code: sandbox.buyers.pays_at_once }),
      (e) => e instanceof InvalidInput && e.field === 'out_trade_no',
    );
  });

  test('a callback that throws becomes a warning and does not disturb the workflow', async () => {
    const warnings = [];
    const onWarning = (w) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const outcome = await workflowsOf({ onEvent: () => { throw new Error('the screen is gone'); } }).payAndWait({
        out_trade_no: order('CB'), total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once,
      });
      assert.equal(outcome.is_paid, true);
      await until(() => warnings.length > 0);
      assert.equal(warnings[0].message, 'the screen is gone');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('QR pay and refunds', () => {
  test('the QR code is shown, the buyer scans, the outcome is paid', async () => {
    const no = order('QR');
    const handle = await workflowsOf().precreateAndWait({ out_trade_no: no, total_amount: '2', subject: 's' });
    assert.match(handle.qrCode, /^https:\/\/qr\.alipay\.com\//);
    await control(sandbox, '/sandbox/qr/scan', { out_trade_no: no });
    const outcome = await handle.outcome();
    assert.deepEqual([outcome.is_paid, outcome.out_trade_no], [true, no]);
  });

  test('a refund runs until known, resumes safely, and refuses a changed refund under the same number', async () => {
    const workflows = workflowsOf();
    const no = order('REF');
    await workflows.payAndWait({ out_trade_no: no, total_amount: '10', subject: 's', auth_code: sandbox.buyers.pays_at_once });
    const first = await workflows.refundUntilKnown({ out_trade_no: no, refund_amount: '4', out_request_no: 'R1' });
    assert.deepEqual([first.is_refunded, first.evidence, first.response.refund_fee], [true, 'refund', '4.00']);
    const again = await workflows.refundUntilKnown({ out_trade_no: no, refund_amount: '4', out_request_no: 'R1' });
    assert.equal(again.is_refunded, true, 'the same refund again resumes; no money moves twice');
    await assert.rejects(
      workflows.refundUntilKnown({ out_trade_no: no, refund_amount: '5', out_request_no: 'R1' }),
      (e) => e instanceof InvalidInput && e.field === 'out_request_no',
    );
    const generated = await workflows.refundUntilKnown({ out_trade_no: no, refund_amount: '1' });
    assert.ok(generated.is_refunded && generated.out_request_no.startsWith('R'));
  });
});

/** A PostgreSQL journal URL (a schema of its own on `ALIPAY_TEST_POSTGRES`); skips the test without
 * one, except in CI, where it must run. */
function postgresJournal(t) {
  const url = process.env.ALIPAY_TEST_POSTGRES;
  if (!url) {
    assert.ok(!process.env.CI, 'CI must run the PostgreSQL journal tests: set ALIPAY_TEST_POSTGRES');
    t.skip('the PostgreSQL journal (set ALIPAY_TEST_POSTGRES to a database URL)');
    return null;
  }
  const schema = `node_${process.pid}_${Date.now()}`;
  execFileSync('psql', [url, '-qc', `CREATE SCHEMA ${schema}`]);
  return `${url}${url.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
}

/** Starts a payment in another process whose buyer never confirms, and SIGKILLs that process while the
 * payment waits: what a crash leaves in the journal. */
async function crashWhilePaying(options, journal, no) {
  const script = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
  const args = JSON.stringify([settingsOf(sandbox), options, journal, no, sandbox.buyers.never_confirms]);
  const child = spawn(process.execPath, [script, args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the crashing child exited early with ${code}`)));
  });
  assert.equal(line, 'READY');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('notifications and recovery', () => {
  test('notifications are verified and de-duplicated, from a body (Buffer or string) or a form', async () => {
    const journal = tempJournal('notes.sqlite3');
    const client = clientOf().withOptions({ notify_url: 'http://127.0.0.1:9/notify' });
    const no = order('NOTE');
    await client.tradePay({ out_trade_no: no, total_amount: '6.60', subject: 's', auth_code: sandbox.buyers.pays_at_once });
    const form = (await notificationOf(sandbox, no)).params;
    const body = new URLSearchParams(form).toString();

    const workflows = workflowsOf({}, journal);
    const first = await workflows.receiveNotification(Buffer.from(body));
    assert.deepEqual([first.firstDelivery, first.fields.out_trade_no, first.fields.total_amount], [true, no, '6.60']);
    await workflows.markNotificationHandled(first);
    const again = await workflowsOf({}, journal).receiveNotification(form);
    assert.equal(again.firstDelivery, false, 'a redelivery is recognised, even by other Workflows on the same journal');
    assert.equal(again.delivery, 'handled');
    assert.equal((await workflows.receiveNotification(body)).firstDelivery, false);
    assert.equal((await client.verifyNotification(form)).notifyId, first.notifyId);

    const forged = { ...form, total_amount: '0.01' };
    await assert.rejects(workflows.receiveNotification(forged), SignatureError);
    await assert.rejects(client.verifyNotification(new URLSearchParams(forged).toString()), SignatureError);
  });

  test('recover finishes what a crash left behind; an ISV passes the tokens, which the journal never keeps', async () => {
    const journal = tempJournal('crash.sqlite3');
    const token = '202611BBsecret-merchant-token';
    const no = order('CRASH');
    await crashWhilePaying({ app_auth_token: token }, journal, no);
    assert.ok(!readFileSync(journal).includes(token), 'the journal keeps only the token fingerprint');

    const later = workflowsOf({}, journal);
    const without = (await later.recover()).filter((r) => r.key === `trade:${no}`);
    assert.equal(without.length, 1);
    assert.equal(without[0].error.error_type, 'config');
    const mine = (await later.recover(['202611BBanother', token])).filter((r) => r.key === `trade:${no}`);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].error, null);
    assert.deepEqual([mine[0].outcome.status, mine[0].outcome.cause], ['not_paid', 'recovered']);
  });

  test('a PostgreSQL journal is opened by URL and shared by every instance', async (t) => {
    const url = postgresJournal(t);
    if (!url) return;
    const [here, there] = [workflowsOf({}, url), workflowsOf({}, url)];
    const no = order('PG');
    const paid = await here.payAndWait({ out_trade_no: no, total_amount: '6.60', subject: 's', auth_code: sandbox.buyers.pays_at_once });
    assert.equal(paid.is_paid, true);
    await assert.rejects(
      there.payAndWait({ out_trade_no: no, total_amount: '6.60', subject: 's', auth_code: sandbox.buyers.pays_at_once }),
      InvalidInput,
    );
    const refund = await there.refundUntilKnown({ out_trade_no: no, refund_amount: '1.00', out_request_no: 'R1' });
    assert.equal(refund.status, 'refunded');

    const client = clientOf().withOptions({ notify_url: 'http://127.0.0.1:9/notify' });
    const noted = order('PGN');
    await client.tradePay({ out_trade_no: noted, total_amount: '2.00', subject: 's', auth_code: sandbox.buyers.pays_at_once });
    const form = (await notificationOf(sandbox, noted)).params;
    const [first, second] = await Promise.all([here.receiveNotification(form), there.receiveNotification(form)]);
    assert.deepEqual([first.delivery, second.delivery].sort(), ['first', 'in_progress'], 'exactly one handles it');
    const winner = first.firstDelivery ? here : there;
    await winner.markNotificationHandled(first.firstDelivery ? first : second);
    assert.equal((await here.receiveNotification(form)).delivery, 'handled');
  });

  test('a journal that cannot be opened is a JournalError; a bad policy names its field', () => {
    assert.throws(() => workflowsOf({}, path.join(tmpdir(), 'no-such-dir', 'j.sqlite3')), JournalError);
    assert.throws(
      () => workflowsOf({ barcodePolicy: { max_queries: 'many' } }),
      (e) => e instanceof InvalidInput && e.field.startsWith('barcode_policy.max_queries'),
    );
    assert.throws(() => workflowsOf({ onEvent: 'log' }), (e) => e instanceof InvalidInput && e.field === 'onEvent');
  });
});

/** Waits until `condition()` holds (events arrive on the JS thread, after the outcome may have). */
async function until(condition) {
  for (let i = 0; i < 200 && !condition(); i += 1) {
    await sleep(10);
  }
  assert.ok(condition(), 'the condition never held');
}
