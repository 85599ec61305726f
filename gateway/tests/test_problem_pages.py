"""The pages problem types name: every code resolves at the gateway, HTML for browsers, JSON otherwise."""
from __future__ import annotations

import re
from html import escape

import pytest
from fastapi.testclient import TestClient

from getihu_kit.problems import ALL, PROBLEM_TYPES
from gateway_svc.main import create_app
from gateway_svc.problem_pages import wants_html
from gateway_svc.settings import Settings

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def client():
    dead = "http://127.0.0.1:9"  # nothing listens there: no upstream is needed for these pages
    s = Settings(registry_url=dead, data_sharing_url=dead, typing_url=dead, cultivation_url=dead, appeal_url=dead,
                 notify_url=dead, monitoring_url=dead, read_timeout_s=0.5, connect_timeout_s=0.5, kafka_bootstrap="127.0.0.1:1")
    with TestClient(create_app(s)) as c:
        yield c


def _links(html: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)


@pytest.mark.parametrize("code", sorted(PROBLEM_TYPES))
def test_every_catalogued_code_resolves(client, code):
    p = PROBLEM_TYPES[code]
    r = client.get(f"/problems/{code}")  # no token: the pages are public
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == {"code": code, "type": f"/problems/{code}", "status": p.status, "title": p.title,
                        "description": p.description, "action": p.action}
    page = client.get(f"/problems/{code}", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    text = page.text
    assert '<html lang="zh-CN">' in text and p.title in text and f"HTTP {p.status}" in text and code in text
    assert escape(p.description) in text and escape(p.action) in text
    links = _links(text)
    assert "/docs" in links and all(u.startswith("/") and not u.startswith("//") for u in links), links
    assert "<script" not in text and "<link" not in text  # self-contained: nothing is fetched


def test_unknown_code_is_a_404_problem_whatever_the_client_accepts(client):
    for accept in (None, BROWSER, "application/json"):
        r = client.get("/problems/no_such_code", headers={"Accept": accept} if accept else {})
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["code"] == "not_found" and body["type"] == "/problems/not_found" and "no_such_code" in body["detail"]


@pytest.mark.parametrize("accept, html", [
    (None, False), ("*/*", False), ("application/json", False), (BROWSER, True), ("text/html", True),
    ("text/*", True), ("application/json, text/html;q=0.5", False), ("text/html;q=0.9, application/json;q=0.9", True),
    ("text/html;q=0, */*", False), ("text/*;q=0.1, text/html;q=0", False), ("text/html;q=junk", False),
])
def test_negotiation(accept, html):
    assert wants_html(accept) is html


def test_the_list_answers_every_code_as_json_and_as_a_table(client):
    r = client.get("/problems")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["next_cursor"] is None
    codes = [i["code"] for i in body["items"]]
    assert sorted(codes) == sorted(PROBLEM_TYPES) and len(codes) == len(ALL)
    assert [(i["status"], i["code"]) for i in body["items"]] == sorted((p.status, p.code) for p in ALL)
    first = client.get("/problems", params={"limit": 10}).json()
    rest = client.get("/problems", params={"cursor": first["next_cursor"]}).json()
    assert [i["code"] for i in first["items"] + rest["items"]] == codes  # pages like every list
    table = client.get("/problems", headers={"Accept": BROWSER})
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/html")
    assert {f"/problems/{c}" for c in PROBLEM_TYPES} <= set(_links(table.text))
    assert "<script" not in table.text and "<link" not in table.text


def test_the_type_of_a_real_problem_resolves(client):
    for r in (client.get("/api/v1/nope"), client.get("/api/v1/typing/runs/x"),
              client.get("/api/v1/businesses/92A", headers={"Authorization": "Bearer junk"})):
        body = r.json()
        assert r.status_code >= 400 and body["type"] == f"/problems/{body['code']}"
        page = client.get(body["type"])
        assert page.status_code == 200 and page.json()["status"] == r.status_code, body


def test_the_pages_are_in_the_merged_openapi_document(client):
    doc = client.get("/openapi.json").json()
    index, one = doc["paths"]["/problems"]["get"], doc["paths"]["/problems/{code}"]["get"]
    assert index["operationId"] == "listProblemTypes" and one["operationId"] == "getProblemType"
    assert one["responses"]["200"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/ProblemTypeRead"}
    assert index["responses"]["200"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/ProblemTypePage"}
    for op in (index, one):
        assert "text/html" in op["responses"]["200"]["content"]
        assert op["responses"]["404"]["content"] == {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}}}
    assert set(doc["components"]["schemas"]["ProblemTypeRead"]["required"]) >= {
        "code", "type", "status", "title", "description", "action"}
