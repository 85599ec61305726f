"""Idempotency-Key on real PostgreSQL: a retry replays the first answer and acts once; the key is the
caller's; a key in flight is refused at once; a crash leaves neither effect nor answer; uploads too."""
from __future__ import annotations

import hashlib
import threading
import time

import pytest
from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Column, Integer, String, Table, func, insert, select, update
from starlette.concurrency import run_in_threadpool

from getihu_kit import auth, idempotency, testing
from getihu_kit.db import make_engine, make_metadata
from getihu_kit.errors import Conflict
from getihu_kit.settings import ServiceSettings
from getihu_kit.uploads import spooled_body
from getihu_kit.web import PrincipalDep, SessionDep, create_app

metadata = make_metadata()
keys = idempotency.idempotency_table(metadata)
effects = Table("effects", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("label", String(200), nullable=False), Column("by", String(200), nullable=False))

router = APIRouter()
STARTED, GATE = threading.Event(), threading.Event()  # the blocking handler says it began; the test lets it end
CRASH_ONCE: set[str] = set()  # labels whose first attempt fails after its effect


class EffectIn(BaseModel):
    label: str
    wait: bool = False


def act(session, label: str, by: str) -> int:
    return session.execute(insert(effects).values(label=label, by=by).returning(effects.c.id)).scalar_one()


@router.post("/effects", status_code=201)
def make_effect(body: EffectIn, session: SessionDep, p: PrincipalDep):
    effect_id = act(session, body.label, p.sub)
    session.flush()
    if body.wait:
        STARTED.set()
        assert GATE.wait(30), "the test never released the handler"
    if body.label in CRASH_ONCE:
        CRASH_ONCE.discard(body.label)
        raise RuntimeError("the process dies after the effect, before the answer")
    if body.label.startswith("refuse"):
        raise Conflict("已存在同名记录", code="effect_exists")
    return {"id": effect_id, "label": body.label, "by": p.sub}


def _store_upload(session, blocks, by: str) -> dict:
    h, size = hashlib.sha256(), 0
    for b in blocks:
        h.update(b)
        size += len(b)
    return {"id": act(session, f"upload:{h.hexdigest()}", by), "size": size, "sha256": h.hexdigest()}


@router.post("/uploads", status_code=202)
async def upload(request: Request, session: SessionDep, p: PrincipalDep):
    async with spooled_body(request) as body:
        return await run_in_threadpool(_store_upload, session, body, p.sub)


@router.post("/forms", status_code=201)
def form(session: SessionDep, p: PrincipalDep, file: UploadFile, note: str = Form()):
    data = file.file.read()
    return {"id": act(session, f"form:{note}:{hashlib.sha256(data).hexdigest()}", p.sub), "size": len(data)}


@router.get("/effects")
def list_effects():
    return []


@pytest.fixture(scope="module")
def settings():
    url = testing.fresh_database("test_kit_idempotency", None)
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    return ServiceSettings(service_name="idem", database_url=url, jwt_issuer="test-issuer", jwt_audience="getihu")


@pytest.fixture(scope="module")
def app(settings):
    app = create_app(settings=settings, title="idem", routers=[router])
    idempotency.install(app, keys)
    return app


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def db(settings):
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


def token(settings, sub: str = "clerk", ttl_s: int = 3600, issuer: str | None = None) -> dict[str, str]:
    t = auth.issue_dev_token(sub=sub, roles=["county_staff"], secret=settings.jwt_secret,
                             issuer=issuer or settings.jwt_issuer, audience=settings.jwt_audience, ttl_s=ttl_s)
    return {"Authorization": f"Bearer {t}"}


def count(db, label_like: str) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(effects).where(effects.c.label.like(label_like))).scalar()


def stored(db, key: str) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(keys).where(keys.c.key == key)).scalar()


DAY_AND_AN_HOUR_AGO = func.now() - func.make_interval(0, 0, 0, 0, 25)  # years, months, weeks, days, hours


def new_key() -> str:
    return f"k-{time.monotonic_ns()}"


def test_a_retry_replays_the_first_answer_and_acts_once(client, settings, db):
    h = {**token(settings), "Idempotency-Key": new_key()}
    first = client.post("/effects", json={"label": "replay"}, headers=h)
    again = client.post("/effects", json={"label": "replay"}, headers=h)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["x-request-id"]  # answered inside kit.web's request context
    assert count(db, "replay") == 1


def test_the_same_key_with_another_body_is_refused(client, settings):
    h = {**token(settings), "Idempotency-Key": new_key()}
    assert client.post("/effects", json={"label": "one"}, headers=h).status_code == 201
    r = client.post("/effects", json={"label": "two"}, headers=h)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "idempotency_key_reused" and "Idempotency-Key" in r.json()["detail"]


