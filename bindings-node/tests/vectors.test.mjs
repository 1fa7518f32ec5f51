// The shared vectors (tests/vectors/, byte-identical copies of ../shared/vectors/) replayed through the
// Node primitives: sign content and signatures, answers and notifications verified exactly as the
// vectors say, certificate SNs as the official Node SDK computes them, typed errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  AlipayError, ConfigError, DecodeError, InvalidInput, SignatureError, buildSignContent, certSn, rootCertSn, signParams,
  verifyNotify, verifyResponse,
} from 'alipay-core';

const text = (name) => readFileSync(new URL(`../../tests/vectors/${name}`, import.meta.url), 'utf8');
/** A vector file without its leading `#` provenance lines. */
const vector = (name) => JSON.parse(text(name).split('\n').filter((line) => !line.startsWith('#')).join('\n'));
const appKey = () => vector('derived_sign_node_util_params.json').private_key_pem;

test("the official Node SDK's util params: sign content and signature", () => {
  const v = vector('derived_sign_node_util_params.json');
  assert.equal(buildSignContent(v.params), v.expected_sign_content);
  assert.equal(signParams(v.params, v.private_key_pem), v.expected_sign_RSA2);
});

test('an empty value is neither signed nor sent; legacy RSA content as the vector, its signing not in this build', () => {
  const v = vector('derived_sign_trade_pay_request.json');
  assert.equal(v.params.app_auth_token, '');
  assert.equal(buildSignContent(v.params), v.expected_sign_content);
  assert.equal(signParams(v.params, appKey(), 'RSA2'), v.expected_sign_RSA2);
  const legacy = v.variant_sign_type_RSA;
  const params = { ...v.params, sign_type: 'RSA' };
  assert.equal(buildSignContent(params), legacy.expected_sign_content);
  assert.throws(() => signParams(params, appKey(), 'RSA'), (e) => e instanceof SignatureError && /legacy-rsa/.test(e.message),
    'SHA1withRSA signing is behind the core feature legacy-rsa (RUSTSEC-2023-0071), named in the error');
});

test("Java's blank rule: a value that is empty or all Java whitespace is left out of the sign content", () => {
  const { examples } = vector('java_blank_values.json');
  for (const [value, blank] of Object.entries(examples)) {
    const expected = blank ? 'a=1&c=3' : `a=1&b=${value}&c=3`;
    assert.equal(buildSignContent({ a: '1', b: value, c: '3' }), expected, JSON.stringify(value));
  }
});

test('answers verify exactly as the vectors say; a forged one is a SignatureError', () => {
  const v = vector('derived_v2_response_verify.json');
  const key = v.alipay_public_key_pem;
  const [success, failure, unsigned] = v.cases;
  const node = verifyResponse(Buffer.from(success.raw), success.method, key);
  assert.deepEqual([node.raw, node.code, node.signed, node.alipay_cert_sn], [success.signed_content, '10000', true, '7513daaaa48aa3ba2e4018d84402479c']);
  const refused = verifyResponse(failure.raw, failure.method, key);
  assert.deepEqual([refused.code, refused.sub_code, refused.signed], ['40004', 'ACQ.TRADE_NOT_EXIST', true]);
  const bare = verifyResponse(unsigned.raw, unsigned.method, key);
  assert.deepEqual([bare.code, bare.signed], ['40002', false], 'an unsigned error is returned, marked unsigned');
  assert.throws(() => verifyResponse(success.raw.replace('10000', '10001'), success.method, key), (e) => e instanceof SignatureError && e.kind === 'signature');
});

test('a notification verifies from the raw body or the decoded form; never a blank field', () => {
  const v = vector('derived_notify_v1.json');
  const key = v.alipay_public_key_pem;
  const fromBody = verifyNotify(Buffer.from(v.form_urlencoded_body), key);
  const fromString = verifyNotify(v.form_urlencoded_body, key);
  const fromForm = verifyNotify(v.decoded_params, key, 'v1');
  const covered = Object.fromEntries(Object.entries(v.decoded_params).filter(([, value]) => value !== ''));
  assert.equal(v.decoded_params.passback_params, '', 'the vector has a blank field');
  assert.deepEqual(fromBody, covered);
  assert.deepEqual(fromString, covered);
  assert.deepEqual(fromForm, covered);
  assert.throws(() => verifyNotify({ ...v.decoded_params, total_amount: '0.01' }, key), SignatureError);
  assert.throws(() => verifyNotify(v.decoded_params, key, 'v9'), (e) => e instanceof InvalidInput && e.field === 'rule');
});

test('certificate SNs match the official Node SDK', () => {
  assert.equal(certSn(text('cert_node_appCertPublicKey_2021001161683774.crt.txt')), '866efef280dec9137a87d047ac446315');
  assert.equal(certSn(text('cert_node_alipayCertPublicKey_RSA2.crt.txt')), '7513daaaa48aa3ba2e4018d84402479c');
  assert.equal(rootCertSn(text('cert_node_alipayRootCert.crt.txt')), '687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6');
});

test('bad keys, certificates and sign types are typed errors', () => {
  assert.throws(() => signParams({ a: '1' }, '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), (e) => e instanceof ConfigError && e.kind === 'config');
  assert.throws(() => certSn('not a certificate'), DecodeError);
  assert.throws(() => signParams({ a: '1' }, appKey(), 'MD5'), (e) => e instanceof InvalidInput && e instanceof AlipayError);
});
