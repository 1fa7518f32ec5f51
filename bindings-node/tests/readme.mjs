// The README's Node examples, for the tests that run them (readme.test.mjs) and type-check them
// (types.test.mjs).
import { readFileSync } from 'node:fs';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's ```ts blocks under "Node quick start", in order. */
export function nodeExamples() {
  const section = README.slice(README.indexOf('## Node quick start'), README.indexOf('## Rust quick start'));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}