def test_a_fresh_token_of_the_same_caller_replays(client, settings, db):
    key = new_key()
    first = client.post("/effects", json={"label": "fresh-token"},
                        headers={**token(settings, ttl_s=3600), "Idempotency-Key": key})
    again = client.post("/effects", json={"label": "fresh-token"},
                        headers={**token(settings, ttl_s=7200), "Idempotency-Key": key})
    assert again.headers.get("idempotent-replayed") == "true" and again.json() == first.json()
    assert count(db, "fresh-token") == 1


def test_another_caller_with_the_same_key_is_independent(client, settings, db):
    key = new_key()
    a = client.post("/effects", json={"label": "two-callers"}, headers={**token(settings, "a"), "Idempotency-Key": key})
    b = client.post("/effects", json={"label": "two-callers"}, headers={**token(settings, "b"), "Idempotency-Key": key})
    assert a.status_code == b.status_code == 201 and "idempotent-replayed" not in b.headers
    assert (a.json()["by"], b.json()["by"]) == ("a", "b") and a.json()["id"] != b.json()["id"]
    # the same subject from another issuer is another caller too
    c = client.post("/effects", json={"label": "two-callers"},
                    headers={**token(settings, "a", issuer="other-issuer"), "Idempotency-Key": key})
    assert c.status_code == 401  # …which this app does not trust: refused before any key is looked at
    assert count(db, "two-callers") == 2


def test_anonymous_callers_replay_only_the_identical_request(client, db):
    h = {"Idempotency-Key": new_key()}
    first = client.post("/effects", json={"label": "anonymous"}, headers=h)
    assert first.status_code == 201 and first.json()["by"] == "anonymous"
    assert client.post("/effects", json={"label": "anonymous"}, headers=h).json() == first.json()
    assert client.post("/effects", json={"label": "anonymous-2"}, headers=h).status_code == 422
    assert count(db, "anonymous") == 1


def test_concurrent_requests_with_one_key_act_once_and_the_others_are_refused_at_once(client, settings, db):
    STARTED.clear()
    GATE.clear()
    h = {**token(settings), "Idempotency-Key": new_key()}
    body = {"label": "concurrent", "wait": True}
    answers: dict[str, object] = {}

    def call(name: str) -> None:
        t0 = time.monotonic()
        r = client.post("/effects", json=body, headers=h)
        answers[name] = (r, time.monotonic() - t0)

    first = threading.Thread(target=call, args=("first",))
    first.start()
    try:
        assert STARTED.wait(10), "the first request never reached its handler"
        others = [threading.Thread(target=call, args=(n,)) for n in ("second", "third")]
        for t in others:
            t.start()
        for t in others:
            t.join(10)
        # refused while the first is still held inside its handler: they never waited for it
        assert first.is_alive() and not GATE.is_set()
        for name in ("second", "third"):
            r, took = answers[name]
            assert r.status_code == 409 and r.json()["code"] == "idempotency_key_in_flight", r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert took < 2.0, f"{name} took {took:.2f}s"
    finally:
        GATE.set()
        first.join(30)
    r, _ = answers["first"]
    assert r.status_code == 201
    replay = client.post("/effects", json=body, headers=h)
    assert replay.headers.get("idempotent-replayed") == "true" and replay.json() == r.json()
    assert count(db, "concurrent") == 1


def test_a_crash_after_the_effect_leaves_neither_and_the_retry_acts_once(client, settings, db):
    key, label = new_key(), f"crash-{time.monotonic_ns()}"
    CRASH_ONCE.add(label)
    h = {**token(settings), "Idempotency-Key": key}
    crashed = client.post("/effects", json={"label": label}, headers=h)
    assert crashed.status_code == 500 and crashed.json()["code"] == "internal_error"
    assert count(db, label) == 0 and stored(db, key) == 0
    retry = client.post("/effects", json={"label": label}, headers=h)
    assert retry.status_code == 201 and "idempotent-replayed" not in retry.headers
    assert client.post("/effects", json={"label": label}, headers=h).headers.get("idempotent-replayed") == "true"
    assert count(db, label) == 1 and stored(db, key) == 1


def test_a_refusal_is_stored_without_the_handlers_partial_effect(client, settings, db):
    label, h = f"refuse-{time.monotonic_ns()}", {**token(settings), "Idempotency-Key": new_key()}
    first = client.post("/effects", json={"label": label}, headers=h)
    assert first.status_code == 409 and first.json()["code"] == "effect_exists"
    again = client.post("/effects", json={"label": label}, headers=h)
    assert again.status_code == 409 and again.headers.get("idempotent-replayed") == "true"
    assert again.headers["content-type"].startswith("application/problem+json")
    assert count(db, label) == 0  # the handler's insert was rolled back to its savepoint


