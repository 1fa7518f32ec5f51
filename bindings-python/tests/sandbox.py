"""The offline gateway for the Python tests: `alipay sandbox --port 0`, started once per session.

The binary is `$ALIPAY_BIN` (set by `make test-python`), else `target/debug/alipay` of this checkout.
It prints one JSON line describing itself (gateway URL, app id, keys) and serves until stopped.
"""

import json
import os
import pathlib
import subprocess
from typing import Any, Dict, Iterator

ROOT = pathlib.Path(__file__).resolve().parents[2]


def alipay_binary() -> str:
    return os.environ.get("ALIPAY_BIN") or str(ROOT / "target" / "debug" / "alipay")


def start(*args: str) -> Iterator[Dict[str, Any]]:
    """Starts a sandbox, yields its description, and stops it afterwards."""
    process = subprocess.Popen(
        [alipay_binary(), "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the sandbox did not start (exit code {process.wait()})")
        yield json.loads(line)
    finally:
        process.terminate()
        process.wait(timeout=10)
