"""Abuse limits at the gateway: body sizes per route (413) and anonymous callers' rates per address
(429 with Retry-After), the counts shared by every gateway process through PostgreSQL.

The sliding window's arithmetic is checked with a clock the test moves; the sharing with two gateway
apps (two processes' worth of state) on one real database; the HTTP answers through the app in front of
a real upstream server."""
from __future__ import annotations

import time

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from upstreams import free_port, serving
from sqlalchemy import text

from getihu_kit import testing
from getihu_kit.db import make_engine
from gateway_svc import ratelimit
from gateway_svc.limits import BodyLimits
from gateway_svc.main import create_app
from gateway_svc.settings import MIGRATIONS, Settings

MiB = 1024 * 1024



class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self) -> float:
        return self.t


def limiter(clock, *, directory=3, objections=2, anonymous=100, allowances="") -> ratelimit.Limiter:
    return ratelimit.Limiter(ratelimit.rules(directory_per_minute=directory, notice_objections_per_hour=objections,
                                             anonymous_per_minute=anonymous),
                             ratelimit.Allowances(allowances), clock=clock)


# --- the rules, in plain functions ----------------------------------------------------------------
def test_rules_match_the_first_that_fits():
    lim = limiter(Clock(0))
    assert lim.rule_for("GET", "/api/v1/directory").name == "directory"
    assert lim.rule_for("POST", "/api/v1/appeals/notice-objections").name == "notice_objections"
    assert lim.rule_for("POST", "/api/v1/appeals/notice-objections/ap_1/material").name == "notice_objections"
    assert lim.rule_for("GET", "/api/v1/typing/standards").name == "anonymous"
    assert lim.rule_for("GET", "/healthz") is None


def test_the_limit_within_a_window_and_the_wait_it_names():
    clock = Clock(600.0)  # the start of a window
    lim = limiter(clock)
    assert [lim.check("GET", "/api/v1/directory", "198.51.100.1") for _ in range(3)] == [None] * 3
    refusal = lim.check("GET", "/api/v1/directory", "198.51.100.1")
    assert refusal is not None and refusal.limit == 3
    # 3 in this window: the next passes once this window's count, weighted, has fallen below 2 — in the
    # next window (60 s away) at a third of it: 60 + 20 s.
    assert refusal.retry_after_s == 80
    assert lim.check("GET", "/api/v1/directory", "198.51.100.2") is None  # another address: its own count
    clock.t += 79
    assert lim.check("GET", "/api/v1/directory", "198.51.100.1") is not None
    clock.t += 1.5
    assert lim.check("GET", "/api/v1/directory", "198.51.100.1") is None


def test_a_refused_request_is_not_counted():
    clock = Clock(600.0)
    lim = limiter(clock, directory=2)
    for _ in range(2):
        assert lim.check("GET", "/api/v1/directory", "a") is None
    for _ in range(50):
        assert lim.check("GET", "/api/v1/directory", "a") is not None
    clock.t += 60 + 31  # the 2 weighted below 1 in the next window
    assert lim.check("GET", "/api/v1/directory", "a") is None


def test_the_previous_window_still_counts_by_its_overlap():
    clock = Clock(600.0 + 50)  # late in a window
    lim = limiter(clock)
    for _ in range(3):
        assert lim.check("GET", "/api/v1/directory", "a") is None
    clock.t = 660.0 + 15  # a quarter into the next: 3 × 0.75 = 2.25 still count
    assert lim.check("GET", "/api/v1/directory", "a") is not None
    clock.t = 660.0 + 21  # 3 × 0.65 = 1.95: one more fits
    assert lim.check("GET", "/api/v1/directory", "a") is None


def test_a_bureau_raises_the_allowance_of_a_shared_address():
    clock = Clock(600.0)
    lim = limiter(clock, allowances="10.8.0.0/16=10,10.8.3.4=20")
    assert sum(lim.check("GET", "/api/v1/directory", "10.8.9.9") is None for _ in range(40)) == 30
    assert sum(lim.check("GET", "/api/v1/directory", "10.8.3.4") is None for _ in range(80)) == 60  # most specific
    assert sum(lim.check("GET", "/api/v1/directory", "192.0.2.1") is None for _ in range(10)) == 3


