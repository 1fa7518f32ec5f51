// Every call in every mode: v2 and v3, public-key and certificate mode, plain and AES-encrypted, with
// keys given as text, Buffers, bare base64 or files. The same calls give the same verified answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { AlipayClient, GatewayError, InvalidInput, SignatureError, TransportError } from 'alipay-core';
import { advance, control, order, settingsOf, start } from './sandbox.mjs';

const AES_KEY = Buffer.from([...Array(16).keys()]).toString('base64');
const BUYER_ID = '2088102177846880';

let sandbox;
before(async () => {
  sandbox = await start('--certificates', '--encrypt-key', AES_KEY);
});
after(() => sandbox.stop());

/** A certificate-mode client: certificates as text, the Alipay one as a Buffer. */
const certClient = (extra = {}) => {
  const { app_cert, alipay_cert, root_cert } = sandbox.certificates;
  return new AlipayClient({
    app_id: sandbox.app_id,
    app_private_key: sandbox.app_private_key,
    gateway: sandbox.gateway,
    app_cert,
    alipay_cert: Buffer.from(alipay_cert),
    alipay_root_cert: root_cert,
    encrypt_key: AES_KEY,
    ...extra,
  });
};

const MODES = [
  { name: 'v2, certificates', settings: {} },
  { name: 'v2, certificates, AES', settings: { encrypt_by_default: true } },
  { name: 'v3, certificates', settings: { protocol: 'v3' } },
  { name: 'v3, certificates, AES', settings: { protocol: 'v3', encrypt_by_default: true } },
];

for (const mode of MODES) {
  describe(mode.name, () => {
    const client = () => certClient(mode.settings);

    test('pay, query, refund and refund query give verified answers', async () => {
      const no = order('MODE');
      const paid = await client().tradePay({ out_trade_no: no, total_amount: '3.30', subject: '茶', auth_code: sandbox.buyers.pays_at_once });
      assert.deepEqual([paid.code, paid.out_trade_no, paid.total_amount], ['10000', no, '3.30']);
      assert.equal((await client().tradeQuery({ out_trade_no: no })).trade_status, 'TRADE_SUCCESS');
      const refund = await client().tradeRefund({ out_trade_no: no, refund_amount: '1', out_request_no: 'R1' });
      assert.deepEqual([refund.fund_change, refund.refund_fee], [true, '1.00']);
      const again = await client().tradeRefund({ out_trade_no: no, refund_amount: '1', out_request_no: 'R1' });
      assert.equal(again.fund_change, false, 'a repeated refund moves no money');
      const confirmed = await client().tradeFastpayRefundQuery({ out_trade_no: no, out_request_no: 'R1' });
      assert.deepEqual([confirmed.refund_status, confirmed.refund_amount], ['REFUND_SUCCESS', '1.00']);
    });

    test('precreate, create, close and cancel', async () => {
      const qr = await client().tradePrecreate({ out_trade_no: order('QR'), total_amount: '9.90', subject: 's' });
      assert.match(qr.qr_code, /^https:\/\/qr\.alipay\.com\//);
      const created = order('CR');
      const trade = await client().tradeCreate({ out_trade_no: created, total_amount: '1', subject: 's', buyer_id: BUYER_ID });
      assert.equal(trade.out_trade_no, created);
      assert.ok(trade.trade_no);
      assert.equal((await client().tradeClose({ out_trade_no: created })).code, '10000');
      const paid = order('CANCEL');
      await client().tradePay({ out_trade_no: paid, total_amount: '5', subject: 's', auth_code: sandbox.buyers.pays_at_once });
      const cancelled = await client().tradeCancel({ out_trade_no: paid });
      assert.deepEqual([cancelled.action, cancelled.retry_flag], ['refund', false]);
    });

    test("Alipay's refusal is a verified GatewayError", async () => {
      await assert.rejects(client().tradeQuery({ out_trade_no: order('NONE') }), (error) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.subCode, 'ACQ.TRADE_NOT_EXIST');
        assert.equal(error.verified, true);
        // Alipay's trace id for support: v3's alipay-trace-id header, v2's trace_id header.
        assert.ok(error.traceId, "the refusal keeps Alipay's trace id for support");
        if (mode.settings.protocol === 'v3') {
          assert.equal(error.httpStatus, 400);
        }
        return true;
      });
    });

    test('execute calls any method and verifies its answer', async () => {
      const node = await client().execute('alipay.trade.precreate', { out_trade_no: order('EX'), total_amount: '1.00', subject: 's' });
      assert.deepEqual([node.code, node.signed], ['10000', true]);
      assert.match(JSON.parse(node.raw).qr_code, /^https:\/\/qr\.alipay\.com\//);
    });
  });
}

