"""The fault suite (bench/faults.py) at a size the test run affords: 3,000 businesses imported, typed and
published while the database server, the broker, a worker, then seeded random parts (APIs, workers, the
broker, the database) are killed -9, a fault every 2–4 s. The suite runs its own broker and database server (it kills them), so it touches
nothing of the other tests; it checks every projection, label, feed row and inbox message exactly once
and no outbox row left, and exits non-zero otherwise. The 100,000 run is `make faults`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.stack
def test_nothing_lost_nothing_twice_under_faults():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT")}
    env["GETIHU_DEV_AUTH"] = "1"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "faults.py"), "--n", "3000", "--seed", "23",
                          "--every", "2", "4", "--first", "postgres,kafka,registry-worker"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    checks = [line for line in run.stdout.splitlines() if line.startswith(("ok   ", "FAIL "))]
    assert len(checks) >= 8 and all(line.startswith("ok   ") for line in checks), out[-6000:]
    injected = [line for line in run.stdout.splitlines() if line.startswith("fault: ") and "killed at" in line]
    assert {v for v in ("postgres", "kafka") if any(f"fault: {v} killed" in line for line in injected)} == \
        {"postgres", "kafka"}, out[-6000:]
