// The package's types: `tsc --noEmit --strict` passes over a types test (tests/types/usage.ts, whose
// `@ts-expect-error` lines prove the mistakes are caught) and over the README's Node examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { nodeExamples } from './readme.mjs';

const types = fileURLToPath(new URL('./types/', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

test('tsc --noEmit --strict passes over the types test and the README examples', () => {
  mkdirSync(`${types}.readme`, { recursive: true });
  const given = 'declare function markOrderPaid(outTradeNo: string, amount: string): Promise<void>;\n';
  writeFileSync(`${types}.readme/readme.ts`, given + nodeExamples().join('\n'));
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '-p', `${types}tsconfig.json`], { encoding: 'utf8' });
  } catch (error) {
    output = `${error.stdout}${error.stderr}`;
  }
  assert.equal(output, '', 'tsc reports nothing');
});