describe('executeV3', () => {
  test('posts a JSON body and gets the verified answer, with its trace id', async () => {
    for (const settings of [{}, { protocol: 'v3' }, { encrypt_by_default: true }]) {
      const no = order('V3X');
      const answer = await certClient(settings).executeV3('POST', '/v3/alipay/trade/precreate', {
        body: { out_trade_no: no, total_amount: '2.00', subject: 's' },
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.out_trade_no, no);
      assert.match(answer.body.qr_code, /^https:\/\/qr\.alipay\.com\//);
      assert.equal(JSON.parse(answer.raw).out_trade_no, no, 'raw is the verified (decrypted) text');
      assert.ok(answer.trace_id);
    }
  });

  test('an error answer is a GatewayError with its HTTP status; a bad path never leaves', async () => {
    await assert.rejects(
      certClient().executeV3('POST', '/v3/alipay/trade/query', { body: { out_trade_no: order('NONE') } }),
      (error) => error instanceof GatewayError && error.httpStatus === 400 && error.subCode === 'ACQ.TRADE_NOT_EXIST',
    );
    await assert.rejects(certClient().executeV3('POST', '/v2/nope'), (e) => e instanceof InvalidInput && e.field === 'path');
    await assert.rejects(certClient().executeV3('PUT', '/v3/alipay/trade/query'), (e) => e instanceof InvalidInput && e.field === 'http_method');
  });
});

describe('keys', () => {
  const bare = (pem) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

  test('PEM or bare base64, text or Buffer, or files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alipay-keys-'));
    writeFileSync(path.join(dir, 'app.pem'), sandbox.app_private_key);
    writeFileSync(path.join(dir, 'alipay.pem'), sandbox.alipay_public_key);
    const variants = [
      { app_private_key: bare(sandbox.app_private_key), alipay_public_key: bare(sandbox.alipay_public_key) },
      { app_private_key: Buffer.from(sandbox.app_private_key), alipay_public_key: Buffer.from(sandbox.alipay_public_key) },
      { app_private_key: null, alipay_public_key: null, app_private_key_file: path.join(dir, 'app.pem'), alipay_public_key_file: path.join(dir, 'alipay.pem') },
    ];
    for (const keys of variants) {
      const client = new AlipayClient(settingsOf(sandbox, keys));
      const no = order('KEY');
      assert.equal((await client.tradePay({ out_trade_no: no, total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once })).code, '10000');
    }
  });

  test('certificate mode from paths; a proxy that is down sends nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'alipay-certs-'));
    const files = {};
    for (const [name, file] of [['app_cert', 'app.crt'], ['alipay_cert', 'alipay.crt'], ['root_cert', 'root.crt']]) {
      writeFileSync(path.join(dir, file), sandbox.certificates[name]);
      files[name] = path.join(dir, file);
    }
    const fromPaths = new AlipayClient({
      app_id: sandbox.app_id, app_private_key: sandbox.app_private_key, gateway: sandbox.gateway,
      app_cert_file: files.app_cert, alipay_cert_file: files.alipay_cert, alipay_root_cert_file: files.root_cert,
    });
    const no = order('CERTF');
    assert.equal((await fromPaths.tradePay({ out_trade_no: no, total_amount: '1', subject: 's', auth_code: sandbox.buyers.pays_at_once })).code, '10000');
    const proxied = new AlipayClient(settingsOf(sandbox, { proxy: 'http://127.0.0.1:9', connect_timeout: 1, timeout: 5 }));
    await assert.rejects(proxied.tradeQuery({ out_trade_no: no }), (e) => e instanceof TransportError && e.outcomeUnknown === false);
  });

  test('an answer signed by another key is never believed', async () => {
    const other = await start();
    try {
      const client = new AlipayClient(settingsOf(sandbox, { alipay_public_key: other.alipay_public_key }));
      await assert.rejects(client.tradeQuery({ out_trade_no: order('X') }), SignatureError);
    } finally {
      other.stop();
    }
  });
});

