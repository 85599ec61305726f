"""The TypeScript client (clients/typescript) is what the code's merged OpenAPI document says.

Its generated types, src/schema.d.ts, are committed so a front end can depend on them: regenerated
here from the in-process document with the pinned openapi-typescript, they must be the committed
file byte for byte. The client and its usage example must then type-check (strict) against them.
`make test` installs the pinned npm packages first (deploy/client-bootstrap.sh).
"""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "clients" / "typescript"
SCHEMA = PKG / "src" / "schema.d.ts"
BIN = PKG / "node_modules" / ".bin"


def node_tools() -> Path:
    """The pinned tools of the package, or a failure saying what is missing (CI has them: never a skip)."""
    missing = [t for t in ("node", "npm") if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: the TypeScript client test needs Node.js 20 or newer "
                    "with npm on PATH (CI has them)")
    for tool in ("openapi-typescript", "tsc"):
        if not (BIN / tool).exists():
            pytest.fail(f"clients/typescript/node_modules/.bin/{tool} is missing: install the pinned npm packages "
                        "with `make client-deps` (make test does this itself)")
    return BIN


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def test_committed_schema_is_what_the_document_generates(tmp_path):
    node_tools()
    out = tmp_path / "schema.d.ts"
    r = run(["bash", str(PKG / "generate.sh"), str(out)], cwd=ROOT, env={**os.environ, "PYTHON": sys.executable})
    assert r.returncode == 0, f"clients/typescript/generate.sh failed:\n{r.stdout}\n{r.stderr}"
    fresh, committed = out.read_bytes(), SCHEMA.read_bytes() if SCHEMA.exists() else b""
    if fresh != committed:
        diff = difflib.unified_diff(committed.decode("utf-8", "replace").splitlines(),
                                    fresh.decode("utf-8", "replace").splitlines(),
                                    "committed clients/typescript/src/schema.d.ts", "generated from the code",
                                    lineterm="", n=2)
        head = "\n".join(list(diff)[:80])
        pytest.fail("clients/typescript/src/schema.d.ts is not what the merged OpenAPI document generates; "
                    f"regenerate it with `make client` and commit it.\n{head}", pytrace=False)


def test_client_and_usage_example_type_check():
    r = run([str(node_tools() / "tsc"), "--noEmit", "--pretty", "false", "-p", str(PKG)], cwd=ROOT)
    if r.returncode != 0:
        pytest.fail(f"tsc --noEmit -p clients/typescript failed (exit {r.returncode}):\n{r.stdout}{r.stderr}",
                    pytrace=False)
