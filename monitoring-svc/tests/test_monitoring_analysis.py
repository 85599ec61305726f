"""Projections from real Kafka (each event applied once however often delivered) and the analysis built on them."""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from getihu_kit import clock, testing
from getihu_kit.bus import make_producer
from getihu_kit.consumer import ConsumerRunner
from getihu_kit.events import CloudEvent, make_event, physical
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from getihu_kit.schemas.cultivation import RecognitionChanged
from getihu_kit.schemas.registry import BusinessState, OperatorState
from getihu_kit.schemas.typing import TypingResultPublished
from monitoring_svc.consumers import subscriptions
from monitoring_svc.models import AppealProjection, RecognitionProjection, TypingResultProjection, inbox
from monitoring_fixtures import OTHER_REGION, REGION, figures, new_uscc

T0 = dt.datetime(2025, 7, 10, 2, 0, tzinfo=dt.timezone.utc)
YEAR = clock.today().year


def produce(prefix: str, events: list[CloudEvent], topics: list[str]) -> None:
    producer = make_producer(testing.KAFKA)
    try:
        for topic, e in zip(topics, events):
            producer.send(physical(topic, prefix), key=(e.subject or "").encode(), value=e.model_dump_json().encode())
        producer.flush(30)
    finally:
        producer.close()


def consume(api, prefix: str, name: str, applied: int) -> None:
    sub = subscriptions(name)[0]
    runner = ConsumerRunner(sub, sessions=api.client.app.state.sessions, inbox=inbox, bootstrap=testing.KAFKA,
                            topic_prefix=prefix)
    stop = threading.Event()
    t = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    t.start()
    try:
        testing.wait_until(lambda: runner.applied >= applied, timeout=60, message=f"{applied} events applied")
    finally:
        stop.set()
        t.join(30)


def business(uscc: str, region: str) -> BusinessState:
    return BusinessState(uscc=uscc, name="小店", region_code=region, industry_code="H6210",
                         established_on=dt.date(2018, 1, 1), operator=OperatorState(name="张三", id_number="11010519491231002X"))


def result(uscc: str, year: int, type_: str, region: str, version: int = 1) -> TypingResultPublished:
    return TypingResultPublished(uscc=uscc, year=year, type=type_, region_code=region, industry_code="H6210",
                                 ruleset="2024.1", run_id=f"run-{year}", version=version, published_at=T0)


def test_events_from_kafka_feed_the_analysis_once_each(api, topic_prefix):
    a, b, c, d = (new_uscc() for _ in range(4))
    far = new_uscc(OTHER_REGION)
    payloads = [business(u, REGION) for u in (a, b, c, d)] + [business(far, OTHER_REGION)]
    payloads += [result(a, YEAR - 1, "survival", REGION), result(a, YEAR, "growth", REGION),
                 result(b, YEAR - 1, "growth", REGION), result(b, YEAR, "growth", REGION),
                 result(c, YEAR, "development", REGION), result(d, YEAR, "survival", REGION),
                 result(d, YEAR, "growth", REGION, version=2),  # a correction: the newer version wins
                 result(far, YEAR, "growth", OTHER_REGION)]
    payloads += [RecognitionChanged(recognition_id="rc-1", uscc=c, region_code=REGION, category="distinctive",
                                    status="granted", recognised_on=dt.date(YEAR, 11, 30),
                                    valid_until=dt.date(YEAR + 3, 12, 31), benefits_from=dt.date(YEAR + 1, 1, 1),
                                    changed_at=T0, year=YEAR)]
    payloads += [AppealFiled(appeal_id="apl-1", target_kind="typing_result", uscc=a, year=YEAR, region_code=REGION,
                             appellant="op", grounds="理由充分", filed_at=T0, due_on=dt.date(2025, 7, 31)),
                 AppealDecided(appeal_id="apl-1", target_kind="typing_result", uscc=a, year=YEAR, region_code=REGION,
                               appellant="op", decision="upheld", reason="成立", decided_at=T0 + dt.timedelta(days=6)),
                 AppealFiled(appeal_id="apl-2", target_kind="typing_result", uscc=b, year=YEAR, region_code=REGION,
                             appellant="op", grounds="理由充分", filed_at=T0, due_on=dt.date(2025, 7, 31))]
    events = [make_event(p, source="test", subject=getattr(p, "uscc", None)) for p in payloads]
    topics = [p.topic for p in payloads]
    produce(topic_prefix, events + events[:3], topics + topics[:3])  # three delivered twice
    consume(api, topic_prefix, "monitoring-analysis-test", applied=len(events))

    with api.client.app.state.sessions() as s:
        assert s.scalar(select(func.count()).select_from(inbox)) >= len(events)
        assert s.get(TypingResultProjection, (d, YEAR)).type == "growth"
        assert s.get(RecognitionProjection, "rc-1").status == "granted"
        decided = s.get(AppealProjection, "apl-1")
        assert decided.decision == "upheld" and decided.filed_at == T0

    for u, fig in ((a, figures(sales="100.10", profit="-5")), (b, figures(sales="200", profit="10")),
                   (c, figures(sales="300", profit="20", outlook="better"))):
        r = api.post("/api/v1/monitoring/returns", json={"uscc": u, "year": YEAR, "quarter": 1, **fig},
                     headers=api.operator(u))
        assert r.status_code == 201, r.text

    r = api.get("/api/v1/monitoring/analysis", params={"year": YEAR}, headers=api.county())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["region_code"] == REGION, "county staff see their own county"
    t = {name: table["rows"] for name, table in body["tables"].items()}
    # a, b and d (corrected from survival) are growth, c development; the other county's business is not here
    assert {(x["type"], x["businesses"]) for x in t["types_by_county"]} == {("growth", 3), ("development", 1)}
    assert {(x["from_type"], x["to_type"], x["businesses"]) for x in t["transitions"]} == {
        ("survival", "growth", 1), ("growth", "growth", 1)}
    assert t["quota_use"] == [{"region_code": REGION, "region_name": "漠河市", "growth_and_development": 4, "quota": 0,
                               "in_force": 1, "use_rate": None}]
    assert [(x["category"], x["in_force"], x["granted_this_year"]) for x in t["categories_by_county"]] == [
        ("distinctive", 1, 1)]
    [obj] = t["objections"]
    assert (obj["filed"], obj["upheld"], obj["open"], obj["avg_days_to_reply"]) == (2, 1, 1, 6.0)
    ind = {(x["quarter"], x["type"]): x for x in t["indicators"]}
    assert set(ind) == {(1, "growth"), (1, "development")}
    assert ind[(1, "growth")]["returns"] == 2 and ind[(1, "growth")]["sales"] == "300.10"
    assert ind[(1, "growth")]["profit"] == "5.00" and ind[(1, "development")]["outlook_better"] == 1
    assert [x["section"] for x in t["types_by_industry"]] == ["H", "H"]

    everywhere = api.get("/api/v1/monitoring/analysis", params={"year": YEAR}, headers=api.prefecture()).json()
    assert {x["region_code"] for x in everywhere["tables"]["types_by_county"]["rows"]} == {REGION, OTHER_REGION}
    assert api.get("/api/v1/monitoring/analysis", params={"year": YEAR, "region_code": OTHER_REGION},
                   headers=api.county()).status_code == 403
    assert api.get("/api/v1/monitoring/analysis", params={"year": YEAR}, headers=api.operator(a)).status_code == 403
