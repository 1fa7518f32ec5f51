// QR images from Node: the module's qrSvg and qrPng (PNG bytes, a size out of range refused with
// InvalidInput), and the same on the handle of a QR payment, drawn from its precreate qr_code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { AlipayClient, InvalidInput, Workflows, qrPng, qrSvg } from 'alipay-core';
import { order, settingsOf, start } from './sandbox.mjs';

const PNG_MAGIC = Buffer.from('\x89PNG\r\n\x1a\n', 'latin1');
const FAST = { query_interval: 0.05, cancel_interval: 0.05, max_queries: 3 };

let sandbox;
before(async () => {
  sandbox = await start('--speed', '100');
});
after(() => sandbox.stop());

/** The width and height of a PNG, from its IHDR chunk. */
const dimensions = (png) => [png.readUInt32BE(16), png.readUInt32BE(20)];

test('qrSvg draws an SVG document', () => {
  const svg = qrSvg('https://qr.alipay.com/bax01234');
  assert.equal(typeof svg, 'string');
  assert.ok(svg.includes('<svg'), svg.slice(0, 100));
  assert.notEqual(svg, qrSvg('https://qr.alipay.com/bax56789'), 'the drawing depends on the text');
});

test('qrPng draws a PNG of at most the size asked, 256 pixels by default', () => {
  const png = qrPng('https://qr.alipay.com/bax01234');
  assert.ok(Buffer.isBuffer(png));
  assert.deepEqual(png.subarray(0, 8), PNG_MAGIC);
  const [width, height] = dimensions(png);
  assert.equal(width, height);
  assert.ok(width <= 256 && width > 200, `${width} pixels`);
  const large = qrPng('https://qr.alipay.com/bax01234', 1000);
  assert.ok(dimensions(large)[0] > 900 && dimensions(large)[0] <= 1000);
});

test('a size out of range, or no text, throws InvalidInput naming it', () => {
  for (const size of [4097, 10, -1, 2.5, '256']) {
    assert.throws(() => qrPng('https://qr.alipay.com/bax01234', size), (e) => e instanceof InvalidInput && e.field === 'size', `size ${size}`);
  }
  assert.throws(() => qrSvg(''), (e) => e instanceof InvalidInput && e.field === 'qr_code');
  assert.throws(() => qrPng('x'.repeat(5000)), (e) => e instanceof InvalidInput && e.field === 'qr_code');
});

test("the QR payment's handle draws its own qr_code; a barcode payment's has none", async () => {
  const workflows = new Workflows(new AlipayClient(settingsOf(sandbox)), ':memory:', { qrPolicy: FAST, barcodePolicy: FAST });
  const handle = await workflows.precreateAndWait({ out_trade_no: order('QRIMG'), total_amount: '9.90', subject: '二维码' });
  try {
    assert.ok(handle.qrCode);
    const svg = handle.qrSvg();
    assert.ok(svg.includes('<svg'));
    assert.equal(svg, qrSvg(handle.qrCode), 'the handle draws its precreate qr_code');
    const png = handle.qrPng(300);
    assert.deepEqual(png.subarray(0, 8), PNG_MAGIC);
    assert.ok(dimensions(png)[0] <= 300);
    assert.deepEqual(handle.qrPng(), qrPng(handle.qrCode));
    assert.throws(() => handle.qrPng(5000), (e) => e instanceof InvalidInput && e.field === 'size');
  } finally {
    handle.cancel();
    await handle.outcome();
  }

  const barcode = await workflows.startPay({
    out_trade_no: order('QRNONE'), total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once,
  });
  await barcode.outcome();
  assert.equal(barcode.qrCode, null);
  assert.throws(() => barcode.qrSvg(), (e) => e instanceof InvalidInput && e.field === 'qr_code');
  assert.throws(() => barcode.qrPng(), (e) => e instanceof InvalidInput && e.field === 'qr_code');
});
