// alipay-core against the official Node SDK (alipay-sdk), in one run against one sandbox gateway
// that this script starts and stops:
//   signing  app pay order strings and page pay URLs, per second;
//   queries  verified alipay.trade.query answers per second, one at a time and 16 in flight.
// Each case is warmed up, then run for BENCH_SECONDS (default 3); a table and then one JSON line
// with every figure are printed. The goals (signing ≥ 3×, queries ≥ 2.5×) are reported, not
// asserted.
//
// Run it pinned to one core, so that client and sandbox (whose child process inherits the affinity)
// share it and the ratio measures CPU per call, against the release sandbox (`make bench` does both):
//
//   cargo build --release -p alipay-cli
//   taskset -c 1 node bindings-node/bench/bench.mjs
//
// $ALIPAY_BIN names another sandbox binary. A debug one spends more CPU per answer than either client,
// on the same core, and so understates every ratio.
import { existsSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { AlipaySdk } from 'alipay-sdk';
import { AlipayClient } from 'alipay-core';
import { order, start } from '../tests/sandbox.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 3);
const WARMUP_SECONDS = Math.min(1, SECONDS / 3);
const IN_FLIGHT = 16;
const GOALS = { signing: 3, queries: 2.5 };

const nanos = (seconds) => BigInt(Math.round(seconds * 1e9));

/** Calls the synchronous `op` for `seconds`; its calls per second. */
function rateOfSync(op, seconds) {
  const deadline = process.hrtime.bigint() + nanos(seconds);
  const begun = process.hrtime.bigint();
  let count = 0;
  let now = begun;
  while (now < deadline) {
    op();
    count++;
    now = process.hrtime.bigint();
  }
  return (count * 1e9) / Number(now - begun);
}

/** Runs `inFlight` loops awaiting `op` until `seconds` have passed; completed calls per second. */
async function rateOfAsync(op, seconds, inFlight) {
  const begun = process.hrtime.bigint();
  const deadline = begun + nanos(seconds);
  let count = 0;
  const loop = async () => {
    while (process.hrtime.bigint() < deadline) {
      await op();
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return (count * 1e9) / Number(process.hrtime.bigint() - begun);
}

/** Warms `op` up, then measures it. */
async function rate(op, inFlight) {
  if (inFlight === undefined) {
    rateOfSync(op, WARMUP_SECONDS);
    return rateOfSync(op, SECONDS);
  }
  await rateOfAsync(op, WARMUP_SECONDS, inFlight);
  return rateOfAsync(op, SECONDS, inFlight);
}

/** Throws unless `condition`. */
function check(condition, what) {
  if (!condition) {
    throw new Error(`bench precondition failed: ${what}`);
  }
}

/** The official SDK for the sandbox's app; `alipayPublicKey` may be swapped for a forged one. */
function officialSdk(sandbox, alipayPublicKey = sandbox.alipay_public_key) {
  return new AlipaySdk({
    appId: sandbox.app_id,
    privateKey: sandbox.app_private_key,
    keyType: 'PKCS8', // the sandbox's key is PKCS8; the SDK's default, PKCS1, would mangle its PEM
    alipayPublicKey,
    gateway: sandbox.gateway,
  });
}

/** An Alipay public key that did not sign anything the sandbox sends. */
function forgedPublicKey() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
}

/** Pays one trade with the buyer who pays at once; its out_trade_no. */
async function paidTrade(client, sandbox) {
  const outTradeNo = order('BENCH');
  const paid = await client.tradePay({
    out_trade_no: outTradeNo, total_amount: '1.00', subject: 'bench', auth_code: sandbox.buyers.pays_at_once,
  });
  check(paid.code === '10000', 'the trade to query was paid');
  return outTradeNo;
}

/**
 * Shows that the official SDK's exec verifies with validateSign: it succeeds with the sandbox's key
 * and rejects the very same answer under a forged key, which it accepts when not asked to verify.
 */
async function confirmOfficialVerifies(sandbox, outTradeNo) {
  const query = ['alipay.trade.query', { bizContent: { out_trade_no: outTradeNo } }];
  const genuine = await officialSdk(sandbox).exec(...query, { validateSign: true });
  check(genuine.code === '10000' && genuine.tradeStatus === 'TRADE_SUCCESS', 'alipay-sdk queried the paid trade');
  const forged = officialSdk(sandbox, forgedPublicKey());
  const refusal = await forged.exec(...query, { validateSign: true }).then(() => null, (error) => error);
  check(refusal?.message.includes('验签失败'), 'alipay-sdk refuses an answer under a forged Alipay key');
  const unverified = await forged.exec(...query);
  check(unverified.code === '10000', 'alipay-sdk without validateSign accepts the answer');
}

/** Shows that alipay-core refuses an answer under a forged Alipay key. */
async function confirmOursVerifies(sandbox, outTradeNo) {
  const forged = new AlipayClient({
    app_id: sandbox.app_id, app_private_key: sandbox.app_private_key,
    alipay_public_key: forgedPublicKey(), gateway: sandbox.gateway,
  });
  const refusal = await forged.tradeQuery({ out_trade_no: outTradeNo }).then(() => null, (error) => error);
  check(refusal?.name === 'SignatureError', 'alipay-core refuses an answer under a forged Alipay key');
}

/** The benchmark cases: for each, alipay-core's operation and the official SDK's, and how many in flight. */
function cases(client, sdk, outTradeNo) {
  const appPay = { out_trade_no: order('APP'), total_amount: '9.00', subject: '咖啡 Latte', product_code: 'QUICK_MSECURITY_PAY' };
  const pagePay = { out_trade_no: order('PAGE'), total_amount: '9.00', subject: '咖啡 Latte', product_code: 'FAST_INSTANT_TRADE_PAY' };
  const ourQuery = async () => {
    const answer = await client.tradeQuery({ out_trade_no: outTradeNo });
    check(answer.trade_status === 'TRADE_SUCCESS', 'alipay-core query answer');
  };
  const theirQuery = async () => {
    const answer = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: outTradeNo } }, { validateSign: true });
    check(answer.tradeStatus === 'TRADE_SUCCESS', 'alipay-sdk query answer');
  };
  return [
    {
      name: 'app pay order string', kind: 'signing',
      ours: () => client.tradeAppPay(appPay),
      theirs: () => sdk.sdkExec('alipay.trade.app.pay', { bizContent: appPay }),
    },
    {
      name: 'page pay URL', kind: 'signing',
      ours: () => client.tradePagePay(pagePay, 'url'),
      theirs: () => sdk.pageExec('alipay.trade.page.pay', { method: 'GET', bizContent: pagePay }),
    },
    { name: 'verified query, 1 in flight', kind: 'queries', inFlight: 1, ours: ourQuery, theirs: theirQuery },
    { name: `verified query, ${IN_FLIGHT} in flight`, kind: 'queries', inFlight: IN_FLIGHT, ours: ourQuery, theirs: theirQuery },
  ];
}

