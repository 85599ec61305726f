"""Every flow from Kafka to the inbox, on PostgreSQL: projections, messages, deliveries, and exactly one
notification per (event, recipient, template) however often an event is delivered."""
from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import func, select

from getihu_kit import clock, testing
from getihu_kit.bus import make_producer
from getihu_kit.consumer import ConsumerRunner
from getihu_kit.events import REGISTRY_BUSINESS, CloudEvent, make_event, physical
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from getihu_kit.schemas.cultivation import ApplicationChanged, RecognitionChanged, SupportMeasuresGranted, \
    WindowOpened
from getihu_kit.schemas.typing import Correction, TypeCounts, TypingPublished, TypingResultPublished
from notify_svc.consumers import subscriptions
from notify_svc.models import Contact, Delivery, Notification, Recognition, inbox
from notify_svc.settings import Settings

from notify_factories import business_state, new_uscc

NOW = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.timezone.utc)
REGION = "232722"


def produce(prefix: str, events: list[tuple[str, CloudEvent]]) -> None:
    producer = make_producer(testing.KAFKA)
    try:
        for topic, e in events:
            producer.send(physical(topic, prefix), key=(e.subject or "").encode(), value=e.model_dump_json().encode())
        producer.flush(30)
    finally:
        producer.close()


def ev(payload, subject):
    return payload.topic, make_event(payload, source="test", subject=subject)


def run_until(sessions, prefix: str, name: str, settings: Settings, applied: int, timeout: float = 60) -> ConsumerRunner:
    sub = subscriptions(settings)[0]
    sub.name = name
    runner = ConsumerRunner(sub, sessions=sessions, inbox=inbox, bootstrap=testing.KAFKA, topic_prefix=prefix)
    stop = threading.Event()
    t = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    t.start()
    try:
        testing.wait_until(lambda: runner.applied >= applied, timeout=timeout, message=f"{applied} events applied")
    finally:
        stop.set()
        t.join(30)
    return runner


def notifications(sessions, **where) -> list[Notification]:
    with sessions() as s:
        q = select(Notification)
        for k, v in where.items():
            q = q.where(getattr(Notification, k) == v)
        return list(s.execute(q.order_by(Notification.id)).scalars())


