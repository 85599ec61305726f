"""The HTTP edge: problem+json in Chinese naming each field, auth, cursors, request ids."""
from __future__ import annotations

import datetime as dt

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from pydantic import BaseModel

from getihu_kit import auth
from getihu_kit.errors import Conflict
from pydantic_settings import SettingsConfigDict

from getihu_kit.pagination import PageDep, decode_cursor, encode_cursor
from getihu_kit.settings import ServiceSettings
from getihu_kit.web import IdPath, YearQuery, create_app, requires

router = APIRouter()


class Thing(BaseModel):
    year: int
    on: dt.date
    kind: str


@router.post("/things", status_code=201)
def make_thing(body: Thing, p=Depends(requires("county_staff"))):
    if body.kind == "dup":
        raise Conflict("已存在", code="thing_exists", field="kind")
    return {"ok": True, "by": p.sub}


@router.get("/items/{item_id}")
def item(item_id: IdPath, year: YearQuery = None):
    return {"id": item_id, "year": year}


@router.post("/echo")
def echo(body: dict):
    return body


@router.get("/page")
def page(page: PageDep):
    return {"position": decode_cursor(page.cursor, 2), "limit": page.limit}


@pytest.fixture
def client(tmp_path):
    settings = ServiceSettings(service_name="t", db_name="t")
    with TestClient(create_app(settings=settings, title="t", routers=[router])) as c:
        yield c


def token(roles, **kw):
    s = ServiceSettings()
    return {"Authorization": "Bearer " + auth.issue_dev_token(sub="u1", roles=roles, secret=s.jwt_secret,
                                                              issuer=s.jwt_issuer, audience=s.jwt_audience, **kw)}


def test_validation_error_names_each_field_in_chinese(client):
    r = client.post("/things", json={"year": "abc", "on": "2024-13-01"}, headers=token(["county_staff"]))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert fields == {"year": "应为整数", "on": "应为日期，格式 YYYY-MM-DD", "kind": "必填项缺失"}
    assert body["code"] == "invalid_input" and "year" in body["detail"]


