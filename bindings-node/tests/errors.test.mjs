// Errors from Node: one hierarchy, exported so that `instanceof` works, each with the core's fields in
// camelCase; a wrong JS type, a number amount, a forged or mismatched notification, an unreachable
// gateway each get their class; a Rust panic becomes an AlipayError and the process lives on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import {
  AlipayClient, AlipayError, DecodeError, GatewayError, InvalidInput, OrderMismatch, SignatureError, TransportError,
} from 'alipay-core';
import { notificationOf, order, settingsOf, start } from './sandbox.mjs';

const native = createRequire(import.meta.url)('../native.cjs');
const { fromNative } = createRequire(import.meta.url)('../lib/errors.cjs');

let sandbox;
let client;
before(async () => {
  sandbox = await start();
  client = new AlipayClient(settingsOf(sandbox));
});
after(() => sandbox.stop());

test("a refusal is a GatewayError with the core's fields", async () => {
  const error = await client.tradeQuery({ out_trade_no: order('NOBODY') }).catch((e) => e);
  assert.ok(error instanceof GatewayError && error instanceof AlipayError && error instanceof Error);
  assert.equal(error.name, 'GatewayError');
  assert.deepEqual(
    [error.kind, error.errorType, error.code, error.subCode, error.verified, error.method, error.outcomeUnknown, error.field],
    ['rejected', 'gateway', '40004', 'ACQ.TRADE_NOT_EXIST', true, 'alipay.trade.query', false, null],
  );
  assert.ok(error.msg && error.subMsg);
  assert.match(error.traceId, /^[0-9a-f]{32}$/, "the v2 answer's trace_id header, for support");
  assert.match(error.message, /ACQ\.TRADE_NOT_EXIST/);
});

test('bad input names the field; nothing is sent', async () => {
  const pay = (extra) => client.tradePay({ out_trade_no: order('IN'), total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once, ...extra });
  await assert.rejects(pay({ total_amount: '1.001' }), (e) => e instanceof InvalidInput && e.field === 'total_amount' && e.kind === 'invalid_input');
  await assert.rejects(pay({ total_amount: 0.1 }), (e) => e instanceof InvalidInput && e.field === 'total_amount' && /decimal string/.test(e.message));
  await assert.rejects(pay({ subject: 7 }), (e) => e instanceof InvalidInput && e.field === 'subject');
  await assert.rejects(client.tradeQuery('T1'), InvalidInput);
  assert.throws(() => client.tradeAppPay({ out_trade_no: 'A', subject: 's' }), (e) => e instanceof InvalidInput && e.field === 'total_amount');
});

test('an argument of the wrong JS type is InvalidInput, never a bare napi error', async () => {
  await assert.rejects(client.execute(42), (e) => e instanceof InvalidInput && e.kind === 'invalid_input');
  assert.throws(() => client.tradePagePay({ out_trade_no: 'A', total_amount: '1', subject: 's' }, 5), InvalidInput);
});

test('an unreachable gateway is a TransportError that sent nothing', async () => {
  const down = new AlipayClient(settingsOf(sandbox, { gateway: 'http://127.0.0.1:9/gateway.do', connect_timeout: 1 }));
  await assert.rejects(down.tradeQuery({ out_trade_no: order('DOWN') }), (e) => {
    assert.ok(e instanceof TransportError);
    assert.deepEqual([e.kind, e.outcomeUnknown], ['not_sent', false]);
    return true;
  });
});

test('a notification that is forged, or not for the order, is refused naming why', async () => {
  const notifying = client.withOptions({ notify_url: 'http://127.0.0.1:9/n' });
  const no = order('MATCH');
  await notifying.tradePay({ out_trade_no: no, total_amount: '7', subject: 's', auth_code: sandbox.buyers.pays_at_once });
  const form = (await notificationOf(sandbox, no)).params;
  await assert.rejects(client.verifyNotification({ ...form, total_amount: '0.01' }), SignatureError);
  const verified = await client.verifyNotification(form);
  verified.check({ app_id: sandbox.app_id, out_trade_no: no, total_amount: '7.00' });
  assert.throws(() => verified.check({ app_id: sandbox.app_id, out_trade_no: no, total_amount: '70' }), (e) => {
    assert.ok(e instanceof OrderMismatch && e instanceof InvalidInput);
    assert.deepEqual([e.field, e.expected, e.actual], ['total_amount', '70.00', '7.00']);
    return true;
  });
  assert.throws(() => verified.check({ app_id: sandbox.app_id, out_trade_no: no, total_amount: 7 }), InvalidInput);
  await assert.rejects(client.verifyNotification(42), InvalidInput);
  await assert.rejects(client.verifyNotification(Buffer.from('not=a&notification')), SignatureError, 'an unsigned body is never believed');
});

test('a Rust panic becomes an AlipayError, synchronously and in a Promise, and the process lives on', async () => {
  let sync;
  try {
    native.panicForTests();
  } catch (error) {
    sync = fromNative(error);
  }
  assert.ok(sync instanceof AlipayError);
  assert.deepEqual([sync.kind, sync.errorType], ['internal', 'internal']);
  assert.match(sync.message, /panicked.*a test panic in a synchronous call/);
  const inPromise = await native.panicInPromiseForTests().catch(fromNative);
  assert.ok(inPromise instanceof AlipayError);
  assert.match(inPromise.message, /a test panic inside a Promise/);
  const after = await client.tradeQuery({ out_trade_no: order('ALIVE') }).catch((e) => e);
  assert.ok(after instanceof GatewayError, 'the addon still works');
});

test('every class is exported by both module systems, as the same objects', () => {
  const cjs = createRequire(import.meta.url)('alipay-core');
  for (const name of ['AlipayError', 'ConfigError', 'InvalidInput', 'OrderMismatch', 'SignatureError', 'GatewayError', 'TransportError', 'DecodeError', 'JournalError']) {
    assert.equal(typeof cjs[name], 'function', name);
  }
  assert.equal(cjs.DecodeError, DecodeError);
});
