"""The walking skeleton proves itself through the gateway, as a client would (issue: foundation).

Register businesses; each registration's state event travels registry outbox → Kafka → typing-svc's
projection. Kill -9 the publishing and the consuming workers in the middle of 1,000 events, restart
them, and every event is applied exactly once.
"""
from __future__ import annotations

import importlib.util
import threading
import time
from pathlib import Path

from harness import Gateway

import pytest
from sqlalchemy import create_engine, text

from getihu_kit import testing
from getihu_kit.domain import id_number, uscc

ROOT = Path(__file__).resolve().parents[1]


def business(n: int, region: str = "232701") -> dict:
    return {"uscc": uscc.make(region, serial=n), "name": f"测试小店{n}",
            "operator": {"name": "张三", "id_number": id_number.make(serial=n), "phone": "13812345678"},
            "region_code": region, "established_on": "2020-01-01"}


def in_process_openapi() -> dict:
    spec = importlib.util.spec_from_file_location("openapi_document", ROOT / "clients" / "openapi_document.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.document()


def typing_db(stack):
    return create_engine(stack.env["TYPING_DATABASE_URL"])


def projection_counts(engine, usccs: list[str]) -> tuple[int, int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT uscc, applied_events FROM business_projection")).all()
    ours = {u for u in usccs}
    mine = [r for r in rows if r[0] in ours]
    return len(mine), sum(r[1] for r in mine)


def exactly_once_under_kill9(stack, gw: Gateway, n_events: int, serial_base: int) -> None:
    staff = gw.token("clerk-1", ["prefecture_staff"])
    docs = [business(serial_base + i) for i in range(n_events)]
    posted: list[str] = []
    failures: list[str] = []

    def producer():
        client = Gateway(gw.base_url)
        for d in docs:
            r = client.post("/api/v1/businesses", json=d, headers=staff)
            if r.status_code != 201:
                failures.append(f"{r.status_code} {r.text[:200]}")
            posted.append(d["uscc"])

    t = threading.Thread(target=producer)
    t.start()
    engine = typing_db(stack)
    usccs = [d["uscc"] for d in docs]
    # Let events flow, then kill both workers while events are in flight.
    testing.wait_until(lambda: len(posted) >= n_events // 3, timeout=120, message="a third posted")
    testing.wait_until(lambda: projection_counts(engine, usccs)[0] > 0, timeout=60, message="first events applied")
    stack.kill9("registry-worker")
    stack.kill9("typing-worker")
    time.sleep(1.0)
    stack.start("registry-worker")
    testing.wait_until(lambda: len(posted) >= 2 * n_events // 3, timeout=120, message="two thirds posted")
    stack.start("typing-worker")
    time.sleep(2.0)
    stack.kill9("typing-worker")  # a second kill while it catches up
    stack.start("typing-worker")
    time.sleep(2.0)
    # SIGTERM: stop polling, finish the batch in hand, commit, close — well within the grace period.
    assert stack.stop("typing-worker", timeout=25), "the worker did not stop by itself on SIGTERM"
    stack.start("typing-worker")
    t.join(300)
    assert not failures, failures[:3]
    rows, applied = testing.wait_until(
        lambda: (lambda c: c if c[0] == n_events else None)(projection_counts(engine, usccs)),
        timeout=180, message=f"all {n_events} events applied")
    assert (rows, applied) == (n_events, n_events), "each event applied exactly once"
    engine.dispose()


@pytest.mark.stack
def test_ready_lists_every_service_and_the_broker(gateway):
    r = gateway.get("/readyz")
    assert r.status_code == 200
    assert r.json()["components"] == {s: "ready" for s in
                                      ["registry", "data-sharing", "typing", "cultivation", "appeal", "notify", "monitoring", "kafka"]}
    assert gateway.get("/healthz").json()["status"] == "ok"
    doc = gateway.get("/openapi.json").json()
    assert "/api/v1/businesses" in doc["paths"] and doc["x-services-missing"] == []
    # clients/openapi_document.py builds this very document without servers (the TypeScript client's source)
    assert in_process_openapi() == doc
    register = doc["paths"]["/api/v1/businesses"]["post"]
    assert {"$ref": "#/components/parameters/Idempotency-Key"} in register["parameters"]
    assert doc["components"]["parameters"]["Idempotency-Key"]["in"] == "header"
    assert gateway.get("/docs").status_code == 200


@pytest.mark.stack
def test_register_reaches_another_services_projection(stack, gateway):
    staff = gateway.token("clerk-2", ["county_staff"], region_code="232721")
    doc = business(900001, "232721")
    r = gateway.post("/api/v1/businesses", json=doc, headers=staff)
    assert r.status_code == 201, r.text
    assert gateway.get(f"/api/v1/businesses/{doc['uscc']}").json()["operator"]["id_number"].count("*") == 10
    engine = typing_db(stack)
    testing.wait_until(lambda: projection_counts(engine, [doc["uscc"]]) == (1, 1), message="projection row")
    engine.dispose()


@pytest.mark.stack
def test_bad_input_is_problem_json_never_500(gateway):
    staff = gateway.token("clerk-3", ["county_staff"], region_code="232701")
    cases = [
        ("POST", "/api/v1/businesses", {"content": b"{oops", "headers": {**staff, "content-type": "application/json"}}, 422),
        ("POST", "/api/v1/businesses", {"json": {**business(1), "uscc": "92232701L000000010"}, "headers": staff}, 422),
        ("POST", "/api/v1/businesses", {"json": business(2)}, 401),
        ("POST", "/api/v1/businesses", {"json": business(3), "headers": {"Authorization": "Bearer x.y.z"}}, 401),
        ("POST", "/api/v1/businesses", {"json": business(4, "232722"), "headers": staff}, 403),
        ("GET", "/api/v1/nothing-here", {}, 404),
        ("POST", "/api/v1/auth/dev-token", {"json": {"sub": "x", "roles": ["king"]}}, 422),
    ]
    for method, path, kw, status in cases:
        r = gateway.request(method, path, **kw)
        assert r.status_code == status, (path, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json"), r.text
        assert r.json()["detail"]


@pytest.mark.stack
def test_duplicate_registration_is_409(gateway):
    staff = gateway.token("clerk-4", ["prefecture_staff"])
    doc = business(900002)
    assert gateway.post("/api/v1/businesses", json=doc, headers=staff).status_code == 201
    r = gateway.post("/api/v1/businesses", json=doc, headers=staff)
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "uscc"


@pytest.mark.stack
def test_idempotency_key_replays(gateway):
    staff = gateway.token("clerk-5", ["prefecture_staff"])
    doc = business(900003)
    h = {**staff, "Idempotency-Key": "k-900003"}
    first = gateway.post("/api/v1/businesses", json=doc, headers=h)
    again = gateway.post("/api/v1/businesses", json=doc, headers=h)
    assert first.status_code == again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
    other = gateway.post("/api/v1/businesses", json=business(900004), headers=h)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


@pytest.mark.stack
def test_gateway_502_when_a_service_is_down(stack, gateway):
    stack.stop("appeal-api")
    try:
        r = gateway.get("/api/v1/appeals/anything")
        assert r.status_code == 502 and r.json()["code"] == "upstream_unavailable"
        assert gateway.get("/readyz").status_code == 503
    finally:
        stack.start("appeal-api")
        stack.wait_ready(60)


@pytest.mark.stack
def test_kill9_workers_mid_stream_every_event_exactly_once(stack, gateway):
    exactly_once_under_kill9(stack, gateway, 1000, serial_base=100000)