@pytest.fixture(scope="module")
def flow(sessions, topic_prefix, smtp_server, sms_provider):
    """Every event kind once, consumed by the real runner with e-mail and SMS configured."""
    grown, developed, excluded, nobody = new_uscc(REGION), new_uscc(REGION), new_uscc(REGION), new_uscc(REGION)
    events = [(REGISTRY_BUSINESS, business_state(u, region=REGION, name=f"塔河{i}号店",
                                                 email=None if u == excluded else f"b{i}@example.cn",
                                                 phone=None if u == developed else "13900000000"))
              for i, u in enumerate((grown, developed, excluded))]
    base = dict(year=2026, ruleset="2024.1", run_id="ty_r1", published_at=NOW, region_code=REGION)
    events += [
        ev(TypingResultPublished(uscc=grown, type="growth", **base), grown),
        ev(TypingResultPublished(uscc=developed, type="development", **base), developed),
        ev(TypingResultPublished(uscc=excluded, type="excluded", reasons=["abnormal"], **base), excluded),
        ev(TypingResultPublished(uscc=nobody, type="survival", **base), nobody),
        ev(TypingPublished(run_id="ty_r1", year=2026, reference_date=dt.date(2026, 6, 30), ruleset="2024.1",
                           counts=TypeCounts(survival=1, growth=1, development=1, excluded=1),
                           counts_by_region={REGION: TypeCounts(survival=1, growth=1, development=1, excluded=1)},
                           published_at=NOW), "typing:2026"),
        # -- 8 events above: registry state, then typing; cultivation and appeals come later in time
        ev(AppealFiled(appeal_id="ap_1", target_kind="typing_result", uscc=grown, year=2026, region_code=REGION,
                       appellant="op-grown", grounds="雇员4人", filed_at=NOW, due_on=dt.date(2026, 9, 4)), grown),
        ev(AppealDecided(appeal_id="ap_1", target_kind="typing_result", uscc=grown, year=2026, region_code=REGION,
                         appellant="op-grown", decision="upheld", corrected_type="development", reason="经核实",
                         decided_at=NOW), grown),
        ev(TypingResultPublished(uscc=grown, type="development", version=2,
                                 correction=Correction(appeal_id="ap_1", reason="经核实雇员4人"), **base), grown),
        ev(WindowOpened(window_id="cu_w1", region_code=REGION, year=2026, opens_on=dt.date(2026, 8, 1),
                        closes_on=dt.date(2026, 8, 31), eligible_usccs_count=2), REGION),
        ev(ApplicationChanged(application_id="cu_a1", uscc=developed, region_code=REGION, year=2026,
                              category="quality", source="self", status="material_requested", reason="补充检测报告",
                              due_on=dt.date(2026, 9, 10), changed_at=NOW), developed),
        ev(RecognitionChanged(recognition_id="cu_r1", uscc=developed, region_code=REGION, category="quality",
                              status="granted", recognised_on=dt.date(2026, 11, 20), valid_until=dt.date(2029, 11, 19),
                              benefits_from=dt.date(2027, 1, 1), changed_at=NOW), developed),
        ev(SupportMeasuresGranted(uscc=developed, region_code=REGION, basis="category:quality", year=2026,
                                  measures=[{"code": "quality.A", "title": "质量提升专项资金"}]), developed),
    ]
    settings = Settings(topic_prefix=topic_prefix, smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                        sms_url=sms_provider.url)
    group = f"notify-flow-{uuid.uuid4().hex[:6]}"
    # Registry state first: events on different topics have no order between them, and the names in
    # the messages come from the contact projection.
    produce(topic_prefix, events[:3])
    run_until(sessions, topic_prefix, group, settings, 3)
    typing_done = 3 + 5
    produce(topic_prefix, events[3:typing_done])
    run_until(sessions, topic_prefix, group, settings, typing_done - 3)
    produce(topic_prefix, events[typing_done:])
    run_until(sessions, topic_prefix, group, settings, len(events) - typing_done)
    return {"grown": grown, "developed": developed, "excluded": excluded, "nobody": nobody, "events": events,
            "settings": settings}


def test_contacts_projection_keeps_phone_and_email(flow, sessions):
    with sessions() as s:
        c = s.get(Contact, flow["grown"])
    assert (c.phone, c.email, c.region_code) == ("13900000000", "b0@example.cn", REGION)


def test_each_business_hears_its_type_with_measures(flow, sessions):
    [n] = notifications(sessions, recipient=f"uscc:{flow['developed']}", template_code="typing.result")
    assert "发展型" in n.title and "塔河1号店" in n.body and "免申即享" in n.body and n.template_version == 1
    [x] = notifications(sessions, recipient=f"uscc:{flow['excluded']}")[:1]
    assert x.template_code == "typing.excluded" and "经营异常" in x.body
    # A business not (yet) in the registry projection still gets its inbox message.
    [u] = notifications(sessions, recipient=f"uscc:{flow['nobody']}")
    assert "生存型" in u.title and "个体工商户" in u.body


def test_correction_reaches_the_business(flow, sessions):
    [n] = notifications(sessions, recipient=f"uscc:{flow['grown']}", template_code="typing.corrected")
    assert "发展型" in n.title and "ap_1" in n.body


def test_county_staff_hear_of_publication_and_objections(flow, sessions):
    codes = [n.template_code for n in notifications(sessions, recipient=f"region:{REGION}")]
    assert codes == ["typing.published.staff", "appeal.filed.staff", "appeal.decided.staff"]
    codes = [n.template_code for n in notifications(sessions, recipient="user:op-grown")]
    assert codes == ["appeal.filed.appellant", "appeal.decided.appellant"]


