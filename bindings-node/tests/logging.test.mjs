// The core's events through `setLogger`, against the sandbox (virtual time 100× faster): each call's
// `answered` / `failed` record and each workflow step, with their fields, at the logger method of their
// level; never a secret; the level filter; `setLogger(null)`; a logger that throws; a process with a
// logger set still exits on its own. The logger is process-wide: the tests here run one after another,
// and each picks its own records out by `out_trade_no` (calls) or `key` (workflow steps).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import { AlipayClient, InvalidInput, SignatureError, Workflows, setLogger } from 'alipay-core';
import { control, order, settingsOf, start } from './sandbox.mjs';

const FAST = { query_interval: 0.05, cancel_interval: 0.05 };
const TOKEN = '202611BBlogging-secret-app-auth-token';

let sandbox;
before(async () => {
  sandbox = await start('--speed', '100');
});
after(() => sandbox.stop());
afterEach(() => setLogger(null));

const clientOf = () => new AlipayClient(settingsOf(sandbox)).withOptions({ app_auth_token: TOKEN });
const workflowsOf = () => new Workflows(clientOf(), ':memory:', { barcodePolicy: FAST });

/** A logger that keeps every delivery: `[method, message, record]`. */
function capturing() {
  const deliveries = [];
  const method = (name) => (message, record) => deliveries.push([name, message, record]);
  const logger = { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
  return { logger, deliveries, records: () => deliveries.map((d) => d[2]) };
}

/** The records of the trade `no`: its calls' (by `out_trade_no`) and its workflow's (by `key`). */
const ofTrade = (records, no) => records.filter((r) => r.fields.out_trade_no === no || r.fields.key === `trade:${no}`);
const calls = (records, event) => records.filter((r) => r.logger === 'alipay_core.call' && r.event === event);
const steps = (records, event) => records.filter((r) => r.logger === 'alipay_core.workflow' && r.event === event);

/** Waits until `condition()` holds: records arrive on the JS thread, after the outcome may have. */
async function until(condition) {
  for (let i = 0; i < 300 && !condition(); i += 1) {
    await sleep(10);
  }
  assert.ok(condition(), 'the condition never held');
}

/** Every line of the app's private key, and the other secrets the tests send. */
const secrets = (...more) => [...sandbox.app_private_key.split('\n').map((l) => l.trim()).filter(Boolean), TOKEN, ...more];

function assertNoSecret(records, ...more) {
  const text = JSON.stringify(records);
  for (const secret of secrets(...more)) {
    assert.ok(!text.includes(secret), `a record holds a secret: ${secret}`);
  }
}

/** Each delivery went to the logger method of its record's level, with the record's message. */
function assertDelivered(deliveries) {
  for (const [method, message, record] of deliveries) {
    assert.equal(method, record.level === 'trace' ? 'debug' : record.level);
    assert.equal(message, record.message);
    assert.equal(typeof record.event, 'string');
    assert.ok(record.logger.startsWith('alipay_core.'));
  }
}

describe('records', () => {
  test('a buyer who confirms: every call answered and verified, every workflow step, no secret', async () => {
    const { logger, deliveries, records } = capturing();
    setLogger(logger, { level: 'debug' });
    const no = order('LOGOK');
    const authCode = sandbox.buyers.confirms_after_10s;
    const outcome = await workflowsOf().payAndWait({ out_trade_no: no, total_amount: '10', subject: '茶', auth_code: authCode });
    assert.equal(outcome.is_paid, true);
    await until(() => steps(ofTrade(records(), no), 'done').length === 1);
    const mine = ofTrade(records(), no);

    const answered = calls(mine, 'answered');
    assert.deepEqual([...new Set(answered.map((r) => r.fields.method))].sort(), ['alipay.trade.pay', 'alipay.trade.query']);
    for (const r of answered) {
      assert.equal(r.level, 'debug');
      assert.equal(r.fields.out_trade_no, no);
      assert.equal(r.fields.verdict, 'verified');
      assert.ok(r.fields.trace_id, 'the answer carries Alipay trace id');
      assert.match(r.message, /^answered /);
    }
    const pay = answered.find((r) => r.fields.method === 'alipay.trade.pay');
    assert.equal(pay.fields.auth_code, '28…(18 digits)', 'the payment code only masked');

    const submitted = steps(mine, 'submitted');
    assert.equal(submitted.length, 1);
    assert.equal(submitted[0].level, 'info');
    const waiting = steps(mine, 'waiting_for_buyer');
    assert.ok(waiting.length >= 1);
    assert.deepEqual([waiting[0].fields.query, waiting[0].fields.of], ['1', '5']);
    assert.ok(steps(mine, 'querying').length >= 1);
    assert.equal(steps(mine, 'cancelling').length, 0);
    const [done] = steps(mine, 'done');
    assert.deepEqual([done.level, done.fields.status, done.fields.known], ['info', 'paid', 'true']);
    const order_ = mine.filter((r) => r.logger === 'alipay_core.workflow').map((r) => r.event);
    assert.equal(order_[0], 'submitted');
    assert.equal(order_.at(-1), 'done');

    assertDelivered(deliveries);
    assertNoSecret(records(), authCode);
  });

  test('a buyer who never confirms: waited for, queried, cancelled for buyer_timeout, done', async () => {
    const { logger, deliveries, records } = capturing();
    setLogger(logger, { level: 'debug' });
    const no = order('LOGNEVER');
    const authCode = sandbox.buyers.never_confirms;
    const outcome = await workflowsOf().payAndWait({ out_trade_no: no, total_amount: '10', subject: 's', auth_code: authCode });
    assert.deepEqual([outcome.status, outcome.cause], ['not_paid', 'buyer_timeout']);
    await until(() => steps(ofTrade(records(), no), 'done').length === 1);
    const mine = ofTrade(records(), no);

    const waiting = steps(mine, 'waiting_for_buyer');
    assert.deepEqual(waiting.map((r) => [r.fields.query, r.fields.of]), [1, 2, 3, 4, 5].map((q) => [String(q), '5']));
    assert.equal(steps(mine, 'querying').length, 5);
    const cancelling = steps(mine, 'cancelling');
    assert.equal(cancelling.length, 1);
    assert.deepEqual([cancelling[0].level, cancelling[0].fields.cause], ['info', 'buyer_timeout']);
    const [done] = steps(mine, 'done');
    assert.deepEqual([done.fields.status, done.fields.known, done.fields.cause], ['not_paid', 'true', 'buyer_timeout']);
    const cancel = calls(mine, 'answered').filter((r) => r.fields.method === 'alipay.trade.cancel');
    assert.equal(cancel.length, 1, 'the cancel call answered');
    assert.equal(cancel[0].fields.verdict, 'verified');

    assertDelivered(deliveries);
    assertNoSecret(records(), authCode);
  });

  test('a forged answer is a failed call, at warn, with verdict forged', async () => {
    const { logger, deliveries, records } = capturing();
    setLogger(logger, { level: 'debug' });
    const no = order('LOGFORGED');
    const authCode = sandbox.buyers.pays_at_once;
    await control(sandbox, '/sandbox/faults', { fault: 'forged_signature', method: 'alipay.trade.pay' });
    await assert.rejects(clientOf().tradePay({ out_trade_no: no, total_amount: '5', subject: 's', auth_code: authCode }), SignatureError);
    await until(() => calls(ofTrade(records(), no), 'failed').length === 1);
    const mine = ofTrade(records(), no);
    const [failed] = calls(mine, 'failed');
    assert.deepEqual([failed.level, failed.fields.method, failed.fields.verdict], ['warn', 'alipay.trade.pay', 'forged']);
    assert.equal(calls(mine, 'answered').length, 0, 'a forged answer is never answered');
    assert.ok(deliveries.some(([method, , r]) => r === failed && method === 'warn'));

    assertDelivered(deliveries);
    assertNoSecret(records(), authCode);
  });
});

describe('setLogger', () => {
  test("at level 'warn' no debug or info record arrives", async () => {
    const { logger, records } = capturing();
    setLogger(logger, { level: 'warn' });
    const [paid, forged] = [order('LOGWARN'), order('LOGWARNF')];
    const outcome = await workflowsOf().payAndWait({ out_trade_no: paid, total_amount: '1', subject: 's', auth_code: sandbox.buyers.confirms_after_10s });
    assert.equal(outcome.is_paid, true);
    await control(sandbox, '/sandbox/faults', { fault: 'forged_signature', method: 'alipay.trade.pay' });
    await assert.rejects(clientOf().tradePay({ out_trade_no: forged, total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once }), SignatureError);
    await until(() => calls(ofTrade(records(), forged), 'failed').length === 1);
    await sleep(100);
    assert.deepEqual(ofTrade(records(), paid), [], 'a payment that went well says nothing at warn');
    assert.deepEqual(records().filter((r) => r.level === 'debug' || r.level === 'info' || r.level === 'trace'), []);
  });

  test("the default level is 'info': workflow steps, no call answered", async () => {
    const { logger, records } = capturing();
    setLogger(logger);
    const no = order('LOGINFO');
    await workflowsOf().payAndWait({ out_trade_no: no, total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once });
    await until(() => steps(ofTrade(records(), no), 'done').length === 1);
    assert.deepEqual(records().filter((r) => r.level === 'debug'), []);
  });

  test('setLogger(null) silences it again', async () => {
    const { logger, records } = capturing();
    setLogger(logger, { level: 'debug' });
    const before = order('LOGON');
    await clientOf().tradePay({ out_trade_no: before, total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once });
    await until(() => ofTrade(records(), before).length > 0);

    setLogger(null);
    const count = records().length;
    const no = order('LOGOFF');
    await workflowsOf().payAndWait({ out_trade_no: no, total_amount: '1', subject: 's', auth_code: sandbox.buyers.confirms_after_10s });
    await sleep(200);
    assert.equal(records().length, count, 'nothing after setLogger(null)');
    setLogger(undefined, { level: 'debug' });
  });

  test('a logger that throws or rejects loses its records and disturbs no payment', async () => {
    const problems = [];
    const onProblem = (error) => problems.push(error);
    process.on('uncaughtException', onProblem);
    process.on('unhandledRejection', onProblem);
    try {
      let called = 0;
      const throwing = () => {
        called += 1;
        throw new Error('the log disk is full');
      };
      const rejecting = async () => {
        called += 1;
        throw new Error('the log server is gone');
      };
      setLogger({ debug: throwing, info: rejecting, warn: throwing, error: throwing }, { level: 'debug' });
      const outcome = await workflowsOf().payAndWait({
        out_trade_no: order('LOGTHROW'), total_amount: '1', subject: 's', auth_code: sandbox.buyers.confirms_after_10s,
      });
      assert.equal(outcome.is_paid, true);
      await until(() => called >= 5);
      await sleep(50);
      assert.deepEqual(problems, []);
    } finally {
      process.off('uncaughtException', onProblem);
      process.off('unhandledRejection', onProblem);
    }
  });

  test('a bad level or logger is refused with InvalidInput', () => {
    const { logger } = capturing();
    assert.throws(() => setLogger(logger, { level: 'verbose' }), (e) => e instanceof InvalidInput && e.field === 'level');
    assert.throws(() => setLogger({ info() {} }), (e) => e instanceof InvalidInput && e.field === 'logger');
    assert.throws(() => setLogger('console'), (e) => e instanceof InvalidInput && e.field === 'logger');
  });

  test('a process with a logger set exits on its own after its last call', async () => {
    const script = fileURLToPath(new URL('./fixtures/logger-exit.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, JSON.stringify(sandbox)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, signal] = await new Promise((resolve) => child.on('exit', (...end) => resolve(end)));
    clearTimeout(timer);
    assert.deepEqual([code, signal, stderr], [0, null, ''], 'it exits by itself, with 0');
    const { records, events } = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.ok(records >= 1 && events.includes('answered'), `its logger received the call's record: ${stdout}`);
  });
});
