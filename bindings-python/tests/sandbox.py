"""The offline gateway for the Python tests: `alipay sandbox --port 0`, started once per session.

The binary is `$ALIPAY_BIN` (set by `make test-python`), else `target/debug/alipay` of this checkout.
It prints one JSON line describing itself (gateway URL, app id, keys) and serves until stopped.
"""

import json
import os
import pathlib
import subprocess
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, Optional

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
        description = json.loads(line)
        _BUYERS.update(description["buyers"])
        yield description
    finally:
        process.terminate()
        process.wait(timeout=10)


# The payment codes of the buyers the sandbox plays, as the sandbox itself lists them (`buyers` in its
# description line): `sandbox.PAYS_AT_ONCE`, `sandbox.NEVER_CONFIRMS`, … once a sandbox has started.
_BUYERS: Dict[str, str] = {}


def __getattr__(name: str) -> str:
    if name.isupper() and name.lower() in _BUYERS:
        return _BUYERS[name.lower()]
    if name.isupper() and not _BUYERS:
        raise AttributeError(f"sandbox.{name}: the payment codes are read from a running sandbox; start one first")
    raise AttributeError(f"module 'sandbox' has no attribute {name!r}")


def control(gateway: Dict[str, Any], path: str, form: Optional[Dict[str, str]] = None) -> Any:
    """A sandbox control endpoint (`/sandbox/...`): POST with `form`, else GET; its JSON answer."""
    base = gateway["gateway"].split("/gateway.do")[0]
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data), timeout=10) as answer:
        return json.loads(answer.read())


def advance(gateway: Dict[str, Any], seconds: int) -> None:
    """Moves the sandbox's virtual time forward."""
    control(gateway, "/sandbox/time/advance", {"seconds": str(seconds)})
