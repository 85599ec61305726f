"""notify's delivery metrics, read from its deliveries table: by channel and state, attempts, and
failed attempts (every attempt but the last one of a sent delivery)."""
from __future__ import annotations

import datetime as dt

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert

from getihu_kit import testing
from getihu_kit.db import make_engine
from getihu_kit.metrics import DatabaseCollector
from notify_svc.delivery_metrics import delivery_metrics
from notify_svc.models import Delivery, Notification
from notify_svc.settings import MIGRATIONS


def test_deliveries_attempts_and_failures_per_channel():
    engine = make_engine(testing.fresh_database("test_notify_metrics", MIGRATIONS))
    now = dt.datetime.now(dt.timezone.utc)
    try:
        with engine.begin() as conn:
            nid = conn.execute(insert(Notification.__table__).returning(Notification.__table__.c.id).values(
                event_id="e1", event_type="t", recipient="r", template_code="c", template_version=1, title="t",
                body="b", data={})).scalar_one()
            nid2 = conn.execute(insert(Notification.__table__).returning(Notification.__table__.c.id).values(
                event_id="e2", event_type="t", recipient="r", template_code="c", template_version=1, title="t",
                body="b", data={})).scalar_one()
            common = dict(recipient="r", address="a@example.org", next_attempt_at=now)
            conn.execute(insert(Delivery.__table__), [
                dict(notification_id=nid, channel="email", status="sent", attempts=2, **common),
                dict(notification_id=nid2, channel="email", status="dead", attempts=3, **common),
                dict(notification_id=nid, channel="sms", status="pending", attempts=1, **common),
            ])
        registry = CollectorRegistry()
        registry.register(DatabaseCollector(engine, extra=[delivery_metrics]))
        samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
                   for f in text_string_to_metric_families(generate_latest(registry).decode()) for s in f.samples}
    finally:
        engine.dispose()
    assert samples[("getihu_notify_deliveries", (("channel", "email"), ("state", "sent")))] == 1
    assert samples[("getihu_notify_deliveries", (("channel", "email"), ("state", "dead")))] == 1
    assert samples[("getihu_notify_deliveries", (("channel", "sms"), ("state", "pending")))] == 1
    assert samples[("getihu_notify_delivery_attempts_total", (("channel", "email"),))] == 5
    assert samples[("getihu_notify_delivery_failures_total", (("channel", "email"),))] == 4
    assert samples[("getihu_notify_delivery_failures_total", (("channel", "sms"),))] == 1
