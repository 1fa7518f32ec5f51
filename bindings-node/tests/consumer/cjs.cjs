// Run in a fresh project that did `npm install <repo>/bindings-node` (scripts/node-consumer): the
// CommonJS face loads and works.
'use strict';
const assert = require('node:assert/strict');

const alipay = require('alipay-core');

assert.equal(typeof alipay.AlipayClient, 'function');
assert.equal(alipay.buildSignContent({ b: '2', a: '1' }), 'a=1&b=2');
assert.deepEqual(alipay.qrPng('https://qr.alipay.com/bax01').subarray(0, 4), Buffer.from('\x89PNG', 'latin1'));
assert.throws(() => new alipay.AlipayClient({ app_id: '' }), (e) => e instanceof alipay.ConfigError || e instanceof alipay.AlipayError);
console.log('cjs: ok');
