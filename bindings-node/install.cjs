'use strict';
// npm's install step for alipay-core.
//
// In a checkout of the repository (the Rust sources beside this file: `npm install ./bindings-node`), it
// builds the addon from source, in release, with the pinned napi CLI. npx runs the CLI from this
// package's own node_modules when it is there, and fetches that version otherwise: npm does not install
// the dependencies of a linked folder. Building needs a Rust toolchain.
//
// In a published package (no Rust sources), it does nothing: native.cjs loads the prebuilt binary from
// the platform's package (`alipay-core-linux-x64-gnu`, …; see npm/).
const { existsSync } = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const NAPI_CLI = '@napi-rs/cli@3.10.12';

if (existsSync(path.join(__dirname, 'Cargo.toml'))) {
  const args = ['--yes', `--package=${NAPI_CLI}`, '--', 'napi', 'build', '--platform', '--release', '--js', 'native.cjs', '--dts', 'native.d.ts'];
  const build = spawnSync('npx', args, { cwd: __dirname, stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(build.status ?? 1);
}
