// Drives the official Node SDK (`alipay-sdk`) against the sandbox: its signed requests must be accepted,
// and its own response verification (`validateSign`) must accept the sandbox's answers.
// Usage: node fidelity.js <folder holding node_modules/alipay-sdk> <config.json>
// config: { gateway, app_id, app_private_key_pem (PKCS#8), alipay_public_key_pem, out_trade_no, qr_out_trade_no, auth_code }
'use strict';
const path = require('node:path');
const fs = require('node:fs');

async function main() {
  const [sdkDir, configFile] = process.argv.slice(2);
  const { AlipaySdk } = require(path.join(sdkDir, 'node_modules', 'alipay-sdk'));
  const c = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  const sdk = new AlipaySdk({
    appId: c.app_id,
    privateKey: c.app_private_key_pem,
    keyType: 'PKCS8',
    alipayPublicKey: c.alipay_public_key_pem,
    gateway: c.gateway,
    camelcase: false,
    timeout: 10000,
  });
  const opts = { validateSign: true };
  const results = {};
  results.pay = await sdk.exec('alipay.trade.pay', {
    bizContent: { out_trade_no: c.out_trade_no, total_amount: '9.90', subject: '节点 测试 a&b=c', auth_code: c.auth_code, scene: 'bar_code' },
  }, opts);
  results.query = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: c.out_trade_no } }, opts);
  results.refund = await sdk.exec('alipay.trade.refund', {
    bizContent: { out_trade_no: c.out_trade_no, refund_amount: '1.10', out_request_no: 'NODE-R1', refund_reason: '部分 退款' },
  }, opts);
  results.refund_query = await sdk.exec('alipay.trade.fastpay.refund.query', {
    bizContent: { out_trade_no: c.out_trade_no, out_request_no: 'NODE-R1' },
  }, opts);
  results.precreate = await sdk.exec('alipay.trade.precreate', {
    bizContent: { out_trade_no: c.qr_out_trade_no, total_amount: '1.00', subject: 'QR' },
  }, opts);
  results.query_unscanned = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: c.qr_out_trade_no } }, opts);
  results.cancel = await sdk.exec('alipay.trade.cancel', { bizContent: { out_trade_no: c.qr_out_trade_no } }, opts);
  // The SDK's own notification check accepts a notification the sandbox signed.
  if (c.notification) {
    results.notification_verified = sdk.checkNotifySign(c.notification);
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack || err));
  process.exit(1);
});
