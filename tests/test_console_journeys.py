"""The web console in a real browser: one Playwright journey per audience (console/e2e), driving
Debian's Chromium against a stack of its own started as `make up` does, seeded through the gateway
(console_seed.py). Each journey scans the visible text of every page it visits (also after a forced
4xx) for raw codes, English status words and stack traces, and runs axe-core on it.

`make test` builds the console (deploy/console-build.sh) and installs the browser and the CJK fonts
(deploy/browser-bootstrap.sh) first. GETIHU_E2E_SCREENSHOTS=<dir> keeps the main pages' screenshots.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from console_seed import seed
from harness import Gateway, make_stack

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "console"
BROWSER = os.environ.get("GETIHU_CHROMIUM", "/usr/bin/chromium")


def prerequisites() -> None:
    """What the journeys need, or a failure saying how to get it (CI has it: never a skip)."""
    if shutil.which("node") is None:
        pytest.fail("node not found: the console's journeys need Node.js 20 or newer (make test checks this)")
    if not (APP / "node_modules" / ".bin" / "playwright").exists() or not (APP / "dist" / "index.html").exists():
        pytest.fail("the console is not built: run `make console` (make test does this itself)")
    if not Path(BROWSER).exists():
        pytest.fail(f"{BROWSER} is missing: run deploy/browser-bootstrap.sh (make test does this itself)")


@pytest.fixture(scope="module")
def seeded(kafka_bootstrap):
    if not os.environ.get("DATABASE_URL"):
        pytest.fail("the console's journeys need PostgreSQL: run them with `make test`")
    prerequisites()
    stack = make_stack(kafka_bootstrap=kafka_bootstrap)
    stack.up(timeout=180)
    try:
        gw = Gateway(f"http://127.0.0.1:{stack.base_port}")
        yield gw, seed(gw), stack
    finally:
        stack.down()


@pytest.mark.stack
def test_every_audience_journey_passes_in_chromium(seeded, tmp_path):
    gw, data, stack = seeded
    env = {**os.environ, "GETIHU_CONSOLE_URL": gw.base_url, "GETIHU_E2E_SEED": json.dumps(data, ensure_ascii=False),
           "GETIHU_CHROMIUM": BROWSER}
    started = time.monotonic()
    done = subprocess.run([str(APP / "node_modules" / ".bin" / "playwright"), "test", "--output", str(tmp_path)],
                          cwd=APP, env=env, capture_output=True, text=True, timeout=560)
    out = done.stdout + done.stderr
    print(f"console journeys: {time.monotonic() - started:.0f} s")
    print("\n".join(line for line in out.splitlines() if "first-render" in line or "passed" in line))
    assert done.returncode == 0, out[-15000:] + stack.log_tails()