describe('signed without a call', () => {
  const client = () => new AlipayClient(settingsOf(sandbox));

  test('page and wap pay as a form or a URL; app pay as an order string', () => {
    const form = client().tradePagePay({ out_trade_no: order('PG'), total_amount: '9.90', subject: 's' });
    assert.ok(form.startsWith('<form') && form.includes('alipay.trade.page.pay'));
    const url = client().tradeWapPay({ out_trade_no: order('WAP'), total_amount: '9.90', subject: 's', quit_url: 'https://m.example/quit' }, 'url');
    assert.ok(url.startsWith(sandbox.gateway) && url.includes('sign='));
    const orderString = client().tradeAppPay({ out_trade_no: order('APP'), total_amount: '9.90', subject: 's' });
    assert.ok(orderString.includes('method=alipay.trade.app.pay') && orderString.includes('sign='));
    assert.throws(() => client().tradePagePay({ out_trade_no: order('PG'), total_amount: '1', subject: 's' }, 'pdf'), (e) => e instanceof InvalidInput && e.field === 'format');
  });

  test('withOptions adds notify_url and return_url, and leaves the client as it was', () => {
    const base = client();
    const page = base.withOptions({ return_url: 'https://shop.example/done', notify_url: 'https://shop.example/notify' });
    const url = new URL(page.tradePagePay({ out_trade_no: order('RU'), total_amount: '1', subject: 's' }, 'url'));
    assert.equal(url.searchParams.get('return_url'), 'https://shop.example/done');
    assert.equal(url.searchParams.get('notify_url'), 'https://shop.example/notify');
    const plain = new URL(base.tradePagePay({ out_trade_no: order('RU'), total_amount: '1', subject: 's' }, 'url'));
    assert.equal(plain.searchParams.get('return_url'), null);
    assert.equal(page.appId, sandbox.app_id);
  });
});

describe('bills', () => {
  test("a day's bill is asked for, downloaded and parsed, with amounts as decimal strings", async () => {
    const own = await start();
    try {
      const client = new AlipayClient(settingsOf(own));
      const no = order('BILL');
      await client.tradePay({ out_trade_no: no, total_amount: '12', subject: '咖啡', auth_code: own.buyers.pays_at_once });
      const day = (await client.tradeQuery({ out_trade_no: no })).send_pay_date.slice(0, 10);
      await assert.rejects(client.downloadBill({ bill_type: 'trade', bill_date: day }), (e) => e instanceof GatewayError && e.subCode === 'isp.bill_not_exist');
      await advance(own, 24 * 3600);
      const url = await client.dataDataserviceBillDownloadurlQuery({ bill_type: 'trade', bill_date: day });
      assert.match(url.bill_download_url, /^http/);
      const bill = await client.downloadBill({ bill_type: 'trade', bill_date: day });
      const row = bill.trade_details.find((r) => r.out_trade_no === no);
      assert.deepEqual([row.business_type, row.order_amount, row.subject], ['交易', '12.00', '咖啡']);
      assert.ok(bill.trade_summary.some((r) => r.is_total));
      assert.ok(bill.files.some((f) => f.kind === 'trade_detail'));
    } finally {
      own.stop();
    }
  });
});

test('control endpoints are reachable (the ground truth the other tests read)', async () => {
  assert.ok(Array.isArray(await control(sandbox, '/sandbox/trades')));
});
