// Signs parameter sets with the official Node SDK (`alipay-sdk`, its v2 `sign()`), for the Rust parity test.
// Usage: node sign_parity.js <folder holding node_modules/alipay-sdk> <cases.json>
// Each case: { method, app_id, charset, version, sign_type, private_key_pem, params: {...}, biz_content: "<json text>" }
// Prints a JSON array of { sign, sign_content_keys } in the same order.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const [sdkDir, casesFile] = process.argv.slice(2);
const pkgDir = path.join(sdkDir, 'node_modules', 'alipay-sdk');
// util.js is not in the package's export map; load it by path.
const util = require(path.join(pkgDir, 'dist', 'commonjs', 'util.js'));
const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;

const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
const out = cases.map((c) => {
  const config = {
    appId: c.app_id,
    charset: c.charset,
    version: c.version,
    signType: c.sign_type,
    privateKey: c.private_key_pem,
  };
  const params = { ...c.params };
  if (c.biz_content !== undefined) {
    // The SDK JSON.stringify()s biz_content; parsing our exact text gives back the same text.
    params.biz_content = JSON.parse(c.biz_content);
    if (JSON.stringify(params.biz_content) !== c.biz_content) {
      throw new Error('biz_content does not survive a JSON round trip in JS: ' + c.biz_content);
    }
  }
  const signed = util.sign(c.method, params, config, { bizContentAutoSnakeCase: false });
  return { sign: signed.sign, keys: Object.keys(signed).sort() };
});
process.stdout.write(JSON.stringify({ sdk_version: version, results: out }));
