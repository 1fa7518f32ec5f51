// AlipayClient against the sandbox: typed calls resolve to verified answers, Alipay's refusals reject
// with GatewayError and its fields, bad settings throw ConfigError, and both module systems load it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { AlipayClient, ConfigError, GatewayError, InvalidInput } from 'alipay-core';
import { order, start } from './sandbox.mjs';

let sandbox;
let client;
before(async () => {
  sandbox = await start();
  client = new AlipayClient({
    app_id: sandbox.app_id,
    app_private_key: sandbox.app_private_key,
    alipay_public_key: sandbox.alipay_public_key,
    gateway: sandbox.gateway,
  });
});
after(() => sandbox.stop());

test('a barcode payment resolves to the verified answer, with money as a decimal string', async () => {
  const no = order('NODE');
  const paid = await client.tradePay({
    out_trade_no: no, total_amount: '12.50', subject: '咖啡 Latte', auth_code: sandbox.buyers.pays_at_once,
  });
  assert.equal(paid.code, '10000');
  assert.equal(paid.out_trade_no, no);
  assert.equal(paid.total_amount, '12.50');
  const queried = await client.tradeQuery({ out_trade_no: no });
  assert.equal(queried.trade_status, 'TRADE_SUCCESS');
});

test("Alipay's refusal rejects with GatewayError and the core's fields", async () => {
  await assert.rejects(client.tradeQuery({ out_trade_no: order('NONE') }), (error) => {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.subCode, 'ACQ.TRADE_NOT_EXIST');
    assert.equal(error.kind, 'rejected');
    assert.equal(error.verified, true);
    assert.equal(error.method, 'alipay.trade.query');
    return true;
  });
});

test('fields the request refuses reject with InvalidInput naming the field; nothing is sent', async () => {
  await assert.rejects(client.tradePay({ out_trade_no: order('BAD'), total_amount: '1.005', subject: 's', auth_code: sandbox.buyers.pays_at_once }), (error) => {
    assert.ok(error instanceof InvalidInput);
    assert.equal(error.field, 'total_amount');
    return true;
  });
});

test('an incomplete certificate mode throws ConfigError naming what is missing', () => {
  assert.throws(
    () => new AlipayClient({ app_id: sandbox.app_id, app_private_key: sandbox.app_private_key, app_cert: 'x' }),
    (error) => error instanceof ConfigError && error.message.includes('alipay_cert and alipay_root_cert missing'),
  );
});

test('require() loads the same package as import', () => {
  const cjs = createRequire(import.meta.url)('alipay-core');
  assert.equal(typeof cjs.AlipayClient, 'function');
  assert.equal(cjs.GatewayError, GatewayError);
});

test('an amount given as a JS number is refused, naming the field, before anything is sent', async () => {
  const pay = { out_trade_no: order('NUM'), total_amount: 88, subject: 's', auth_code: sandbox.buyers.pays_at_once };
  await assert.rejects(client.tradePay(pay), (error) => error instanceof InvalidInput && error.field === 'total_amount');
  const goods = [{ goods_id: 'g', goods_name: 'n', quantity: 1, price: 0.1 }];
  await assert.rejects(
    client.tradePrecreate({ out_trade_no: order('NUM'), total_amount: '0.10', subject: 's', goods_detail: goods }),
    (error) => error instanceof InvalidInput && error.field === 'goods_detail[0].price',
  );
  const unsent = await client.tradeQuery({ out_trade_no: pay.out_trade_no }).catch((e) => e);
  assert.equal(unsent.subCode, 'ACQ.TRADE_NOT_EXIST');
});

test('keys may be Buffers of their text', async () => {
  const fromBuffers = new AlipayClient({
    app_id: sandbox.app_id,
    app_private_key: Buffer.from(sandbox.app_private_key),
    alipay_public_key: Buffer.from(sandbox.alipay_public_key),
    gateway: sandbox.gateway,
  });
  const no = order('BUF');
  assert.equal((await fromBuffers.tradePay({ out_trade_no: no, total_amount: '1.00', subject: 's', auth_code: sandbox.buyers.pays_at_once })).code, '10000');
  assert.throws(
    () => new AlipayClient({ app_id: sandbox.app_id, app_private_key: Buffer.from([0xff, 0xfe]) }),
    (error) => error instanceof ConfigError && error.message.includes('app_private_key'),
  );
});
