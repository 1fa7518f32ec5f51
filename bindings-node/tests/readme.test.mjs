// The README's Node examples, run as written against the sandbox: the barcode checkout (paid when the
// buyer confirms, not paid when they never do) and the Express notification route on a real Express
// server, to which the sandbox delivers its notifications until the route answers `success`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { AlipayClient } from 'alipay-core';
import { nodeExamples } from './readme.mjs';
import { control, order, settingsOf, start } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const ts = require('typescript');
let sandbox;
let dir;
before(async () => {
  sandbox = await start('--speed', '100');
  dir = mkdtempSync(path.join(tmpdir(), 'alipay-readme-'));
  writeFileSync(path.join(dir, 'app_private_key.pem'), sandbox.app_private_key);
  writeFileSync(path.join(dir, 'alipay_public_key.pem'), sandbox.alipay_public_key);
});
after(() => sandbox.stop());

/**
 * Runs the README's blocks (joined, compiled to CommonJS) in one module scope. `alipay-core` is the real
 * package, with its client pointed at the sandbox, file paths read from the temporary folder and the
 * polls sped up; `express` is the real one, its `listen` on a free port. `extras` are globals the
 * example leaves to the reader (`markOrderPaid`). Returns the module's exports and the server.
 */
async function runExamples(blocks, extras = {}) {
  const real = require('alipay-core');
  const inDir = (settings) => Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, k.endsWith('_file') ? path.join(dir, v) : v]));
  const shim = {
    ...real,
    AlipayClient: class extends real.AlipayClient {
      constructor(settings) {
        super({ ...inDir(settings), app_id: sandbox.app_id, gateway: sandbox.gateway });
      }
    },
    Workflows: class extends real.Workflows {
      constructor(client, journal, options = {}) {
        super(client, path.join(dir, journal), { barcodePolicy: { query_interval: 0.05, cancel_interval: 0.05 }, ...options });
      }
    },
  };
  let server;
  const express = require('express');
  const expressShim = Object.assign((...args) => {
    const app = express(...args);
    const listen = app.listen.bind(app);
    app.listen = (_port, ...rest) => (server = listen(0, '127.0.0.1', ...rest.filter((a) => typeof a === 'function')));
    return app;
  }, express);
  const modules = { 'alipay-core': shim, express: expressShim };
  const js = ts.transpileModule(blocks.join('\n'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const exports = {};
  const scope = new Function('require', 'exports', ...Object.keys(extras), js);
  scope((name) => modules[name] ?? require(name), exports, ...Object.values(extras));
  if (server) {
    await new Promise((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
  }
  return { exports, server };
}

test('the barcode checkout is about ten lines, and is paid only when the buyer pays', async () => {
  const [checkoutBlock] = nodeExamples();
  assert.ok(checkoutBlock.split('\n').filter((line) => line.trim()).length <= 10);
  const { exports } = await runExamples([checkoutBlock]);
  assert.equal(await exports.checkout(order('README'), sandbox.buyers.confirms_after_10s, '12.50'), true);
  assert.equal(await exports.checkout(order('README'), sandbox.buyers.never_confirms, '12.50'), false);
});

test('the Express route verifies, checks the order, de-duplicates and answers success', async () => {
  const paid = [];
  const markOrderPaid = async (outTradeNo, amount) => {
    paid.push([outTradeNo, amount]);
  };
  const { exports, server } = await runExamples([...nodeExamples(), 'exports.orders = orders;'], { markOrderPaid });
  const orders = exports.orders;
  try {
    const url = `http://127.0.0.1:${server.address().port}/alipay/notify`;
    const client = new AlipayClient(settingsOf(sandbox)).withOptions({ notify_url: url });
    const pay = (no, amount) => client.tradePay({ out_trade_no: no, total_amount: amount, subject: 's', auth_code: sandbox.buyers.pays_at_once });
    const post = (form) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

    const no = order('NOTIFY');
    orders.set(no, { app_id: sandbox.app_id, out_trade_no: no, total_amount: '7.00' });
    await pay(no, '7');
    const delivery = await delivered(no, (d) => d.acknowledged);
    assert.equal(delivery.attempts.at(-1).outcome, 'HTTP 200: success', 'the sandbox delivered it to the route');
    assert.deepEqual(paid, [[no, '7.00']]);
    const again = await post(delivery.params);
    assert.deepEqual([again.status, await again.text()], [200, 'success'], 'a redelivery is acknowledged');
    assert.equal(paid.length, 1, 'and handled once');
    const forged = await post({ ...delivery.params, total_amount: '0.01' });
    assert.deepEqual([forged.status, await forged.text()], [400, 'failure'], 'a forged amount fails its signature');

    // Genuine notifications that are not about an order on record: each is refused, nothing is paid.
    const stranger = order('STRANGER');
    const cheaper = order('CHEAPER');
    orders.set(cheaper, { app_id: sandbox.app_id, out_trade_no: cheaper, total_amount: '8.01' });
    for (const refused of [stranger, cheaper]) {
      await pay(refused, '8');
      const attempt = await delivered(refused, (d) => d.attempts.length > 0);
      assert.match(attempt.attempts[0].outcome, /^HTTP 400/, `${refused} is refused`);
    }
    assert.equal(paid.length, 1);
  } finally {
    server.close();
  }
});

/** The sandbox's delivery record of `outTradeNo`'s notification, once `ready(record)` holds. */
async function delivered(outTradeNo, ready) {
  for (let i = 0; i < 300; i += 1) {
    const found = (await control(sandbox, '/sandbox/notifications')).find((d) => d.out_trade_no === outTradeNo);
    if (found && ready(found)) {
      return found;
    }
    await sleep(20);
  }
  throw new Error(`the notification of ${outTradeNo} was never delivered as expected`);
}
