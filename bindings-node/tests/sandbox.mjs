// The offline gateway for the Node tests: `alipay sandbox --port 0` ($ALIPAY_BIN, else this checkout's
// target/debug/alipay), which prints one JSON line describing itself (gateway, keys, buyers).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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

let sequence = 0;
/** A fresh order number for this run. */
export const order = (tag) => `${tag}${process.pid}${Date.now()}${++sequence}`;