def test_a_raw_upload_replays_and_a_different_file_is_refused(client, settings, db):
    csv = b"uscc,name\n" + b"".join(b"92232701MA%08dX,shop %d\n" % (i, i) for i in range(220_000))
    assert len(csv) > 4 << 20  # past the in-memory part of the spool: the middleware's spool is on disk
    h = {**token(settings), "Idempotency-Key": new_key(), "Content-Type": "text/csv"}
    first = client.post("/uploads", content=csv, headers=h)
    assert first.status_code == 202
    assert first.json()["size"] == len(csv) and first.json()["sha256"] == hashlib.sha256(csv).hexdigest()
    again = client.post("/uploads", content=csv, headers=h)
    assert again.headers.get("idempotent-replayed") == "true" and again.json() == first.json()
    assert client.post("/uploads", content=csv + b"x,y\n", headers=h).status_code == 422
    # the same bytes under another media type are another request
    other = {**h, "Content-Type": "application/octet-stream"}
    assert client.post("/uploads", content=csv, headers=other).status_code == 422
    assert count(db, f"upload:{hashlib.sha256(csv).hexdigest()}") == 1


def test_a_multipart_upload_replays_under_a_fresh_boundary(client, settings, db):
    data = b"evidence " * 1000
    h = {**token(settings), "Idempotency-Key": new_key()}

    def send(content: bytes, note: str = "scan"):
        req = client.build_request("POST", "/forms", files={"file": ("scan.pdf", content, "application/pdf")},
                                   data={"note": note}, headers=h)
        return req.headers["content-type"], client.send(req)

    ctype1, first = send(data)
    ctype2, again = send(data)
    assert ctype1 != ctype2  # the client built a new boundary for the retry
    assert first.status_code == 201 and first.json()["size"] == len(data)
    assert again.headers.get("idempotent-replayed") == "true" and again.json() == first.json()
    assert send(data + b"!")[1].status_code == 422
    assert send(data, note="other")[1].status_code == 422
    assert count(db, f"form:scan:{hashlib.sha256(data).hexdigest()}") == 1


def test_an_expired_key_is_forgotten_and_swept(client, settings, db):
    key = new_key()
    h = {**token(settings), "Idempotency-Key": key}
    first = client.post("/effects", json={"label": "expiring"}, headers=h)
    with db.begin() as conn:
        conn.execute(update(keys).where(keys.c.key == key).values(created_at=DAY_AND_AN_HOUR_AGO))
    again = client.post("/effects", json={"label": "expiring"}, headers=h)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"] and count(db, "expiring") == 2
    assert stored(db, key) == 1  # the old answer made way for the new one
    with db.begin() as conn:
        conn.execute(update(keys).where(keys.c.key == key).values(created_at=DAY_AND_AN_HOUR_AGO))
    idempotency.sweep_expired(db, keys, settings.idempotency_ttl_s)
    assert stored(db, key) == 0


@pytest.mark.parametrize("headers,status,code", [
    ({"Idempotency-Key": "x" * 201}, 422, "invalid_input"),
    ({"Idempotency-Key": ""}, 422, "invalid_input"),
    ({"Idempotency-Key": "k", "Authorization": "Bearer nonsense"}, 401, "token_invalid"),
])
def test_a_bad_key_or_token_is_refused_before_anything_happens(client, db, headers, status, code):
    before = count(db, "bad-%")
    r = client.post("/effects", json={"label": "bad-key"}, headers=headers)
    assert r.status_code == status and r.json()["code"] == code
    assert r.headers["content-type"].startswith("application/problem+json")
    assert count(db, "bad-%") == before


def test_the_openapi_documents_the_header_on_every_post(client):
    doc = client.get("/openapi.json").json()
    param = doc["components"]["parameters"]["Idempotency-Key"]
    assert param["in"] == "header" and param["required"] is False and param["schema"]["maxLength"] == 200
    assert "幂等" in param["description"] and "Idempotency key" in param["description"]
    problem = {"$ref": "#/components/schemas/Problem"}
    posts = [(path, ops["post"]) for path, ops in doc["paths"].items() if "post" in ops]
    assert {p for p, _ in posts} == {"/effects", "/uploads", "/forms"}
    for _, op in posts:
        assert {"$ref": "#/components/parameters/Idempotency-Key"} in op["parameters"]
        for status, code in (("409", "idempotency_key_in_flight"), ("422", "idempotency_key_reused")):
            assert code in op["responses"][status]["description"]
            assert op["responses"][status]["content"]["application/problem+json"]["schema"] == problem
    get = doc["paths"]["/effects"]["get"]
    assert not any("Idempotency-Key" in str(p) for p in get.get("parameters", []))
