"""Harness of the cross-service tests: the whole platform started as `make up` does.

The `stack` fixture starts every service's API and worker and the gateway on free ports, with fresh
PostgreSQL databases (one per service) and a fresh topic prefix, so it never meets another run's
data or events. `Gateway` is a small client that gets dev tokens and calls the public paths.
"""
from __future__ import annotations

import random
import socket
import sys
import tempfile
from pathlib import Path

import httpx
from getihu_kit import testing
from getihu_kit.bus import ensure_topics

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
from stack import METRICS_OFFSET, SERVICES, Stack  # noqa: E402


def free_base_port() -> int:
    """A base port whose next ports are free too (the gateway and one per service), and their metrics
    ports. Drawn below the kernel's ephemeral range (32768 and up on Linux), where no outgoing
    connection of another process can take a port between this check and the services' bind."""
    for _ in range(50):
        base = random.randrange(20000, 32000, 10)
        try:
            socks = []
            n = 1 + len(SERVICES)
            for p in [*range(base, base + n), *range(base + METRICS_OFFSET, base + METRICS_OFFSET + n)]:
                s = socket.socket()
                s.bind(("127.0.0.1", p))
                socks.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free ports")


def make_stack(*, kafka_bootstrap: str, env: dict[str, str] | None = None) -> Stack:
    """A stack of its own (databases, topics, ports); `env` overrides the development defaults (e.g.
    the OIDC provider's JWKS instead of the development issuer)."""
    prefix = testing.unique_prefix()
    ensure_topics(kafka_bootstrap, prefix)
    state = Path(tempfile.mkdtemp(prefix="getihu-stack-"))
    env = {"GETIHU_TOPIC_PREFIX": prefix, "GETIHU_DEV_AUTH": "1", "GETIHU_KAFKA_BOOTSTRAP": kafka_bootstrap,
           **(env or {})}
    # Each service its own fresh database on the test server, named for this stack.
    tag = prefix.strip(".")
    for name, pkg, _, env_prefix in SERVICES:
        env[f"{env_prefix}DATABASE_URL"] = testing.fresh_database(f"{tag}_{pkg.removesuffix('_svc')}", None)
    env["GATEWAY_DATABASE_URL"] = testing.fresh_database(f"{tag}_gateway", None)
    # Every test client calls from the loopback address: a 政务大厅's allowance for it, so a test that
    # polls the public 名录 is not refused; the limits themselves are tested in gateway/tests.
    env["GATEWAY_RATE_ALLOWANCES"] = "127.0.0.1/32=1000,::1/128=1000"
    stack = Stack(state_dir=state, base_port=free_base_port(), env=env)
    stack.topic_prefix = prefix
    return stack


class Gateway:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=60)

    def token(self, sub: str, roles: list[str], **claims) -> dict[str, str]:
        r = self.http.post("/api/v1/auth/dev-token", json={"sub": sub, "roles": roles, **claims})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def __getattr__(self, name):  # get/post/put/... straight to httpx
        return getattr(self.http, name)


def publish_run(gateway: Gateway, run_id: str, *, headers: dict, timeout: float = 120) -> dict:
    """Publish a completed run as a client does: 202 with the run `publishing` and its job, then
    follow the run until it is `published`."""
    r = gateway.post(f"/api/v1/typing/runs/{run_id}/publish", headers=headers)
    assert r.status_code == 202 and r.json()["status"] == "publishing" and r.json()["job_id"], r.text

    def published():
        run = gateway.get(f"/api/v1/typing/runs/{run_id}", headers=headers).json()
        assert run["status"] in ("publishing", "published"), run
        return run if run["status"] == "published" else None
    return testing.wait_until(published, timeout=timeout, message="the run published")


def publish_typing_with(gateway: Gateway, uscc: str, *, year: int, region: str, headers: dict) -> dict:
    """Run typing for one county, publish the run and return the business's published result. The run
    waits by itself until typing holds what the registry and data-sharing accepted (waiting_for_data),
    so it includes a business registered a moment ago."""
    from getihu_kit import testing

    def finished(run_id: str):
        run = gateway.get(f"/api/v1/typing/runs/{run_id}", headers=headers).json()
        return run if run["status"] in ("completed", "failed") else None

    r = gateway.post("/api/v1/typing/runs", headers=headers, json={"year": year, "region_codes": [region]})
    assert r.status_code == 202, r.text
    run = testing.wait_until(lambda: finished(r.json()["id"]), timeout=120, message="typing run finished")
    assert run["status"] == "completed", run
    res = gateway.get(f"/api/v1/typing/results/{uscc}", params={"year": year}, headers=headers)
    assert res.status_code == 200 and res.json()["run_id"] == run["id"], res.text
    publish_run(gateway, run["id"], headers=headers)
    return gateway.get(f"/api/v1/typing/results/{uscc}", params={"year": year}, headers=headers).json()
