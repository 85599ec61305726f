"""Exactly one notification per (event, recipient, template), whatever repeats within a batch or
across deliveries — a property over arbitrary batches, on the real database."""
from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from getihu_kit.db import unit_of_work
from notify_svc.models import Notification
from notify_svc.notifying import Channels, Wanted, business, store

T0 = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.timezone.utc)
USCCS = ["92232701MA0000001X", "92232701MA0000002X", "92232701MA0000003X"]
TEMPLATES = ["reminder.annual_report", "measures.granted"]

messages = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(0, 2)), min_size=1, max_size=12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=messages, redeliveries=st.integers(1, 3))
def test_one_notification_per_event_recipient_template(sessions, batch, redeliveries):
    run = uuid.uuid4().hex
    wanted = [Wanted(f"prop:{run}:{e}", "test", business(USCCS[r]), TEMPLATES[t],
                     {"uscc": USCCS[r], "name": "店", "report_year": 2025, "due_on": "2026-06-30", "year": 2026,
                      "basis_label": "分型", "measures": "A. x"}, USCCS[r], "232701")
              for r, t, e in batch]
    created = []
    for _ in range(redeliveries):
        with unit_of_work(sessions) as s:
            created.append(len(store(s, wanted, now=T0, channels=Channels())))
    distinct = len({(w.event_id, w.recipient, w.template) for w in wanted})
    with sessions() as s:
        stored = s.execute(select(func.count()).select_from(Notification)
                           .where(Notification.event_id.like(f"prop:{run}:%"))).scalar_one()
    assert stored == distinct and created[0] == distinct and sum(created[1:]) == 0
