// The offline gateway for the Node tests: `alipay sandbox --port 0` ($ALIPAY_BIN, else this checkout's
// target/debug/alipay), which prints one JSON line describing itself (gateway, keys, buyers).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A running sandbox started with `args` (`--speed 100`, `--certificates`, …): its description and `stop()`. */
export async function start(...args) {
  const bin = process.env.ALIPAY_BIN || path.join(root, 'target/debug/alipay');
  const child = spawn(bin, ['sandbox', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  const description = JSON.parse(line);
  return { ...description, stop: () => child.kill() };
}

/** The settings of a client of `sandbox` in public-key mode, with `extra` laid over them. */
export const settingsOf = (sandbox, extra = {}) => ({
  app_id: sandbox.app_id,
  app_private_key: sandbox.app_private_key,
  alipay_public_key: sandbox.alipay_public_key,
  gateway: sandbox.gateway,
  ...extra,
});

/** A sandbox control endpoint (`/sandbox/...`): POST with `form`, else GET; its JSON answer. */
export async function control(sandbox, endpoint, form) {
  const base = sandbox.gateway.replace(/\/gateway\.do$/, '');
  const init = form === undefined ? {} : { method: 'POST', body: new URLSearchParams(form) };
  const answer = await fetch(base + endpoint, init);
  if (!answer.ok) {
    throw new Error(`${endpoint}: HTTP ${answer.status} ${await answer.text()}`);
  }
  return answer.json();
}

/** The notification the sandbox made for `outTradeNo` (its form `params`, `notify_url`, deliveries). */
export async function notificationOf(sandbox, outTradeNo) {
  const all = await control(sandbox, '/sandbox/notifications');
  const found = all.find((n) => n.out_trade_no === outTradeNo);
  if (!found) {
    throw new Error(`the sandbox made no notification for ${outTradeNo}`);
  }
  return found;
}

let sequence = 0;
/** A fresh order number for this run. */
export const order = (tag) => `${tag}${process.pid}${Date.now()}${++sequence}`;

/** Moves the sandbox's virtual time forward. */
export const advance = (sandbox, seconds) => control(sandbox, '/sandbox/time/advance', { seconds: String(seconds) });
