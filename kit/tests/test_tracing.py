"""One trace from the gateway to the event a consumer emits, with the OpenTelemetry SDK on (an
in-memory exporter in place of OTLP): the gateway's span, the service's request span under it, the
outbox relay's batch span linked to the event, the consumer's handler span under the service's, and
the event the handler emits carrying the handler's span. The gateway forwards to the service over
real HTTP (uvicorn on a free port); the relay and the consumer use the real broker."""
from __future__ import annotations

import socket
import threading
import time
import uuid
from typing import ClassVar

import pytest
import uvicorn
from fastapi import APIRouter
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from getihu_kit import auth, testing, tracing
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


class Asked(EventData):
    event_type: ClassVar[str] = "getihu.test.trace-asked.v1"
    topic: ClassVar[str] = TOPIC


class Answered(EventData):
    event_type: ClassVar[str] = "getihu.test.trace-answered.v1"
    topic: ClassVar[str] = TOPIC


outbox = Outbox(OUTBOX, "/getihu/trace-test")
router = APIRouter()


@router.post("/api/v1/businesses/{key}/trace")  # a registry path, so the gateway routes it there
def ask(key: str, session: SessionDep):
    outbox.emit(session, Asked(), key=key)
    return {"ok": True}


def answer(session, event: CloudEvent) -> None:
    outbox.emit(session, Answered(), key=event.subject)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def spans():
    exporter = InMemorySpanExporter()
    tracing.use_provider("trace-test", SimpleSpanProcessor(exporter))
    yield exporter
    tracing.reset()


@pytest.fixture(scope="module")
def stack(spans):
    url = testing.fresh_database("kit_tracing_test", None)
    engine = make_engine(url)
    metadata.create_all(engine)
    settings = ServiceSettings(service_name="registry", db_name="x", database_url=url, dev_auth=True)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings=settings, title="t", routers=[router]),
                                           host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the service did not start"
        time.sleep(0.05)
    from gateway_svc.main import create_app as gateway_app
    from gateway_svc.settings import Settings
    gw = gateway_app(Settings(registry_url=f"http://127.0.0.1:{port}", dev_auth=True))
    try:
        with TestClient(gw) as client:
            yield client, engine
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()


def test_one_trace_from_the_gateway_to_the_event_a_consumer_emits(stack, spans, kafka_bootstrap, topic_prefix):
    client, engine = stack
    key = f"k{uuid.uuid4().hex[:10]}"
    trace_id, caller_span = uuid.uuid4().hex, "c" * 16
    token = auth.issue_dev_token(sub="t", roles=["admin"], secret=ServiceSettings().jwt_secret,
                                 issuer="getihu-dev", audience="getihu")
    r = client.post(f"/api/v1/businesses/{key}/trace", headers={
        "traceparent": f"00-{trace_id}-{caller_span}-01", "Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text

    producer = BatchProducer(kafka_bootstrap)
    relay = OutboxRelay(engine, OUTBOX, producer, topic_prefix=topic_prefix)
    runner = ConsumerRunner(Subscription(name="trace-test", topics=[TOPIC], handlers={Asked.event_type: answer}),
                            sessions=make_sessionmaker(engine), inbox=INBOX, bootstrap=kafka_bootstrap,
                            topic_prefix=topic_prefix)
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    try:
        assert relay.publish_batch() >= 1
        thread.start()

        def answered():
            with engine.connect() as conn:
                return conn.execute(select(OUTBOX.c.traceparent).where(
                    OUTBOX.c.aggregateid == key, OUTBOX.c.type == Answered.event_type)).scalar()
        emitted = testing.wait_until(answered, timeout=30, message="the handler's event")
    finally:
        stop.set()
        thread.join(10)
        producer.close()

    ours = [s for s in spans.get_finished_spans() if s.context.trace_id == int(trace_id, 16)]
    by_kind = {}
    for s in ours:
        by_kind.setdefault(s.kind, []).append(s)
    gateway_span, service_span = sorted(by_kind[SpanKind.SERVER], key=lambda s: s.start_time)
    assert gateway_span.name.startswith("gateway ") and gateway_span.parent.span_id == int(caller_span, 16)
    assert service_span.name.startswith("registry ") and service_span.parent.span_id == gateway_span.context.span_id
    handler = next(s for s in by_kind[SpanKind.CONSUMER] if s.name == f"handle {Asked.event_type}")
    assert handler.parent.span_id == service_span.context.span_id
    assert emitted == f"00-{trace_id}-{handler.context.span_id:016x}-01"
    relay_spans = [s for s in spans.get_finished_spans() if s.name == "outbox publish"]
    assert any(link.context.span_id == service_span.context.span_id for s in relay_spans for link in s.links)
    assert r.headers["traceparent"] == f"00-{trace_id}-{gateway_span.context.span_id:016x}-01"
