"""Every log line of a request (the access line included) and of an event handler carries the
request id and the trace id; the trace goes on from the request into the event the service emits,
through Kafka, into the consumer's handler and into the event that handler emits."""
from __future__ import annotations

import io
import json
import logging
import threading
import uuid
from typing import ClassVar

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import select

from getihu_kit import logs, testing
from getihu_kit.consumer import ConsumerRunner, Subscription, inbox_table
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker
from getihu_kit.events import CloudEvent, EventData
from getihu_kit.outbox import Outbox, OutboxRelay, outbox_table
from getihu_kit.produce import BatchProducer
from getihu_kit.settings import ServiceSettings
from getihu_kit.web import SessionDep, create_app

metadata = make_metadata()
OUTBOX = outbox_table(metadata)
INBOX = inbox_table(metadata)
TOPIC = "getihu.registry.business"
handler_log = logging.getLogger("test.handler")


class Asked(EventData):
    event_type: ClassVar[str] = "getihu.test.asked.v1"
    topic: ClassVar[str] = TOPIC
    key: str


class Answered(EventData):
    event_type: ClassVar[str] = "getihu.test.answered.v1"
    topic: ClassVar[str] = TOPIC
    key: str


outbox = Outbox(OUTBOX, "/getihu/log-test")
router = APIRouter()


@router.post("/ask/{key}")
def ask(key: str, session: SessionDep):
    logging.getLogger("test.route").info("asking %s", key)
    outbox.emit(session, Asked(key=key), key=key)
    return {"ok": True}


def answer(session, event: CloudEvent) -> None:
    handler_log.info("answering %s", event.subject)
    outbox.emit(session, Answered(key=event.subject), key=event.subject)


@pytest.fixture(scope="module")
def database_url():
    url = testing.fresh_database("kit_log_context_test", None)
    eng = make_engine(url)
    metadata.create_all(eng)
    eng.dispose()
    return url


@pytest.fixture()
def captured():
    """The JSON lines every logger writes, as kit.logs formats them."""
    buf = io.StringIO()
    h = logging.StreamHandler(buf)
    h.setFormatter(logs.JsonFormatter("t"))
    root = logging.getLogger()
    root.addHandler(h)
    yield lambda: [json.loads(line) for line in buf.getvalue().splitlines()]
    root.removeHandler(h)


@pytest.fixture()
def client(database_url):
    s = ServiceSettings(service_name="t", db_name="t", database_url=database_url, dev_auth=True)
    with TestClient(create_app(settings=s, title="t", routers=[router])) as c:
        yield c


def test_a_requests_lines_and_its_access_line_carry_the_request_and_trace_ids(client, captured):
    trace = uuid.uuid4().hex
    sent = f"00-{trace}-{'b' * 16}-01"
    r = client.post(f"/ask/k{uuid.uuid4().hex[:8]}", headers={"X-Request-ID": "rid-logs-1", "traceparent": sent})
    assert r.status_code == 200
    lines = [ln for ln in captured() if ln.get("request_id") == "rid-logs-1"]
    route = [ln for ln in lines if ln["logger"] == "test.route"]
    access = [ln for ln in lines if ln["logger"] == "t.access"]
    assert route and access, captured()
    assert access[0]["status"] == 200 and access[0]["path"].startswith("/ask/")
    for ln in route + access:
        assert ln["trace_id"] == trace
    # this hop's own span of the caller's trace, answered to the caller
    assert r.headers["traceparent"].split("-")[1] == trace and r.headers["traceparent"] != sent
    assert access[0]["span_id"] == r.headers["traceparent"].split("-")[2]


def test_without_headers_the_ids_are_made_and_still_on_every_line(client, captured):
    r = client.post(f"/ask/k{uuid.uuid4().hex[:8]}")
    rid, trace = r.headers["x-request-id"], r.headers["traceparent"].split("-")[1]
    access = [ln for ln in captured() if ln["logger"] == "t.access"]
    assert access and access[-1]["request_id"] == rid and access[-1]["trace_id"] == trace


@pytest.mark.parametrize("value", ["", "garbage", "00-" + "0" * 32 + "-" + "b" * 16 + "-01",
                                   "00-" + "A" * 32 + "-" + "b" * 16 + "-01", "ff-" + "a" * 32 + "-" + "b" * 16 + "-01"])
def test_an_invalid_traceparent_starts_a_new_trace(value):
    assert logs.parse_traceparent(value) is None
    child = logs.child_traceparent(value)
    assert logs.parse_traceparent(child) is not None


def test_the_trace_runs_request_outbox_kafka_handler_and_the_event_it_emits(client, captured, database_url,
                                                                             kafka_bootstrap, topic_prefix):
    key = f"k{uuid.uuid4().hex[:10]}"
    trace = uuid.uuid4().hex
    r = client.post(f"/ask/{key}", headers={"X-Request-ID": "rid-chain", "traceparent": f"00-{trace}-{'c' * 16}-01"})
    assert r.status_code == 200
    service_span = r.headers["traceparent"]

    engine = make_engine(database_url)
    producer = BatchProducer(kafka_bootstrap)
    relay = OutboxRelay(engine, OUTBOX, producer, topic_prefix=topic_prefix)
    runner = ConsumerRunner(Subscription(name="log-test", topics=[TOPIC], handlers={Asked.event_type: answer}),
                            sessions=make_sessionmaker(engine), inbox=INBOX, bootstrap=kafka_bootstrap,
                            topic_prefix=topic_prefix)
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    try:
        with engine.connect() as conn:  # the row the request wrote carries the service's span
            row = conn.execute(select(OUTBOX.c.traceparent, OUTBOX.c.payload).where(OUTBOX.c.aggregateid == key)).one()
        assert row.traceparent == service_span
        assert json.loads(row.payload)["requestid"] == "rid-chain"
        assert relay.publish_batch() >= 1
        thread.start()

        def answered():
            with engine.connect() as conn:
                return conn.execute(select(OUTBOX.c.traceparent, OUTBOX.c.payload)
                                    .where(OUTBOX.c.aggregateid == key, OUTBOX.c.type == Answered.event_type)
                                    ).one_or_none()
        emitted = testing.wait_until(answered, timeout=30, message="the handler's event")
    finally:
        stop.set()
        if thread.is_alive():
            thread.join(10)
        producer.close()
        engine.dispose()
    handler_span = emitted.traceparent
    assert handler_span.split("-")[1] == trace and handler_span != service_span  # a new span, same trace
    assert json.loads(emitted.payload)["requestid"] == "rid-chain"
    lines = [ln for ln in captured() if ln["logger"] == "test.handler" and ln["msg"].endswith(key)]
    assert lines and lines[0]["request_id"] == "rid-chain" and lines[0]["trace_id"] == trace
    assert lines[0]["span_id"] == handler_span.split("-")[2]
