"""Bulk outbox paths (`emit_many` and the set-based `emit_select`) against PostgreSQL and Kafka.

Both must write exactly what `emit` (make_event) writes: the same CloudEvents envelope, the same id
in the column and in the payload, rows in the order given (seq follows it, so a key's events stay
in order), and the relay publishes them as CloudEvents a consumer parses.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import ClassVar

import pytest
from kafka import KafkaConsumer
from sqlalchemy import Column, Integer, String, Table, func, insert, select

from getihu_kit import testing
from getihu_kit.produce import BatchProducer
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker, unit_of_work
from getihu_kit.events import CloudEvent, EventData, make_event, physical
from getihu_kit.outbox import Outbox, OutboxRelay, outbox_table

TOPIC = "getihu.registry.business"
SOURCE = "/getihu/kit-test"

metadata = make_metadata()
OUTBOX = outbox_table(metadata)
ITEMS = Table("bulk_items", metadata, Column("key", String(50), primary_key=True), Column("n", Integer),
              Column("label", String(50)))


class Tick(EventData):
    event_type: ClassVar[str] = "getihu.test.tick.v1"
    topic: ClassVar[str] = TOPIC
    key: str
    n: int
    label: str | None = None
    score: float | None = None


def _engine(name: str = "kit_outbox_bulk_test"):
    eng = make_engine(testing.fresh_database(name, None))
    metadata.create_all(eng)
    return eng


@pytest.fixture(scope="module")
def engine():
    eng = _engine()
    yield eng
    eng.dispose()


def _data_select(engine, keys: list[str]):
    """key, subject and the payload as a JSON object, built by the database, newest key first."""
    t = ITEMS
    return (select(t.c.key.label("key"), (t.c.key + "@s").label("subject"),
                   func.json_build_object("key", t.c.key, "n", t.c.n, "label", t.c.label).label("data"))
            .where(t.c.key.in_(keys)).order_by(t.c.n.desc()))


def _rows(engine, keys: list[str]) -> list:
    with engine.connect() as conn:
        return conn.execute(select(OUTBOX).where(OUTBOX.c.aggregateid.in_(keys)).order_by(OUTBOX.c.seq)).all()


def _shape_of_make_event(traceparent: str | None) -> dict:
    ev = make_event(Tick(key="k", n=1), source=SOURCE, subject="k", traceparent=traceparent)
    return json.loads(ev.model_dump_json())


def _assert_envelope(row, *, key: str, subject: str, data: dict, traceparent: str | None) -> None:
    payload = json.loads(row.payload)
    reference = _shape_of_make_event(traceparent)
    assert list(payload) == list(reference)  # same members, same order; absent ones left out
    assert None not in (payload[k] for k in payload if k != "data"), "no null attributes"
    assert all(type(v) is type(reference[k]) for k, v in payload.items())
    payload.setdefault("traceparent", None)
    assert payload["id"] == row.id and str(uuid.UUID(row.id)) == row.id
    assert (payload["specversion"], payload["source"], payload["type"], payload["datacontenttype"]) == \
        ("1.0", SOURCE, Tick.event_type, "application/json")
    assert (payload["subject"], payload["traceparent"], payload["data"]) == (subject, traceparent, data)
    assert (row.aggregatetype, row.aggregateid, row.type, row.traceparent) == (TOPIC, key, Tick.event_type,
                                                                              traceparent)
    assert payload["time"].endswith("Z")
    parsed = CloudEvent.model_validate(payload)  # what a consumer does
    assert abs((parsed.time - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 120
    Tick.model_validate(parsed.data)


def test_emit_many_writes_make_events_envelope_in_order(engine):
    sessions = make_sessionmaker(engine)
    keys = [f"m-{uuid.uuid4().hex[:8]}-{i}" for i in range(5)]
    ticks = [Tick(key=k, n=i, label="名特优新" if i % 2 else None, score=float("nan") if i == 3 else i / 3)
             for i, k in enumerate(keys)]  # NaN is written as null, as model_dump_json writes it
    with unit_of_work(sessions) as s:
        assert Outbox(OUTBOX, SOURCE).emit_many(s, [(t, t.key) for t in reversed(ticks)], traceparent="00-a-b-01") == 5
    rows = _rows(engine, keys)
    assert [r.aggregateid for r in rows] == list(reversed(keys))
    for r, t in zip(rows, reversed(ticks)):
        _assert_envelope(r, key=t.key, subject=t.key, data=json.loads(t.model_dump_json()), traceparent="00-a-b-01")
        # byte for byte what make_event would have serialised, apart from id and time
        made = json.loads(make_event(t, source=SOURCE, subject=t.key, traceparent="00-a-b-01").model_dump_json())
        mine = json.loads(r.payload)
        assert {k: v for k, v in mine.items() if k not in ("id", "time")} == \
            {k: v for k, v in made.items() if k not in ("id", "time")}


def test_emit_select_writes_one_event_per_row_in_the_selects_order(engine):
    sessions = make_sessionmaker(engine)
    keys = [f"s-{uuid.uuid4().hex[:8]}-{i}" for i in range(40)]
    with unit_of_work(sessions) as s:
        s.execute(insert(ITEMS), [{"key": k, "n": i, "label": "老字号" if i % 3 == 0 else None}
                                  for i, k in enumerate(keys)])
    with unit_of_work(sessions) as s:
        assert Outbox(OUTBOX, SOURCE).emit_select(s, Tick, _data_select(engine, keys)) == 40
    rows = _rows(engine, keys)
    assert [r.aggregateid for r in rows] == list(reversed(keys))  # ORDER BY n DESC
    assert len({r.id for r in rows}) == 40
    for r in rows:
        i = keys.index(r.aggregateid)
        _assert_envelope(r, key=r.aggregateid, subject=r.aggregateid + "@s", traceparent=None,
                         data={"key": r.aggregateid, "n": i, "label": "老字号" if i % 3 == 0 else None})


def test_emit_select_of_nothing_writes_nothing_and_rolls_back_with_the_transaction(engine):
    sessions = make_sessionmaker(engine)
    out = Outbox(OUTBOX, SOURCE)
    with unit_of_work(sessions) as s:
        assert out.emit_select(s, Tick, _data_select(engine, ["absent"])) == 0
    key = f"r-{uuid.uuid4().hex[:8]}"
    with unit_of_work(sessions) as s:
        s.execute(insert(ITEMS).values(key=key, n=1, label=None))
    s = sessions()
    try:
        assert out.emit_select(s, Tick, _data_select(engine, [key])) == 1
        s.rollback()
    finally:
        s.close()
    assert _rows(engine, [key]) == []


def test_relay_publishes_set_based_events_that_consumers_parse_in_key_order(kafka_bootstrap, topic_prefix):
    engine = _engine("kit_outbox_bulk_relay_test")
    sessions = make_sessionmaker(engine)
    producer = BatchProducer(kafka_bootstrap)
    try:
        keys = [f"k-{uuid.uuid4().hex[:8]}-{i}" for i in range(300)]
        with unit_of_work(sessions) as s:
            s.execute(insert(ITEMS), [{"key": k, "n": i, "label": None} for i, k in enumerate(keys)])
        out = Outbox(OUTBOX, SOURCE)
        with unit_of_work(sessions) as s:  # first version of every key by the set-based path ...
            out.emit_select(s, Tick, _data_select(engine, keys), traceparent="00-t-p-01")
        with unit_of_work(sessions) as s:  # ... then a second one by emit_many: order per key must hold
            out.emit_many(s, [(Tick(key=k, n=i, label="v2"), k) for i, k in enumerate(keys)])
        relay = OutboxRelay(engine, OUTBOX, producer, topic_prefix=topic_prefix)
        while relay.publish_batch():
            pass
        topic = physical(TOPIC, topic_prefix)
        c = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest",
                          enable_auto_commit=False, group_id=None, consumer_timeout_ms=20000)
        seen: dict[str, list[CloudEvent]] = {}
        for m in c:
            ev = CloudEvent.model_validate(json.loads(m.value))
            assert m.key.decode() == ev.data["key"]
            seen.setdefault(m.key.decode(), []).append(ev)
            if sum(map(len, seen.values())) >= 600:
                break
        c.close()
        assert set(seen) == set(keys)
        for k, events in seen.items():
            assert [e.data["label"] for e in events] == [None, "v2"]
            assert events[0].subject == k + "@s" and events[0].traceparent == "00-t-p-01"
            assert [Tick.model_validate(e.data).key for e in events] == [k, k]
    finally:
        producer.close()
        engine.dispose()
