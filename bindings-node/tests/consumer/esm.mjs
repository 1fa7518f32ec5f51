// Run in a fresh project that did `npm install <repo>/bindings-node` (scripts/node-consumer): the ES
// module face loads, is the same package as require() gives, and works.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { AlipayClient, GatewayError, InvalidInput, buildSignContent, qrSvg } from 'alipay-core';
import * as namespace from 'alipay-core';

const cjs = createRequire(import.meta.url)('alipay-core');
assert.equal(cjs.AlipayClient, AlipayClient, 'import and require give the same classes');
assert.equal(cjs.GatewayError, GatewayError);
assert.equal(namespace.default, cjs);
assert.equal(buildSignContent({ b: '2', a: '1', c: '' }), 'a=1&b=2');
assert.throws(() => new AlipayClient({ app_id: '' }), (e) => e instanceof cjs.AlipayError);
assert.ok(new InvalidInput('x') instanceof cjs.AlipayError);
assert.ok(qrSvg('https://qr.alipay.com/bax01').includes('<svg'), 'the addon is built with QR images');
console.log('esm: ok');
