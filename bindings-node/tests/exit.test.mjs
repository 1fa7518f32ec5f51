// Settling Promises never crashes a process at exit: 50 fresh `node` processes each end right after
// their last await (calls, a workflow with progress events, a refusal, a workflow still running
// detached), and every one exits with status 0 and no signal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { start } from './sandbox.mjs';

const SCRIPT = fileURLToPath(new URL('./fixtures/exit-after-await.mjs', import.meta.url));
const SCENARIOS = ['calls', 'workflow', 'rejected', 'detached'];
const PROCESSES = 50;
const AT_ONCE = 4;

let sandbox;
before(async () => {
  sandbox = await start('--speed', '100');
});
after(() => sandbox.stop());

/** Runs one process to its end: its exit code, signal and stderr. */
function run(scenario, description) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, description, scenario], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('exit', (code, signal) => resolve({ scenario, code, signal, stderr }));
  });
}

test(`${PROCESSES} processes exit cleanly right after their last await`, async () => {
  const description = JSON.stringify(sandbox);
  const results = [];
  for (let i = 0; i < PROCESSES; i += AT_ONCE) {
    const batch = Array.from({ length: Math.min(AT_ONCE, PROCESSES - i) }, (_, j) => SCENARIOS[(i + j) % SCENARIOS.length]);
    results.push(...(await Promise.all(batch.map((scenario) => run(scenario, description)))));
  }
  const crashed = results.filter((r) => r.code !== 0 || r.signal !== null);
  assert.deepEqual(crashed, [], 'every process exits with 0 and no signal');
  assert.equal(results.length, PROCESSES);
});