/** Checks once that both SDKs' signing cases produce signed output. */
function confirmSigned(benchCases) {
  for (const { name, kind, ours, theirs } of benchCases) {
    if (kind === 'signing') {
      check(ours().includes('sign='), `alipay-core signs: ${name}`);
      check(theirs().includes('sign='), `alipay-sdk signs: ${name}`);
    }
  }
}

/** Prints the figures as a table. */
function printTable(results) {
  const rows = [['case', 'alipay-core ops/s', 'alipay-sdk ops/s', 'ratio', 'goal']];
  for (const r of results) {
    rows.push([r.name, r.alipay_core.toFixed(0), r.alipay_sdk.toFixed(0), `${r.ratio.toFixed(2)}×`, `≥ ${r.goal}×`]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join('  '));
  }
}

/** The release sandbox, unless $ALIPAY_BIN names one. */
function useReleaseSandbox() {
  if (process.env.ALIPAY_BIN) {
    return;
  }
  const release = fileURLToPath(new URL('../../target/release/alipay', import.meta.url));
  check(existsSync(release), `the release sandbox ${release} exists (cargo build --release -p alipay-cli)`);
  process.env.ALIPAY_BIN = release;
}

async function main() {
  useReleaseSandbox();
  const sandbox = await start();
  try {
    const client = new AlipayClient({
      app_id: sandbox.app_id, app_private_key: sandbox.app_private_key,
      alipay_public_key: sandbox.alipay_public_key, gateway: sandbox.gateway,
    });
    const sdk = officialSdk(sandbox);
    const outTradeNo = await paidTrade(client, sandbox);
    await confirmOfficialVerifies(sandbox, outTradeNo);
    await confirmOursVerifies(sandbox, outTradeNo);
    const benchCases = cases(client, sdk, outTradeNo);
    confirmSigned(benchCases);

    const results = [];
    for (const { name, kind, inFlight, ours, theirs } of benchCases) {
      const alipayCore = await rate(ours, inFlight);
      const alipaySdk = await rate(theirs, inFlight);
      results.push({ name, kind, alipay_core: alipayCore, alipay_sdk: alipaySdk, ratio: alipayCore / alipaySdk, goal: GOALS[kind] });
    }
    printTable(results);
    console.log(JSON.stringify({ seconds: SECONDS, in_flight: IN_FLIGHT, results }));
  } finally {
    sandbox.stop();
  }
}

await main();