@pytest.mark.parametrize("spec", ["10.8.0.0/16", "10.8.0.0/16=x", "not-an-ip=3", "10.0.0.1=0"])
def test_a_wrong_allowance_is_refused_at_start_naming_the_setting(spec):
    with pytest.raises(ValueError, match="GATEWAY_RATE_ALLOWANCES"):
        ratelimit.Allowances(spec)


def test_body_limits_per_route():
    limits = BodyLimits(json=1, batch=2, evidence=3, upload=4)
    assert limits.for_request("POST", "/api/v1/businesses/imports") == ("upload", 4)
    assert limits.for_request("POST", "/api/v1/data-sharing/batches/files") == ("upload", 4)
    assert limits.for_request("POST", "/api/v1/data-sharing/batches") == ("batch", 2)
    assert limits.for_request("POST", "/api/v1/appeals/ap_1/material") == ("evidence", 3)
    assert limits.for_request("POST", "/api/v1/businesses") == ("json", 1)
    assert limits.for_request("PUT", "/api/v1/businesses/imports") == ("json", 1)


# --- shared by every process: two limiters, one database -----------------------------------------
@pytest.fixture
def gateway_db():
    url = testing.fresh_database("test_gateway_limits", MIGRATIONS)
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


def test_two_processes_share_one_count(gateway_db):
    url, engine = gateway_db
    clock = Clock(time.time() // 60 * 60 + 1)
    a, b = limiter(clock, directory=4), limiter(clock, directory=4)
    store = ratelimit.Store(engine, {r.name: r.window_s for r in a.rules})
    for _ in range(3):
        assert a.check("GET", "/api/v1/directory", "203.0.113.9") is None
    assert ratelimit.flush(a, store)
    assert b.check("GET", "/api/v1/directory", "203.0.113.9") is None  # B has not read the count yet
    assert ratelimit.flush(b, store)  # adds its 1, reads back 4
    assert b.check("GET", "/api/v1/directory", "203.0.113.9") is not None
    with engine.connect() as c:
        assert c.execute(text("SELECT count FROM rate_counts WHERE address = '203.0.113.9'")).scalar() == 4


def test_counts_survive_a_failed_flush_and_are_added_later(gateway_db):
    url, engine = gateway_db
    clock = Clock(time.time() // 60 * 60 + 1)
    a = limiter(clock, directory=10)
    for _ in range(3):
        a.check("GET", "/api/v1/directory", "203.0.113.7")
    away = make_engine(url.replace("test_gateway_limits", "no_such_database"))
    assert not ratelimit.flush(a, ratelimit.Store(away, {r.name: r.window_s for r in a.rules}))  # kept here
    away.dispose()
    assert sum(a.check("GET", "/api/v1/directory", "203.0.113.7") is None for _ in range(10)) == 7
    assert ratelimit.flush(a, ratelimit.Store(engine, {r.name: r.window_s for r in a.rules}))
    with engine.connect() as c:
        assert c.execute(text("SELECT count FROM rate_counts WHERE address = '203.0.113.7'")).scalar() == 10


def test_old_windows_are_removed(gateway_db):
    url, engine = gateway_db
    with engine.begin() as c:
        c.execute(text("INSERT INTO rate_counts VALUES ('directory', 'x', 1, 5, 100)"))
    lim = limiter(Clock(time.time()))
    lim.check("GET", "/api/v1/directory", "y")
    assert ratelimit.flush(lim, ratelimit.Store(engine, {r.name: r.window_s for r in lim.rules}))
    with engine.connect() as c:
        assert c.execute(text("SELECT address FROM rate_counts")).scalars().all() == ["y"]


# --- through the gateway ------------------------------------------------------------------------
def upstream_app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/directory")
    def directory():
        return {"items": [], "next_cursor": None}

    @app.post("/api/v1/businesses")
    @app.post("/api/v1/businesses/imports")
    async def echo(request: Request):
        return {"bytes": len(await request.body())}
    return app


@pytest.fixture(scope="module")
def upstream():
    with serving(upstream_app()) as url:
        yield url


def gateway(upstream: str, url: str, **overrides) -> TestClient:
    dead = f"http://127.0.0.1:{free_port()}"
    s = Settings(registry_url=upstream, data_sharing_url=dead, typing_url=dead, cultivation_url=dead,
                 appeal_url=dead, notify_url=dead, monitoring_url=dead, dev_auth=True, kafka_bootstrap="127.0.0.1:1",
                 database_url=url, rate_flush_interval_s=0.05, **overrides)
    return TestClient(create_app(s))


def total(engine) -> int | None:
    with engine.connect() as c:
        return c.execute(text("SELECT sum(count) FROM rate_counts")).scalar()


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_429_names_the_wait_in_chinese_and_spares_signed_in_callers(upstream, gateway_db):
    url, engine = gateway_db
    with gateway(upstream, url, rate_directory_per_minute=2) as c:
        assert [c.get("/api/v1/directory").status_code for _ in range(2)] == [200, 200]
        r = c.get("/api/v1/directory", headers={"X-Request-ID": "rid-429"})
        assert r.status_code == 429 and r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["code"] == "rate_limited" and body["request_id"] == "rid-429"
        assert "名录查询过于频繁" in body["detail"] and "每分钟最多 2 次" in body["detail"]
        assert int(r.headers["retry-after"]) == body["retry_after_s"] >= 1
        token = c.post("/api/v1/auth/dev-token", json={"sub": "c", "roles": ["county_staff"],
                                                        "region_code": "232701"}).json()["access_token"]
        assert c.get("/api/v1/directory", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        # shared: the table holds the count this process flushed
        wait_until(lambda: total(engine) == 2)


def test_a_second_gateway_process_reads_the_first_ones_count(upstream, gateway_db):
    url, engine = gateway_db
    with gateway(upstream, url, rate_directory_per_minute=3) as one, \
            gateway(upstream, url, rate_directory_per_minute=3) as two:
        assert [one.get("/api/v1/directory").status_code for _ in range(3)] == [200] * 3
        wait_until(lambda: total(engine) == 3)
        # The second process has not read that count yet: its first request passes (the bound of the
        # design: one flush interval per process), and once its flush has read the total back, it refuses.
        assert two.get("/api/v1/directory").status_code == 200
        wait_until(lambda: total(engine) == 4)
        time.sleep(0.2)
        assert two.get("/api/v1/directory").status_code == 429
        assert one.get("/api/v1/directory").status_code == 429
        assert total(engine) == 4  # refusals are not counted


def test_bodies_over_their_route_limit_are_refused_before_the_service(upstream, gateway_db):
    url, _ = gateway_db
    with gateway(upstream, url, json_max_bytes=64 * 1024, upload_max_bytes=2 * MiB) as c:
        token = c.post("/api/v1/auth/dev-token", json={"sub": "c", "roles": ["county_staff"],
                                                        "region_code": "232701"}).json()["access_token"]
        h = {"Authorization": f"Bearer {token}"}
        r = c.post("/api/v1/businesses", content=b"{" + b" " * (64 * 1024) + b"}",
                   headers={**h, "content-type": "application/json"})
        assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
        assert "请求内容超过了此接口允许的 64 KB" in r.json()["detail"] and r.json()["limit_bytes"] == 64 * 1024
        # the same size is a small file on an upload route
        r = c.post("/api/v1/businesses/imports", content=b"x" * (1 * MiB), headers={**h, "content-type": "text/csv"})
        assert r.status_code == 200 and r.json() == {"bytes": MiB}
        # a chunked body (no Content-Length) is counted as it streams and cut off at the limit
        r = c.post("/api/v1/businesses/imports", content=(b"x" * (256 * 1024) for _ in range(12)),
                   headers={**h, "content-type": "text/csv"})
        assert r.status_code == 413 and "上传的文件超过了此接口允许的 2 MB" in r.json()["detail"]
        r = c.post("/api/v1/businesses/imports", content=(b"x" * (256 * 1024) for _ in range(4)),
                   headers={**h, "content-type": "text/csv"})
        assert r.status_code == 200 and r.json() == {"bytes": MiB}
