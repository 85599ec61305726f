"""二(四)3's base behind the data barrier, on the real broker and PostgreSQL: a recognition (and the quota) counts the
5 % only once cultivation's projection has applied everything typing had committed — also what is still in typing's
outbox — and answers 503 data_not_ready (Retry-After, in Chinese) rather than count a stale base."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from fastapi.testclient import TestClient

from getihu_kit import testing
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker, unit_of_work
from getihu_kit.outbox import Outbox, OutboxRelay, outbox_table
from getihu_kit.produce import BatchProducer
from getihu_kit.schemas.typing import TypeCounts, TypingPublished
from getihu_kit.worker import Worker
from cultivation_svc.main import create_app
from cultivation_svc.settings import Settings
from cultivation_svc.worker import spec

API = "/api/v1/cultivation"
AFTER_NOTICE = dt.date(2026, 9, 25)
REGION = "232721"  # 20 成长型 + 19 发展型 published first: one place
typing_md = make_metadata()
TYPING_OUTBOX = outbox_table(typing_md)


@pytest.fixture(scope="module")
def typing_side(kafka_bootstrap, topic_prefix):
    """typing's outbox (its own database) and its /internal/outbox, answered as kit.web answers it."""
    engine = make_engine(testing.fresh_database("test_cultivation_barrier_typing", None))
    typing_md.create_all(engine)
    relay = OutboxRelay(engine, TYPING_OUTBOX, BatchProducer(kafka_bootstrap), topic_prefix=topic_prefix)
    with testing.outbox_source(engine) as url:
        yield engine, url, relay
    engine.dispose()


@pytest.fixture(scope="module")
def running(world_on, typing_side, kafka_bootstrap, topic_prefix):
    w = world_on("test_cultivation_quota_barrier")
    w.publish_typing(counts={REGION: (20, 19)})
    worker = Worker(spec(Settings(database_url=w.url, topic_prefix=topic_prefix, kafka_bootstrap=kafka_bootstrap)))
    worker.start()
    yield w
    worker.shutdown()


def client(w, typing_url: str, kafka_bootstrap: str, topic_prefix: str, timeout_s: float) -> TestClient:
    return TestClient(create_app(Settings(database_url=w.url, topic_prefix=topic_prefix, kafka_bootstrap=kafka_bootstrap,
                                          typing_url=typing_url, barrier_timeout_s=timeout_s, today=AFTER_NOTICE)))


def typing_publishes(engine, growth: int, development: int, published_at: dt.datetime) -> None:
    """typing commits a publication of REGION's counts: in its outbox, not yet on the topic."""
    p = TypingPublished(run_id="ty_run_2026b", year=2026, reference_date=dt.date(2026, 6, 30), ruleset="typing-2024",
                        counts=TypeCounts(), published_at=published_at,
                        counts_by_region={REGION: TypeCounts(growth=growth, development=development)})
    with unit_of_work(make_sessionmaker(engine)) as s:
        Outbox(TYPING_OUTBOX, source="/typing").emit(s, p, key="typing:2026")


def at_notice(w) -> str:
    u = w.business(REGION)
    app_id = w.apply(u, REGION)
    w.to_notice(app_id, REGION)
    return app_id


def relay_all(relay) -> None:
    while relay.publish_batch():
        pass


def test_a_recognition_waits_for_a_publication_typing_committed_and_counts_it(
        running, typing_side, kafka_bootstrap, topic_prefix):
    w = running
    engine, url, relay = typing_side
    w.recognise(at_notice(w), REGION)  # the one place of 20 + 19
    second = at_notice(w)
    # typing re-publishes 40 + 40 (four places): committed, still in its outbox when the clerk recognises
    typing_publishes(engine, 40, 40, dt.datetime(2026, 9, 20, 9, tzinfo=dt.timezone.utc))
    answer: dict = {}
    with client(w, url, kafka_bootstrap, topic_prefix, 60) as c:
        t = threading.Thread(target=lambda: answer.update(
            r=c.post(f"{API}/applications/{second}/recognise", json={}, headers=w.county(REGION))))
        t.start()
        time.sleep(1.5)
        assert t.is_alive() and not answer  # waiting for typing's outbox, not counting the stale base (full)
        relay_all(relay)  # typing's relay comes back; cultivation's worker applies the publication
        t.join(60)
        assert not t.is_alive()
        r = answer["r"]
        assert r.status_code == 201, r.text  # counted on 40 + 40, not refused on the stale 20 + 19
        waited = r.json()["data_barrier"]
        assert waited["sources"] == [{"service": "typing", "outbox_through": waited["sources"][0]["outbox_through"]}]
        assert waited["sources"][0]["outbox_through"] >= 1 and waited["waited_s"] > 0
        assert {x["topic"] for x in waited["topics"]} == {"getihu.typing.runs", "getihu.typing.results"}
        q = c.get(f"{API}/quota", params={"region_code": REGION, "year": 2026}, headers=w.county(REGION))
        assert q.status_code == 200, q.text
        assert (q.json()["base_count"], q.json()["limit"], q.json()["in_force"]) == (80, 4, 2)
        assert q.json()["data_barrier"]["sources"][0]["service"] == "typing"
        got = c.get(f"{API}/recognitions/{r.json()['id']}", headers=w.county(REGION)).json()
        assert got["data_barrier"] == waited  # the recognition keeps what it waited for


def test_when_the_base_cannot_be_shown_in_time_the_recognition_answers_503_in_words(
        running, typing_side, kafka_bootstrap, topic_prefix):
    w = running
    engine, url, relay = typing_side
    app_id = at_notice(w)
    typing_publishes(engine, 50, 50, dt.datetime(2026, 9, 21, 9, tzinfo=dt.timezone.utc))  # not relayed
    try:
        with client(w, url, kafka_bootstrap, topic_prefix, 1) as c:
            for method, path, kw in (("POST", f"{API}/applications/{app_id}/recognise", {"json": {}}),
                                     ("GET", f"{API}/quota", {"params": {"region_code": REGION, "year": 2026}})):
                r = c.request(method, path, headers=w.county(REGION), **kw)
                assert r.status_code == 503, r.text
                assert r.json()["code"] == "data_not_ready" and "typing" in r.json()["detail"]
                assert "重新发起" in r.json()["detail"] and r.headers["Retry-After"].isdigit()
            got = c.get(f"{API}/applications/{app_id}", headers=w.county(REGION)).json()
            assert got["status"] == "public_notice"  # nothing was decided on the stale base
    finally:
        relay_all(relay)
