// Drives the official Node SDK (`alipay-sdk`) against the sandbox in v3 (`curl()`), optionally in
// certificate mode and with AES content encryption, plus v2 `exec()` in the same configuration. Every
// answer must pass the SDK's own verification (it throws when a signature or `alipay-sn` disagrees).
// Usage: node fidelity_v3.js <folder holding node_modules/alipay-sdk> <config.json>
// config: { gateway, endpoint, app_id, app_private_key_pem (PKCS#8), alipay_public_key_pem,
//           certs?: { app_cert, alipay_cert, root_cert }, encrypt_key?, out_trade_no, qr_out_trade_no,
//           v2_out_trade_no, auth_code, bill_date }
'use strict';
const path = require('node:path');
const fs = require('node:fs');

async function main() {
  const [sdkDir, configFile] = process.argv.slice(2);
  const { AlipaySdk } = require(path.join(sdkDir, 'node_modules', 'alipay-sdk'));
  const c = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  const config = {
    appId: c.app_id,
    privateKey: c.app_private_key_pem,
    keyType: 'PKCS8',
    gateway: c.gateway,
    endpoint: c.endpoint,
    camelcase: false,
    timeout: 10000,
  };
  if (c.certs) {
    config.appCertContent = c.certs.app_cert;
    config.alipayPublicCertContent = c.certs.alipay_cert;
    config.alipayRootCertContent = c.certs.root_cert;
  } else {
    config.alipayPublicKey = c.alipay_public_key_pem;
  }
  if (c.encrypt_key) {
    config.encryptKey = c.encrypt_key;
  }
  const sdk = new AlipaySdk(config);
  const needEncrypt = Boolean(c.encrypt_key);
  const post = async (p, body) => (await sdk.curl('POST', p, { body, needEncrypt })).data;
  // A business failure: the SDK throws AlipayRequestError with the v3 code and HTTP status.
  const failure = async (p, body) => {
    try {
      await sdk.curl('POST', p, { body, needEncrypt });
      return { unexpected: 'success' };
    } catch (err) {
      return { code: err.code, status: err.responseHttpStatus, message: err.message };
    }
  };

  const r = {};
  r.pay = await post('/v3/alipay/trade/pay', {
    out_trade_no: c.out_trade_no, total_amount: '9.90', subject: '节点 v3 a&b=c', auth_code: c.auth_code, scene: 'bar_code',
  });
  r.query = await post('/v3/alipay/trade/query', { out_trade_no: c.out_trade_no });
  r.refund = await post('/v3/alipay/trade/refund', {
    out_trade_no: c.out_trade_no, refund_amount: '1.10', out_request_no: 'NODE-V3-R1', refund_reason: '部分 退款',
  });
  r.refund_query = await post('/v3/alipay/trade/fastpay/refund/query', {
    out_trade_no: c.out_trade_no, out_request_no: 'NODE-V3-R1',
  });
  r.precreate = await post('/v3/alipay/trade/precreate', {
    out_trade_no: c.qr_out_trade_no, total_amount: '1.00', subject: 'QR',
  });
  r.query_unscanned = await failure('/v3/alipay/trade/query', { out_trade_no: c.qr_out_trade_no });
  r.cancel = await post('/v3/alipay/trade/cancel', { out_trade_no: c.qr_out_trade_no });
  r.bill = (await sdk.curl('GET', '/v3/alipay/data/dataservice/bill/downloadurl/query', {
    query: { bill_type: 'trade', bill_date: c.bill_date },
  })).data;
  // v2 in the same configuration (certificate mode sends app_cert_sn and alipay_root_cert_sn).
  const opts = { validateSign: true, needEncrypt };
  r.v2_pay = await sdk.exec('alipay.trade.pay', {
    bizContent: { out_trade_no: c.v2_out_trade_no, total_amount: '3.30', subject: 'v2', auth_code: c.auth_code, scene: 'bar_code' },
  }, opts);
  r.v2_query = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: c.v2_out_trade_no } }, opts);
  process.stdout.write(JSON.stringify(r));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack || err));
  if (err && err.code) process.stderr.write(`\ncode: ${err.code}`);
  process.exit(1);
});
