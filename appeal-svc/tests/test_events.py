"""Against real Kafka: projections fed from the typing and cultivation topics by the worker, and the
objection's events published by the outbox relay for typing-, cultivation- and notify-svc."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer

from getihu_kit import clock, testing
from getihu_kit.bus import make_producer
from getihu_kit.events import APPEAL, make_event, physical
from getihu_kit.schemas.cultivation import ApplicationChanged
from getihu_kit.schemas.typing import TypingResultPublished
from getihu_kit.worker import Worker
from appeal_svc.consumers import subscriptions
from appeal_svc.main import create_app
from appeal_svc.models import inbox, outbox
from appeal_svc.settings import MIGRATIONS, Settings
from appeal_svc.worker import spec
from appeal_fixtures import Api, new_uscc


@pytest.fixture(scope="module")
def running(topic_prefix, kafka_bootstrap):
    url = testing.fresh_database("test_appeal_kafka", MIGRATIONS)
    settings = Settings(database_url=url, topic_prefix=topic_prefix, kafka_bootstrap=kafka_bootstrap)
    s = spec(settings)
    s.subscriptions = subscriptions(name=f"appeal-projections-{uuid.uuid4().hex[:6]}")
    worker = Worker(s)
    worker.start()
    try:
        with TestClient(create_app(settings)) as client:
            yield Api(client, settings), worker
    finally:
        worker.shutdown()


def publish(bootstrap: str, prefix: str, payload, key: str) -> None:
    producer = make_producer(bootstrap)
    event = make_event(payload, source="/test", subject=key)
    producer.send(physical(payload.topic, prefix), key=key.encode(), value=event.model_dump_json().encode()).get(30)
    producer.close()


def appeal_events(bootstrap: str, prefix: str, appeal_id: str, count: int) -> list[dict]:
    consumer = KafkaConsumer(physical(APPEAL, prefix), bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=f"probe-{uuid.uuid4().hex[:8]}")
    found: list[dict] = []
    try:
        def poll():
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    e = json.loads(r.value)
                    if e["data"].get("appeal_id") == appeal_id:
                        found.append(e)
            return len(found) >= count
        testing.wait_until(poll, timeout=30, message=f"{count} events of {appeal_id} on the appeal topic")
    finally:
        consumer.close()
    return found


def test_published_result_from_kafka_opens_an_objection_whose_events_reach_kafka(running, kafka_bootstrap,
                                                                                  topic_prefix):
    api, worker = running
    uscc = new_uscc()
    now = clock.now()
    publish(kafka_bootstrap, topic_prefix, TypingResultPublished(
        uscc=uscc, year=2025, type="survival", region_code="232701", ruleset="2024.1", run_id="run-k",
        published_at=now), uscc)
    testing.wait_until(lambda: api.file(uscc).status_code == 201, timeout=30,
                       message="the published result projected from Kafka")
    [a] = api.get("/api/v1/appeals/mine", headers=api.operator(uscc)).json()["items"]
    county = api.county()
    assert api.post(f"/api/v1/appeals/{a['id']}/review", headers=county).status_code == 200
    assert api.post(f"/api/v1/appeals/{a['id']}/decision", headers=county, json={
        "decision": "upheld", "reason": "核实后应为成长型", "corrected_type": "growth"}).status_code == 200

    filed, decided = sorted(appeal_events(kafka_bootstrap, topic_prefix, a["id"], 2), key=lambda e: e["time"])
    assert filed["type"] == "getihu.appeal.filed.v1" and filed["subject"] == uscc
    assert decided["type"] == "getihu.appeal.decided.v1"
    assert {k: decided["data"][k] for k in ("target_kind", "uscc", "year", "decision", "corrected_type", "reason",
                                            "appellant", "ruleset")} == {
        "target_kind": "typing_result", "uscc": uscc, "year": 2025, "decision": "upheld",
        "corrected_type": "growth", "reason": "核实后应为成长型", "appellant": a["appellant"], "ruleset": "2024.1"}


def test_notice_opened_and_closed_by_cultivation_events(running, kafka_bootstrap, topic_prefix):
    api, worker = running
    uscc, app_id = new_uscc(), f"app-{uuid.uuid4().hex[:8]}"
    now = clock.now()
    change = dict(application_id=app_id, uscc=uscc, region_code="232701", year=2025, category="distinctive",
                  source="self")
    publish(kafka_bootstrap, topic_prefix, ApplicationChanged(
        **change, status="public_notice", notice_ends_on=clock.today() + dt.timedelta(days=7), changed_at=now), uscc)
    body = {"application_id": app_id, "grounds": "该户不符合特色类标准", "objector_name": "李四",
            "objector_phone": "13700001234"}
    testing.wait_until(lambda: api.post("/api/v1/appeals/notice-objections", json=body).status_code == 201,
                       timeout=30, message="the notice projected from Kafka")
    publish(kafka_bootstrap, topic_prefix, ApplicationChanged(
        **change, status="recognised", changed_at=now + dt.timedelta(minutes=1)), uscc)
    other = {**body, "objector_phone": "13700005678"}
    testing.wait_until(
        lambda: api.post("/api/v1/appeals/notice-objections", json=other).status_code == 409,
        timeout=30, message="the notice closed by the recognised step")
    with worker.sessions() as s:  # each event applied once by the worker's own consumer group
        applied = s.query(inbox).filter(inbox.c.consumer == worker.spec.subscriptions[0].name,
                                        inbox.c.event_type == ApplicationChanged.event_type).count()
    assert applied == 2, "the two application steps, once each"

    def unpublished() -> int:
        with worker.sessions() as s:
            return s.query(outbox).count()  # the relay deletes what it published
    testing.wait_until(lambda: unpublished() == 0, timeout=30, message="the relay published every appeal event")
