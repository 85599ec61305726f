"""The platform as `make up` runs it: every worker answers /healthz and serves its metrics on its own
port (GETIHU_PORT + 50 + the service's offset), the gateway its counters on GETIHU_PORT + 50, and the
public port serves no metrics."""
from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from harness import METRICS_OFFSET, SERVICES


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""


@pytest.mark.stack
def test_every_worker_is_healthy_and_serves_its_metrics_off_the_public_port(stack, gateway):
    base = stack.base_port
    for name, _, offset, _ in SERVICES:
        port = base + METRICS_OFFSET + offset
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200, name
        status, body = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and "getihu_worker_up 1.0" in body and "getihu_outbox_backlog" in body, name
        assert "getihu_inbox_dead_lettered" in body, name
    status, body = get(f"http://127.0.0.1:{base + METRICS_OFFSET}/metrics")
    assert status == 200 and "http_requests_total" in body
    assert get(f"http://127.0.0.1:{base}/metrics")[0] == 404
