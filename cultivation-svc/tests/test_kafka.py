"""Through the real broker: other services' events feed the projections via the worker's consumers, and the
relay publishes this service's events (windows, 免申即享 measures, objections holding a notice)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from kafka import KafkaConsumer

from getihu_kit import testing
from getihu_kit.bus import make_producer
from getihu_kit.domain import id_number, uscc as uscc_code
from getihu_kit.events import CULTIVATION, make_event, physical
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from getihu_kit.schemas.data_sharing import PersonFacts
from getihu_kit.schemas.registry import BusinessState, OperatorState
from getihu_kit.schemas.typing import TypeCounts, TypingPublished, TypingResultPublished
from getihu_kit.worker import Worker
from sqlalchemy import text

from cultivation_svc.settings import Settings
from cultivation_svc.worker import spec

PUBLISHED = dt.datetime(2026, 8, 10, 9, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def running(world_on, topic_prefix, kafka_bootstrap):
    w = world_on("test_cultivation_kafka")
    worker = Worker(spec(Settings(database_url=w.url, topic_prefix=topic_prefix, kafka_bootstrap=kafka_bootstrap)))
    worker.start()
    producer = make_producer(kafka_bootstrap)
    yield w, producer, topic_prefix
    producer.close()
    worker.shutdown()


def send(producer, prefix, payload, key):
    e = make_event(payload, source="test", subject=key)
    producer.send(physical(payload.topic, prefix), key=key.encode(), value=e.model_dump_json().encode()).get(timeout=30)


def scalar(w, sql, **params):
    with w.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_events_flow_in_and_out(running, kafka_bootstrap):
    w, producer, prefix = running
    usccs = [uscc_code.make("232701", serial=500 + i) for i in range(3)]
    operators = [id_number.make(serial=500 + i) for i in range(3)]
    for i, u in enumerate(usccs):
        send(producer, prefix, BusinessState(uscc=u, name=f"店{i}", region_code="232701", established_on=dt.date(2018, 1, 1),
                                             operator=OperatorState(name="赵六", id_number=operators[i])), u)
        send(producer, prefix, TypingResultPublished(uscc=u, year=2026, type=["survival", "growth", "excluded"][i],
                                                     region_code="232701", ruleset="typing-2024", run_id="ty_1",
                                                     published_at=PUBLISHED), u)
    debtor = operators[2]
    send(producer, prefix, PersonFacts(id_number=debtor, dishonest_debtor=[
        {"batch_id": "b", "listed_on": "2025-01-01"}]), debtor)
    send(producer, prefix, TypingPublished(run_id="ty_1", year=2026, reference_date=dt.date(2026, 6, 30),
                                           ruleset="typing-2024", counts=TypeCounts(), published_at=PUBLISHED,
                                           counts_by_region={"232701": TypeCounts(growth=30, development=10)}), "typing:2026")
    testing.wait_until(lambda: scalar(w, "SELECT count(*) FROM application_window WHERE year = 2026") == 7, timeout=60,
                       message="windows opened from typing-published")
    testing.wait_until(lambda: scalar(w, "SELECT count(*) FROM business_type") == 3
                       and scalar(w, "SELECT count(*) FROM business_projection") == 3
                       and scalar(w, "SELECT count(*) FROM person_projection") == 1, timeout=60,
                       message="projections fed")
    assert scalar(w, "SELECT growth + development FROM typing_count WHERE region_code = '232701'") == 40

    # The relay publishes WindowOpened and one 免申即享 event per typed business (none for 不符合分型条件).
    consumer = KafkaConsumer(physical(CULTIVATION, prefix), bootstrap_servers=kafka_bootstrap,
                             group_id=f"{prefix}check-out", auto_offset_reset="earliest", consumer_timeout_ms=3000)
    seen: list[dict] = []
    testing.wait_until(lambda: seen.extend(json.loads(m.value) for m in consumer) or
                       sum(1 for e in seen if e["type"] == "getihu.cultivation.measures.granted.v1") >= 2
                       and sum(1 for e in seen if e["type"] == "getihu.cultivation.window.opened.v1") >= 7,
                       timeout=60, message="events on the cultivation topic")
    consumer.close()
    granted = {e["subject"]: e["data"]["basis"] for e in seen if e["type"] == "getihu.cultivation.measures.granted.v1"}
    assert granted == {usccs[0]: "type:survival", usccs[1]: "type:growth"}

    # An objection filed with appeal-svc holds the notice; its rejection lets the case continue.
    app_id = w.apply(usccs[1])
    w.to_notice(app_id)
    now = dt.datetime.now(dt.timezone.utc)
    send(producer, prefix, AppealFiled(appeal_id="ap_k1", target_kind="cultivation_notice", target_id=app_id,
                                       uscc=usccs[1], appellant="x", grounds="不实", filed_at=now,
                                       due_on=dt.date(2026, 10, 1)), usccs[1])
    status = "SELECT status FROM application WHERE id = :i"
    testing.wait_until(lambda: scalar(w, status, i=app_id) == "on_hold", timeout=60, message="case on hold")
    send(producer, prefix, AppealDecided(appeal_id="ap_k1", target_kind="cultivation_notice", target_id=app_id,
                                         uscc=usccs[1], appellant="x", decision="rejected", reason="不成立",
                                         decided_at=now), usccs[1])
    testing.wait_until(lambda: scalar(w, status, i=app_id) == "public_notice", timeout=60, message="case resumed")
    assert w.recognise(app_id)["status"] == "granted"
    # The debtor's business is refused, naming the listing that decided it.
    body = w.apply(usccs[2], expect=409)
    # 不符合分型条件 (二(四)1, 一(四)1): no source reaches it, and the listing is named too
    assert {r["rule"] for r in body["refusals"]} == {"typing_base_conditions", "dishonest_debtor_bar"}
