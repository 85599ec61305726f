"""Cross-service tests: the whole platform started as `make up` does, driven through the gateway."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import SERVICES, Gateway, make_stack  # noqa: E402,F401


@pytest.fixture(scope="session")
def stack(kafka_bootstrap):
    if not os.environ.get("DATABASE_URL"):
        pytest.fail("cross-service tests need PostgreSQL: run them with `make test`")
    s = make_stack(kafka_bootstrap=kafka_bootstrap)
    try:
        s.up(timeout=180)
        yield s
    finally:
        s.down()


@pytest.fixture(scope="session")
def gateway(stack) -> Gateway:
    return Gateway(f"http://127.0.0.1:{stack.base_port}")
