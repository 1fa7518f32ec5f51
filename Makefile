# The project's one task runner: `make test` is exactly what CI runs (after `.ci/run` installs tools).
SHELL := /bin/bash
NODE_SDK_DIR ?= $(CURDIR)/target/node-sdk
PY_VENV ?= $(CURDIR)/target/py-venv

.PHONY: test lint audit fmt generate check-generated node-sdk test-rust test-pure test-python test-node test-kotlin java-sdk bench

## Every test: formatting, lints, both crypto backends, parity with the official Node SDK, the
## Python binding installed from source into a virtualenv, the Node and Kotlin bindings against the
## sandbox, and the official Java SDK against the sandbox.
test: lint audit check-generated node-sdk test-rust test-pure test-python test-node test-kotlin java-sdk

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features -- -D warnings

## Supply chain. The default build of the core and of the Python binding has no `rsa` crate
## (RUSTSEC-2023-0071; it is only behind the `legacy-rsa` and `rust-crypto` features). `cargo audit`
## checks every locked dependency when it and its advisory database are installed (README: Supply chain).
audit:
	@for crate in alipay-core alipay-core-python alipay-core-node alipay-core-kotlin; do \
	  if cargo tree -q -p $$crate -e normal --prefix none | grep -q '^rsa '; then \
	    echo "the rsa crate is in the default build of $$crate" >&2; exit 1; fi; done
	@echo "default builds of alipay-core and its Python, Node and Kotlin bindings: no rsa crate"
	@if cargo audit --version >/dev/null 2>&1 && [ -d "$${CARGO_HOME:-$$HOME/.cargo}/advisory-db" ]; then \
	  cargo audit --no-fetch --deny warnings; \
	else echo "cargo audit skipped: cargo-audit or its advisory database is not installed (README: Supply chain)"; fi

## Every binding's model types, regenerated from the core's own types: first the JSON Schema documents
## in models/ (written by the core's `schema` feature), then Python (datamodel-code-generator) and
## TypeScript (json-schema-to-typescript) from them. Commit what it writes.
generate:
	ALIPAY_WRITE_GENERATED=1 cargo test -q -p alipay-core --all-features --test it generated_schema
	scripts/generate-models
	scripts/generate-uniffi

## Fails when a checked-in generated file is stale. The schemas themselves are checked by `test-rust`
## (the core's `generated_schema` test); each language's files here, regenerated into a scratch folder.
check-generated:
	scripts/check-generated

## Installs the official Node SDK (npm `alipay-sdk`) into a scratch folder, when Node is present.
node-sdk:
	@if command -v npm >/dev/null; then scripts/install-node-sdk "$(NODE_SDK_DIR)"; \
	else echo "npm not found: the Node SDK parity test will be skipped"; fi

## The workspace with every feature (both crypto backends side by side).
test-rust:
	ALIPAY_NODE_SDK_DIR="$(NODE_SDK_DIR)" cargo test --workspace --all-features

## The pure-Rust crypto backend alone (with the SQLite journal), as a target without aws-lc builds it.
test-pure:
	ALIPAY_NODE_SDK_DIR="$(NODE_SDK_DIR)" cargo test -p alipay-core --no-default-features --features rust-crypto,sqlite

## `pip install ./bindings-python` into a virtualenv, then pytest, the native module's stubs checked against
## it, and mypy over the package (the generated models included).
test-python:
	scripts/python-env "$(PY_VENV)"
	cargo build -q -p alipay-cli
	cd bindings-python && ALIPAY_BIN="$(CURDIR)/target/debug/alipay" "$(PY_VENV)/bin/python" -m pytest -q tests
	cd bindings-python/tests && "$(PY_VENV)/bin/python" -m mypy.stubtest alipay_core._native
	cd bindings-python/tests && "$(PY_VENV)/bin/python" -m mypy -p alipay_core

## `npm install ./bindings-node` into a fresh project, as a user would (napi-rs builds the addon from
## source, in release, in the same target folder as the Python binding), loaded as ESM and CJS there; then
## the package's dev dependencies and its `node --test` suite against `alipay sandbox`.
test-node:
	cargo build -q -p alipay-cli
	scripts/node-consumer "$(CURDIR)/target/node-consumer"
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error
	cd bindings-node && ALIPAY_BIN="$(CURDIR)/target/debug/alipay" node --test tests/

## The Kotlin binding on the JVM: the checked-in generated Kotlin compiled by Maven against the library
## (JNA loads target/debug/libalipay_core_ffi.so), and its JUnit 5 tests against `alipay sandbox`.
test-kotlin:
	cargo build -q -p alipay-cli
	cargo build -q -p alipay-core-kotlin
	cd bindings-kotlin/jvm && ALIPAY_BIN="$(CURDIR)/target/debug/alipay" mvn -B --no-transfer-progress test \
	  -Dnative.dir="$(CURDIR)/target/debug"

## The official Java SDK (Maven Central) drives `alipay sandbox` and checks its answers and notifications
## with its own code: GBK as Java writes it, Java's blank rule, rsaCheckV1 in the trade's charset.
java-sdk:
	cargo build -q -p alipay-cli
	cd tests/java-sdk && ALIPAY_BIN="$(CURDIR)/target/debug/alipay" mvn -B --no-transfer-progress test

## Crypto against OpenSSL, 10,000 concurrent pay_and_wait workflows (wall time, peak RSS, CPU), then the Node
## binding against the official alipay-sdk on one core (signing and verified queries per second).
bench:
	scripts/bench-crypto
	cargo bench -p alipay-sandbox --bench workflows
	cargo build --release -q -p alipay-cli
	cd bindings-node && npm install --no-audit --no-fund --loglevel=error
	taskset -c 1 node bindings-node/bench/bench.mjs
