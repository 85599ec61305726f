"""The gateway on its own: routing, coarse auth, 502/504 as problem+json, merged OpenAPI, dev tokens.

Upstreams are real HTTP servers on loopback (small FastAPI apps under uvicorn), not mocks.
"""
from __future__ import annotations

import time

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from upstreams import free_port, serving

from getihu_kit import auth, labels
from gateway_svc import openapi, routing
from gateway_svc.main import create_app
from gateway_svc.settings import Settings



def upstream_app() -> FastAPI:
    app = FastAPI(title="registry")

    @app.get("/api/v1/businesses/{uscc}")
    def get_business(uscc: str, request: Request, q: str | None = None):
        return {"uscc": uscc, "q": q, "auth": request.headers.get("authorization"),
                "request_id": request.headers.get("x-request-id"), "traceparent": request.headers.get("traceparent")}

    @app.post("/api/v1/businesses")
    @app.post("/api/v1/businesses/imports")
    async def echo(request: Request):
        return {"bytes": len(await request.body())}

    @app.get("/api/v1/directory")
    def slow():
        time.sleep(2)
        return {}

    @app.get("/readyz")
    def ready():
        return {"status": "ready"}
    return app


@pytest.fixture(scope="module")
def upstream():
    with serving(upstream_app()) as url:
        yield url


@pytest.fixture
def client(upstream):
    dead = f"http://127.0.0.1:{free_port()}"
    s = Settings(registry_url=upstream, data_sharing_url=dead, typing_url=dead, cultivation_url=dead,
                 appeal_url=dead, notify_url=dead, monitoring_url=dead, read_timeout_s=0.5, dev_auth=True,
                 kafka_bootstrap="127.0.0.1:1", rate_limit=False)  # limits: test_limits.py
    with TestClient(create_app(s)) as c:
        yield c


def token(client, **body):
    return {"Authorization": "Bearer " + client.post("/api/v1/auth/dev-token", json=body).json()["access_token"]}


@pytest.mark.parametrize("path,svc", [
    ("/api/v1/businesses", "registry"), ("/api/v1/businesses/92X/status", "registry"),
    ("/api/v1/directory", "registry"), ("/api/v1/annual-report-windows/2024/close", "registry"),
    ("/api/v1/data-sharing/batches", "data-sharing"), ("/api/v1/typing/runs", "typing"),
    ("/api/v1/cultivation/windows", "cultivation"), ("/api/v1/appeals", "appeal"),
    ("/api/v1/notifications/inbox", "notify"), ("/api/v1/jobs/rg_abc", "registry"),
    ("/api/v1/jobs/ds_abc", "data-sharing"), ("/api/v1/monitoring/policies", "monitoring"),
    ("/api/v1/jobs/mo_abc", "monitoring"), ("/api/v1/credit/consents", "typing"), ("/api/v1/jobs/zz_abc", None),
    ("/api/v1/businessesX", None),
    ("/api/v1/typingfoo", None),
])
def test_routing(path, svc):
    assert routing.owner(path) == svc


def test_forwards_path_query_auth_and_ids(client):
    h = token(client, sub="s", roles=["county_staff"], region_code="232701")
    r = client.get("/api/v1/businesses/92ABC", params={"q": "张三"}, headers={**h, "X-Request-ID": "rid-1"})
    assert r.status_code == 200
    body = r.json()
    assert body["uscc"] == "92ABC" and body["q"] == "张三" and body["auth"] == h["Authorization"]
    assert body["request_id"] == "rid-1" and body["traceparent"].startswith("00-")
    assert r.headers["x-request-id"] == "rid-1"


def test_streams_a_large_upload(client):
    h = token(client, sub="s", roles=["county_staff"], region_code="232701")
    data = b"x" * (5 * 1024 * 1024)
    r = client.post("/api/v1/businesses/imports", content=data, headers={**h, "content-type": "text/csv"})
    assert r.json() == {"bytes": len(data)}


def test_coarse_rules(client):
    r = client.post("/api/v1/businesses", json={})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/businesses/92A", headers={"Authorization": "Bearer junk"}).status_code == 401
    assert client.get("/api/v1/nope").status_code == 404


