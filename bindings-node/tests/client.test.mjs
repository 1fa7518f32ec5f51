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
