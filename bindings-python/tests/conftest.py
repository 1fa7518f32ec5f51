"""Shared fixtures: the shared test vectors (the repository's byte-identical copy)."""

import json
import pathlib
import uuid

import pytest

import alipay_core
import sandbox

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"


def load_vector(name: str) -> dict:
    """A vector file without its leading `#` provenance lines."""
    text = (VECTORS / name).read_text(encoding="utf-8")
    return json.loads("\n".join(line for line in text.splitlines() if not line.startswith("#")))


@pytest.fixture
def vector():
    return load_vector


@pytest.fixture
def vector_text():
    return lambda name: (VECTORS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gateway():
    """A running sandbox: `gateway`, `v3_endpoint`, `app_id`, `app_private_key`, `alipay_public_key`."""
    yield from sandbox.start()


@pytest.fixture(scope="session")
def fast_gateway():
    """A sandbox whose virtual time runs 100× faster: a buyer's 10 s are 0.1 s here."""
    yield from sandbox.start("--speed", "100")


@pytest.fixture
def fresh_gateway():
    """A sandbox of its own, for tests that move virtual time."""
    yield from sandbox.start()


def client_of(gw, cls=alipay_core.Client, **settings):
    """A client of `cls` configured for the sandbox `gw`."""
    return cls(gw["app_id"], gw["app_private_key"], gw["alipay_public_key"], gateway=gw["gateway"], **settings)


@pytest.fixture
def client(gateway):
    return client_of(gateway)


@pytest.fixture
def async_client(gateway):
    return client_of(gateway, alipay_core.AsyncClient)


@pytest.fixture
def order():
    """A fresh order number: `order("PAY")` → `PAY-<hex>`. Order numbers are never reused."""
    return lambda tag: f"{tag}-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def postgres_journal():
    """A PostgreSQL journal URL (a schema of its own on the server ``ALIPAY_TEST_POSTGRES`` names).
    Skipped without that variable — except in CI, which must run these tests."""
    import os
    import subprocess

    url = os.environ.get("ALIPAY_TEST_POSTGRES")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL journal tests: set ALIPAY_TEST_POSTGRES")
        pytest.skip("the PostgreSQL journal (set ALIPAY_TEST_POSTGRES to a database URL)")
    schema = f"py_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", url, "-qc", f"CREATE SCHEMA {schema}"], check=True)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"
