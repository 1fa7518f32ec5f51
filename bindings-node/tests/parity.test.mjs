// Parity with the official Node SDK (alipay-sdk, a devDependency): for ~200 parameter sets generated
// from a fixed seed, alipay-core's signParams gives the very signature the official sign() gives, and
// that signature covers exactly alipay-core's buildSignContent. One case documents where the two
// differ: the official SDK signs an empty value as `key=`, alipay-core leaves blank values out
// (Alipay's documented rule; blank also means whitespace-only, which the official SDK signs too), so
// the generated sets hold no blank values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';

import { buildSignContent, signParams } from 'alipay-core';

// The official sign() lives in its util module, which its package "exports" do not name.
const official = await import(new URL('./util.js', import.meta.resolve('alipay-sdk')));

const SETS = 200;
const SEED = 0x5eed2024;

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const publicKey = createPublicKey(privateKey);

/** A xorshift32 generator: `next()` is a float in [0, 1), the same sequence for the same seed. */
function generator(seed) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const int = (below) => Math.floor(next() * below);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => next() < p;
  return { int, pick, chance };
}

const FRAGMENTS = [
  '咖啡', '拿铁 大杯', '测试商品', '支付宝', '订单', 'Latte', 'iPhone 15', ' ', '  ', '&', '=', '+', '%',
  '%20', '%E4%B8%AD', '😀', '🧧', '👨‍👩‍👧', '"', "'", '\\', '\n', '\r\n', '\t', '/', '?', '#', ';', ',',
  'a=b&c=d', '<b>', '¥', '€', 'ü', '0', '1.00', 'null', 'true', '{}', '[]',
];
const WORDS = ['order', 'store', 'extra', 'goods', 'buyer', 'seller', 'memo', 'ext', 'info', 'code', 'shop', 'x'];
const METHODS = [
  'alipay.trade.pay', 'alipay.trade.query', 'alipay.trade.app.pay', 'alipay.trade.page.pay',
  'alipay.trade.refund', 'alipay.trade.precreate', 'alipay.fund.trans.uni.transfer',
];

/** Text of 1–8 fragments, possibly with spaces or newlines around it, but never blank. */
function text(rng) {
  const parts = Array.from({ length: 1 + rng.int(8) }, () => rng.pick(FRAGMENTS));
  const value = parts.join(rng.pick(['', ' ', '']));
  return value.trim() === '' ? `${value}商品` : value;
}

const pad = (n) => String(n).padStart(2, '0');

/** A `YYYY-MM-DD HH:mm:ss` timestamp. */
function timestamp(rng) {
  const date = `${2020 + rng.int(8)}-${pad(1 + rng.int(12))}-${pad(1 + rng.int(28))}`;
  return `${date} ${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}`;
}

/** A notify or return URL, sometimes with a query that needs escaping. */
function url(rng) {
  const query = rng.chance(0.5) ? `?from=${encodeURIComponent(text(rng))}&id=${rng.int(1e6)}` : '';
  return `https://${rng.pick(['shop.example.com', 'm.example.cn', '商店.example'])}/alipay/${rng.pick(['notify', 'return', '回调'])}${query}`;
}

/** A biz_content object: amounts, Chinese text, nested goods, and sometimes a nested object of text. */
function bizContent(rng) {
  const biz = {
    out_trade_no: `T${rng.int(1e9)}`,
    total_amount: `${rng.int(10000)}.${pad(rng.int(100))}`,
    subject: text(rng),
  };
  if (rng.chance(0.6)) biz.body = text(rng);
  if (rng.chance(0.4)) {
    biz.goods_detail = Array.from({ length: 1 + rng.int(3) }, () => ({
      goods_id: `G${rng.int(1000)}`, goods_name: text(rng), quantity: 1 + rng.int(5), price: `${rng.int(100)}.00`,
    }));
  }
  if (rng.chance(0.3)) biz.extend_params = { memo: text(rng), flag: rng.chance(0.5) };
  return biz;
}