def test_502_when_down_504_when_slow(client):
    r = client.get("/api/v1/typing/runs/x")
    assert r.status_code == 502 and r.json()["code"] == "upstream_unavailable" and "分型服务" in r.json()["detail"]
    r = client.get("/api/v1/directory")
    assert r.status_code == 504 and r.json()["code"] == "upstream_timeout"


def test_readyz_lists_each_component(client):
    r = client.get("/readyz")
    assert r.status_code == 503
    comps = r.json()["components"]
    assert comps["registry"] == "ready" and comps["typing"] == "unreachable" and comps["kafka"] == "unreachable"


def test_dev_token_validation_and_off_switch(client, upstream):
    assert client.post("/api/v1/auth/dev-token", json={"sub": "a", "roles": []}).status_code == 422
    assert client.post("/api/v1/auth/dev-token", json={"sub": "a", "roles": ["wizard"]}).status_code == 422
    s = Settings(registry_url=upstream, dev_auth=False, jwt_secret="a-secret-of-this-test-only-32-bytes!")
    with TestClient(create_app(s)) as c:
        r = c.post("/api/v1/auth/dev-token", json={"sub": "a", "roles": ["admin"]})
        assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_merged_openapi_renames_only_conflicting_schemas(client):
    own = {"openapi": "3.1.0", "paths": {"/healthz": {"get": {}}}, "components": {"schemas": {}}}
    a = {"paths": {"/api/v1/a": {"get": {"responses": {"200": {"$ref": "#/components/schemas/Page"}}}}},
         "components": {"schemas": {"Page": {"title": "A"}, "Same": {"x": 1}}}}
    b = {"paths": {"/api/v1/b": {"get": {"responses": {"200": {"$ref": "#/components/schemas/Page"}}}}},
         "components": {"schemas": {"Page": {"title": "B"}, "Same": {"x": 1}}}}
    merged = openapi.merge(own, {"registry": a, "typing": b}, title="t", version="1")
    schemas = merged["components"]["schemas"]
    assert schemas["Page"] == {"title": "A"} and schemas["typing__Page"] == {"title": "B"}
    assert "typing__Same" not in schemas
    assert merged["paths"]["/api/v1/b"]["get"]["responses"]["200"]["$ref"] == "#/components/schemas/typing__Page"
    doc = client.get("/openapi.json").json()
    assert "/api/v1/auth/dev-token" in doc["paths"] and "typing" in doc["x-services-missing"]


def test_merged_openapi_keeps_the_shared_idempotency_key_parameter():
    param = {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 200}}
    ref = {"$ref": "#/components/parameters/Idempotency-Key"}
    docs = {name: {"paths": {f"/api/v1/{name}": {"post": {"parameters": [ref]}}},
                   "components": {"schemas": {}, "parameters": {"Idempotency-Key": param}}}
            for name in ("registry", "typing")}
    merged = openapi.merge({"paths": {}, "components": {"schemas": {}}}, docs, title="t", version="1")
    assert merged["components"]["parameters"] == {"Idempotency-Key": param}
    assert merged["paths"]["/api/v1/typing"]["post"]["parameters"] == [ref]


def test_docs_and_redoc_load_only_files_the_platform_ships(client):
    """Offline networks: every script, style and icon of /docs and /redoc is served by the gateway."""
    import re
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200 and "text/html" in r.headers["content-type"]
        urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']|url:\s*["\']([^"\']+)["\']', r.text)
        urls = [u for pair in urls for u in pair if u]
        assert urls and not [u for u in urls if "://" in u or u.startswith("//")], (page, urls)
        for u in urls:
            if u != "/openapi.json":
                asset = client.get(u)
                assert asset.status_code == 200 and len(asset.content) > 500, u


def test_labels_are_served_by_the_gateway_from_kit_for_everyone(client):
    r = client.get("/api/v1/labels")  # no token: the public pages label their codes too
    assert r.status_code == 200
    tables = r.json()
    assert tables == labels.tables()
    assert tables["application_status"]["awaiting_consent"] == "待经营者同意"
    assert set(tables["role"]) == set(auth.ROLES)
    doc = client.get("/openapi.json").json()
    assert doc["paths"]["/api/v1/labels"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LabelTables"}