def test_malformed_json_is_422_not_500(client):
    r = client.post("/things", content=b"{not json", headers={**token(["county_staff"]),
                                                             "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["errors"][0]["message"] == "请求体不是合法的 JSON"


def test_domain_error_is_problem_json(client):
    r = client.post("/things", json={"year": 2024, "on": "2024-01-01", "kind": "dup"}, headers=token(["county_staff"]))
    assert r.status_code == 409
    assert r.json()["code"] == "thing_exists" and r.json()["errors"] == [{"field": "kind", "message": "已存在"}]


def test_auth(client):
    body = {"year": 2024, "on": "2024-01-01", "kind": "a"}
    assert client.post("/things", json=body).status_code == 401
    assert client.post("/things", json=body, headers={"Authorization": "Bearer nonsense"}).json()["code"] == "token_invalid"
    assert client.post("/things", json=body, headers={"Authorization": "Basic abc"}).status_code == 401
    r = client.post("/things", json=body, headers=token(["operator"]))
    assert r.status_code == 403 and "county_staff" in r.json()["detail"]
    assert client.post("/things", json=body, headers=token(["county_staff"])).json()["by"] == "u1"


def test_expired_token(client):
    s = ServiceSettings()
    t = auth.issue_dev_token(sub="u", roles=["admin"], secret=s.jwt_secret, issuer=s.jwt_issuer,
                             audience=s.jwt_audience, ttl_s=-(auth.LEEWAY_S + 60))  # past the clock-skew leeway
    r = client.get("/page", headers={"Authorization": f"Bearer {t}"})
    assert r.status_code == 200  # /page does not ask who you are
    r = client.post("/things", json={}, headers={"Authorization": f"Bearer {t}"})
    assert r.status_code == 401 and r.json()["code"] == "token_expired"


def test_unknown_path_and_method(client):
    r = client.get("/nowhere")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert client.delete("/things").status_code == 405


def test_cursor_round_trip_and_bad_cursor(client):
    c = encode_cursor(["92X", 3])
    assert client.get("/page", params={"cursor": c}).json() == {"position": ["92X", 3], "limit": 50}
    r = client.get("/page", params={"cursor": "%%%"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor"
    # a cursor of another list (three keys where this list has two) is refused the same way
    r = client.get("/page", params={"cursor": encode_cursor(["92X", 3, 4])})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor"
    for bad in ("0", "1001"):
        r = client.get("/page", params={"limit": bad})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "limit"


def test_request_id_and_traceparent_propagate(client):
    r = client.get("/healthz", headers={"X-Request-ID": "abc", "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"})
    assert r.headers["x-request-id"] == "abc" and r.headers["traceparent"].startswith("00-aaaa")
    assert client.get("/healthz").headers["x-request-id"]


def test_metrics(client):
    client.get("/healthz")
    assert "http_requests_total" in client.get("/metrics").text


def test_openapi_documents_problem_json(client):
    doc = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    responses = doc["paths"]["/things"]["post"]["responses"]
    assert responses["422"]["content"]["application/problem+json"]["schema"]["$ref"] == "#/components/schemas/Problem"
    assert set(doc["components"]["schemas"]["Problem"]["required"]) >= {"code", "detail", "status"}


@pytest.mark.parametrize("path,field", [("/items/99999999999999999999", "item_id"), ("/items/0", "item_id"),
                                        ("/items/1?year=-1", "year"), ("/items/1?year=99999", "year")])
def test_numbers_no_column_can_hold_are_422_naming_the_field(client, path, field):
    r = client.get(path)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("request_kw", [
    {"method": "GET", "url": "/items/%00"}, {"method": "GET", "url": "/items/1?year=%00"},
    {"method": "POST", "url": "/echo", "content": b'{"name": "a\\u0000b"}',
     "headers": {"content-type": "application/json"}},
])
def test_control_characters_are_400_not_a_database_error(client, request_kw):
    r = client.request(**request_kw)
    assert r.status_code == 400 and r.json()["code"] == "control_characters"
    assert client.post("/echo", json={"name": "张三"}).json() == {"name": "张三"}


class _TypingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KITTEST_", extra="ignore")


def test_each_service_derives_its_own_database_on_the_shared_server(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.internal:5432/postgres")
    assert _TypingSettings(db_name="typing").resolved_database_url() == "postgresql+psycopg://u:p@db.internal:5432/typing"
    monkeypatch.delenv("DATABASE_URL")
    # without DATABASE_URL: the local server `make up` starts, never a file database
    assert _TypingSettings(db_name="notify").resolved_database_url().startswith("postgresql+psycopg://getihu:getihu@127.0.0.1:")
    assert _TypingSettings(db_name="x", database_url="postgresql+psycopg://a@h/x").resolved_database_url() == \
        "postgresql+psycopg://a@h/x"


THING = {"year": 2025, "on": "2025-06-30", "kind": "山货"}


def test_examples_go_into_the_schema_and_onto_each_body_and_answer_using_it():
    settings = ServiceSettings(service_name="t", db_name="t")
    app = create_app(settings=settings, title="t", routers=[router], examples={
        "Thing": THING, "item": {"responses": {"200": {"id": 1, "year": 2025}}}})
    doc = app.openapi()
    assert doc["components"]["schemas"]["Thing"]["examples"] == [THING]
    body = doc["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]
    assert body["example"] == THING
    answer = doc["paths"]["/items/{item_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["example"] == {"id": 1, "year": 2025}


@pytest.mark.parametrize("examples, message", [
    ({"Thnig": THING}, "no such schema or operation"),
    ({"makeThing": {"responses": {"404": {}}}}, "no 404 application/json answer"),
    ({"item": {"requestBody": {"content": {"text/csv": "a"}}}}, "no request body"),
])
def test_a_misnamed_example_stops_the_start(examples, message):
    app = create_app(settings=ServiceSettings(service_name="t", db_name="t"), title="t", routers=[router],
                     examples=examples)
    with pytest.raises(ValueError, match=message):
        with TestClient(app):
            pass