/** A snake_case key the official SDK's snake-casing leaves as it is, not one of the standard keys. */
function extraKey(rng, taken) {
  let key;
  do {
    key = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(WORDS)).join('_') + (rng.chance(0.3) ? rng.int(10) : '');
  } while (taken.has(key));
  return key;
}

/**
 * One request's parameters, all non-blank strings (`params`), and the biz_content object the
 * official SDK takes instead of its JSON (`biz`, or undefined when the set has none).
 */
function parameterSet(rng) {
  const params = {
    app_id: `2021${String(rng.int(1e9)).padStart(12, '0')}`,
    method: rng.pick(METHODS),
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: timestamp(rng),
    version: '1.0',
  };
  const biz = rng.chance(0.9) ? bizContent(rng) : undefined;
  if (biz) params.biz_content = JSON.stringify(biz);
  if (rng.chance(0.5)) params.notify_url = url(rng);
  if (rng.chance(0.3)) params.return_url = url(rng);
  if (rng.chance(0.3)) params.app_auth_token = `${rng.int(1e6)}AUTH${rng.int(1e6)}`;
  if (rng.chance(0.3)) params.format = 'JSON';
  const taken = new Set(Object.keys(params));
  for (let i = rng.int(5); i > 0; i--) {
    const key = extraKey(rng, taken);
    taken.add(key);
    params[key] = text(rng);
  }
  return { params, biz };
}

/** The official SDK's sign() of `params`: what it returns, every signed field and `sign`. */
function officialSign(params, biz, key = privateKey) {
  const { app_id: appId, method, charset, version, sign_type: signType, ...rest } = params;
  delete rest.biz_content;
  const bizParams = biz === undefined ? rest : { ...rest, bizContent: biz };
  return official.sign(method, bizParams, { appId, charset, version, signType, privateKey: key }, {
    bizContentAutoSnakeCase: false,
  });
}

/** Whether `signature` is the RSA2 signature of `content` under the test key. */
const covers = (content, signature) =>
  verify('RSA-SHA256', Buffer.from(content, 'utf8'), publicKey, Buffer.from(signature, 'base64'));

test("signatures equal the official alipay-sdk's sign() for generated parameter sets", () => {
  const rng = generator(SEED);
  for (let i = 0; i < SETS; i++) {
    const { params, biz } = parameterSet(rng);
    const { sign: theirs, ...signed } = officialSign(params, biz);
    const label = `set ${i}: ${JSON.stringify(params)}`;
    assert.deepEqual(signed, params, `${label}: the official SDK signed other fields`);
    assert.equal(signParams(params, privateKey), theirs, label);
    assert.ok(covers(buildSignContent(params), theirs), `${label}: the official signature does not cover buildSignContent`);
  }
});

test('the generated sets exercise the characters that matter', () => {
  const rng = generator(SEED);
  const contents = Array.from({ length: SETS }, () => buildSignContent(parameterSet(rng).params)).join('\n');
  for (const needle of ['咖啡', '😀', '%E4', '+', '"', '\\n', '\n', ' &', '= ', 'notify_url=https://']) {
    assert.ok(contents.includes(needle), `no generated set contains ${JSON.stringify(needle)}`);
  }
});

test('an empty value: the official SDK signs `key=`, alipay-core leaves it out', () => {
  const params = {
    app_id: '2021000000000000', method: 'alipay.trade.query', charset: 'utf-8', sign_type: 'RSA2',
    timestamp: '2024-01-02 03:04:05', version: '1.0', notify_url: '',
  };
  const common = 'app_id=2021000000000000&charset=utf-8&method=alipay.trade.query';
  const tail = 'sign_type=RSA2&timestamp=2024-01-02 03:04:05&version=1.0';
  const officialContent = `${common}&notify_url=&${tail}`;
  const ourContent = `${common}&${tail}`;

  assert.equal(buildSignContent(params), ourContent);
  const ours = signParams(params, privateKey);
  assert.ok(covers(ourContent, ours));

  const theirs = officialSign(params, undefined).sign;
  assert.ok(covers(officialContent, theirs), 'the official SDK no longer signs `notify_url=`');
  assert.ok(!covers(ourContent, theirs));
  assert.notEqual(ours, theirs);
});