def test_window_opened_tells_the_eligible_growth_and_development_businesses(flow, sessions):
    told = {n.recipient for n in notifications(sessions, template_code="cultivation.window.opened", event_id=[
        e for _, e in flow["events"] if e.type == WindowOpened.event_type][0].id)}
    # `grown` was corrected to 发展型 (version 2), `developed` is 发展型; 生存型 and excluded are not told.
    assert told == {f"uscc:{flow['grown']}", f"uscc:{flow['developed']}"}


def test_cultivation_steps_reach_the_business(flow, sessions):
    codes = [n.template_code for n in notifications(sessions, recipient=f"uscc:{flow['developed']}")]
    assert {"cultivation.material_requested", "cultivation.recognition.granted", "measures.granted"} <= set(codes)
    with sessions() as s:
        assert s.get(Recognition, "cu_r1").valid_until == dt.date(2029, 11, 19)


def test_deliveries_follow_the_contacts_and_the_template_channels(flow, sessions):
    with sessions() as s:
        rows = s.execute(select(Notification.recipient, Notification.template_code, Delivery.channel)
                         .join(Delivery, Delivery.notification_id == Notification.id)
                         .where(Notification.template_code == "typing.result")).all()
    got = {(r, c) for r, _, c in rows}
    assert got == {(f"uscc:{flow['grown']}", "email"), (f"uscc:{flow['grown']}", "sms"),
                   (f"uscc:{flow['developed']}", "email")}  # developed has no phone; nobody is unknown
    with sessions() as s:
        excluded = s.execute(select(Delivery.channel).join(Notification, Notification.id == Delivery.notification_id)
                             .where(Notification.recipient == f"uscc:{flow['excluded']}")).scalars().all()
        staff = s.execute(select(func.count()).select_from(Delivery)
                          .where(Delivery.recipient.like("region:%"))).scalar_one()
    assert excluded == ["sms"] and staff == 0


def test_redelivery_changes_nothing(flow, sessions, topic_prefix):
    before = len(notifications(sessions))
    with sessions() as s:
        deliveries = s.execute(select(func.count()).select_from(Delivery)).scalar_one()
    produce(topic_prefix, flow["events"])  # the same events (same ids) again on the topics
    # The same consumer group resumes after the first copies; a new group name re-reads everything and
    # has an empty inbox for its name, so only the (event, recipient, template) constraint stands in the way.
    # Both copies carry the same ids: the new group's inbox applies each id once, and each application
    # meets the notifications already stored.
    run_until(sessions, topic_prefix, f"notify-replay-{uuid.uuid4().hex[:6]}", flow["settings"],
              len(flow["events"]))
    assert len(notifications(sessions)) == before
    with sessions() as s:
        assert s.execute(select(func.count()).select_from(Delivery)).scalar_one() == deliveries


def test_result_published_after_its_window_opened_still_hears_of_the_window(sessions, topic_prefix):
    """Windows and results travel on different topics: a result applied after the window opened is told too."""
    late, survivor = new_uscc("232764"), new_uscc("232764")
    today = clock.today()
    window = ev(WindowOpened(window_id=f"cu_w_{late}", region_code="232764", year=2027, opens_on=today,
                             closes_on=today + dt.timedelta(days=30)), "232764")
    base = dict(year=2027, ruleset="2024.1", run_id="ty_r2", published_at=NOW, region_code="232764")
    group = f"notify-late-{uuid.uuid4().hex[:6]}"
    produce(topic_prefix, [window])
    run_until(sessions, topic_prefix, group, Settings(topic_prefix=topic_prefix), 1)
    results = [ev(TypingResultPublished(uscc=late, type="growth", **base), late),
               ev(TypingResultPublished(uscc=survivor, type="survival", **base), survivor)]
    produce(topic_prefix, results + results)  # and delivered twice
    run_until(sessions, topic_prefix, group, Settings(topic_prefix=topic_prefix), 2)
    [n] = notifications(sessions, recipient=f"uscc:{late}", template_code="cultivation.window.opened")
    assert n.event_id == window[1].id and "2027年度" in n.title
    assert notifications(sessions, recipient=f"uscc:{survivor}", template_code="cultivation.window.opened") == []
