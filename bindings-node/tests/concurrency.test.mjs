// One client, 100 calls in flight: every Promise settles with the verified answer to its own request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { AlipayClient, GatewayError } from 'alipay-core';
import { order, settingsOf, start } from './sandbox.mjs';

let sandbox;
before(async () => {
  sandbox = await start();
});
after(() => sandbox.stop());

test('100 concurrent calls from one client each resolve to their own answer', async () => {
  const client = new AlipayClient(settingsOf(sandbox));
  const numbers = Array.from({ length: 100 }, (_, i) => order(`C${i}`));
  const amounts = numbers.map((_, i) => `${i + 1}.${String(i % 100).padStart(2, '0')}`);
  const paid = await Promise.all(numbers.map((no, i) => client.tradePay({
    out_trade_no: no, total_amount: amounts[i], subject: 's', auth_code: sandbox.buyers.pays_at_once,
  })));
  assert.deepEqual(paid.map((p) => [p.out_trade_no, p.total_amount]), numbers.map((no, i) => [no, amounts[i]]));

  const mixed = await Promise.allSettled(numbers.map((no, i) => client.tradeQuery({ out_trade_no: i % 2 ? no : `${no}-NONE` })));
  mixed.forEach((result, i) => {
    if (i % 2) {
      assert.equal(result.status, 'fulfilled');
      assert.deepEqual([result.value.out_trade_no, result.value.trade_status], [numbers[i], 'TRADE_SUCCESS']);
    } else {
      assert.equal(result.status, 'rejected');
      assert.ok(result.reason instanceof GatewayError && result.reason.subCode === 'ACQ.TRADE_NOT_EXIST');
    }
  });
});
