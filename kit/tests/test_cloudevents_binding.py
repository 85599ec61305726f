"""Every event type of the catalogue, read from a real topic by the official CloudEvents SDK.

The Kafka protocol binding of the `cloudevents` package (`from_kafka`) is what an integrator uses:
it must take our messages for structured mode and find every required attribute. The types come
from the catalogue (the EventData classes of getihu_kit.schemas), so a new type is covered without
editing this test; each goes through each way the outbox writes events (one by one, in bulk, and
assembled in SQL).
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
import uuid

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from kafka import KafkaConsumer
from sqlalchemy import Column, MetaData, String, Table, cast, func, insert, literal, select
from sqlalchemy.dialects.postgresql import JSONB

from getihu_kit import schemas, testing
from getihu_kit.db import make_engine, make_sessionmaker, unit_of_work
from getihu_kit.domain import id_number, uscc
from getihu_kit.events import STRUCTURED_CONTENT_TYPE, EventData, physical
from getihu_kit.outbox import Outbox, OutboxRelay, outbox_table
from getihu_kit.produce import BatchProducer

META = MetaData()
OUTBOX = outbox_table(META)
SAMPLES = Table("samples", META, Column("key", String(50), primary_key=True), Column("data", JSONB))
SOURCE = "/getihu/test"


def catalogue() -> list[type[EventData]]:
    for m in pkgutil.iter_modules(schemas.__path__):
        importlib.import_module(f"{schemas.__name__}.{m.name}")
    out, todo = [], list(EventData.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "event_type" in cls.__dict__:
            out.append(cls)
    return sorted(out, key=lambda c: c.event_type)


def _sample(name: str, schema: dict, defs: dict):
    """A value of `schema` (pydantic's JSON schema) that validates: required fields only."""
    if "$ref" in schema:
        return _sample(name, defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    for alt in ("anyOf", "oneOf", "allOf"):
        if alt in schema:
            options = [s for s in schema[alt] if s.get("type") != "null"]
            return _sample(name, options[0], defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _sample(k, props[k], defs) for k in schema.get("required", [])}
    if kind == "array":
        return [_sample(name, schema.get("items", {}), defs)] * schema.get("minItems", 0)
    if kind == "integer":
        return max(schema.get("minimum", 2025), 2025) if "year" in name else schema.get("minimum", 1)
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    if fmt == "date":
        return "2025-06-30"
    if fmt == "date-time":
        return "2025-06-30T08:00:00Z"
    if "uscc" in name:
        return uscc.make("232701", 7)
    if "id_number" in name:
        return id_number.make("232701", dt.date(1980, 1, 1), 7)
    if "region" in name:
        return "232701"
    return "x" * max(schema.get("minLength", 1), 1)


def sample(cls: type[EventData]) -> EventData:
    schema = cls.model_json_schema()
    return cls.model_validate(_sample("", schema, schema.get("$defs", {})))


@pytest.fixture(scope="module")
def engine():
    url = testing.fresh_database("kit_cloudevents_binding_test", None)
    engine = make_engine(url)
    META.create_all(engine)
    yield engine
    engine.dispose()


def _read(bootstrap: str, topic: str, n: int) -> list:
    c = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                      enable_auto_commit=False, group_id=None, consumer_timeout_ms=20000)
    try:
        got = []
        for m in c:
            got.append(m)
            if len(got) >= n:
                break
        return got
    finally:
        c.close()


def test_the_catalogue_is_not_empty():
    types = {c.event_type for c in catalogue()}
    assert {"getihu.typing.published.v1", "getihu.typing.result.published.v1"} <= types
    assert len(types) >= 14


def test_every_catalogued_event_parses_with_the_official_sdk(engine, kafka_bootstrap, topic_prefix):
    types = catalogue()
    sessions = make_sessionmaker(engine)
    out = Outbox(OUTBOX, SOURCE)
    made: dict[str, tuple[type[EventData], str, dict]] = {}  # key → (type, path, data)
    with unit_of_work(sessions) as s:
        for i, cls in enumerate(types):
            payload = sample(cls)
            data = payload.model_dump(mode="json")
            one, bulk, in_sql = (f"{kind}-{i}-{uuid.uuid4().hex[:6]}" for kind in ("one", "bulk", "sql"))
            out.emit(s, payload, key=one, traceparent=f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01")
            out.emit_many(s, [(payload, bulk)])
            s.execute(insert(SAMPLES).values(key=in_sql, data=cast(literal(json.dumps(data)), JSONB)))
            out.emit_select(s, cls, select(SAMPLES.c.key, SAMPLES.c.key.label("subject"),
                                           func.to_json(SAMPLES.c.data).label("data"))
                            .where(SAMPLES.c.key == in_sql))
            made |= {one: (cls, "emit", data), bulk: (cls, "emit_many", data), in_sql: (cls, "emit_select", data)}
    producer = BatchProducer(kafka_bootstrap)
    try:
        relay = OutboxRelay(engine, OUTBOX, producer, topic_prefix=topic_prefix)
        while relay.publish_batch():
            pass
    finally:
        producer.close()

    per_topic: dict[str, int] = {}
    for cls in types:
        per_topic[cls.topic] = per_topic.get(cls.topic, 0) + 3
    seen = set()
    for topic, n in per_topic.items():
        for m in _read(kafka_bootstrap, physical(topic, topic_prefix), n):
            message = ce_kafka.KafkaMessage(headers={k: v for k, v in m.headers}, key=m.key, value=m.value)
            assert message.headers["content-type"] == STRUCTURED_CONTENT_TYPE.encode()
            event = ce_kafka.from_kafka(message, JSONFormat())  # raises on anything the binding refuses
            key = m.key.decode()
            cls, path, data = made[key]
            attrs = event.get_attributes()
            assert (attrs["type"], attrs["source"], attrs["specversion"], attrs["subject"]) == \
                (cls.event_type, SOURCE, "1.0", key), path
            assert attrs["time"].tzinfo is not None, path
            assert event.get_data() == data, (cls.event_type, path)
            if path == "emit":
                assert attrs["traceparent"].startswith("00-"), "the tracing extension travels in the event"
            seen.add((cls.event_type, path))
    assert seen == {(c.event_type, p) for c in types for p in ("emit", "emit_many", "emit_select")}
