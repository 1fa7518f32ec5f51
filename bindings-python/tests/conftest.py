"""Shared fixtures: the shared test vectors (the repository's byte-identical copy)."""

import json
import pathlib

import pytest

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
