"""二(六) 变更经营者的，要在变更后及时报告: when cultivation opens a due report, the operator gets one inbox message naming
the deadline (a redelivered event adds none); a reminder goes out once, in the last days before the deadline
(operator_change_reminder_days), and none for a report filed, lapsed, or of a recognition no longer in force."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from getihu_kit import clock
from getihu_kit.db import unit_of_work
from getihu_kit.events import make_event
from getihu_kit.schemas.cultivation import InfoReportDue, RecognitionChanged
from notify_svc.consumers import apply_business_states, recognitions_handler, report_dues_handler
from notify_svc.models import Notification
from notify_svc.notifying import Channels
from notify_svc.reminders import create_reminders

from notify_factories import business_state, new_uscc

NONE = Channels()
DUE = dt.date(2031, 3, 31)  # far from the other tests' reminder days
OPENED = dt.date(2031, 3, 1)


def messages(sessions, uscc: str) -> list[tuple[str, str, str]]:
    with sessions() as s:
        return [tuple(r) for r in s.execute(select(Notification.template_code, Notification.event_id,
                                                   Notification.body)
                                            .where(Notification.recipient == f"uscc:{uscc}")
                                            .order_by(Notification.id)).all()]


def due_event(uscc: str, rid: str, status: str = "open", due_on: dt.date = DUE):
    return make_event(InfoReportDue(recognition_id=rid, uscc=uscc, region_code="232701", status=status,
                                    opened_on=OPENED, due_on=due_on, changed_at=clock.now()), source="t", subject=uscc)


def recognised(sessions, status: str = "granted") -> tuple[str, str]:
    u = new_uscc()
    rid = f"rec_{u[-10:]}"
    with unit_of_work(sessions) as s:
        apply_business_states(s, [business_state(u)])
        recognitions_handler(NONE)(s, [make_event(RecognitionChanged(
            recognition_id=rid, uscc=u, region_code="232701", category="distinctive", status=status,
            recognised_on=dt.date(2030, 9, 20), valid_until=dt.date(2033, 9, 19), benefits_from=dt.date(2031, 1, 1),
            changed_at=clock.now()), source="t", subject=u)])
    return u, rid


def deliver(sessions, *events) -> None:
    with unit_of_work(sessions) as s:
        report_dues_handler(NONE)(s, list(events))


def remind(sessions, today: dt.date) -> int:
    with unit_of_work(sessions) as s:
        return create_reminders(s, today=today, chunk=2, channels=NONE)["operator_change_report"]


def test_the_operator_is_told_the_deadline_once(sessions):
    u, rid = recognised(sessions)
    e = due_event(u, rid)
    deliver(sessions, e)
    deliver(sessions, e)  # the same event again (a redelivery): no second message
    got = messages(sessions, u)
    due_msgs = [m for m in got if m[0] == "cultivation.info_report.due"]
    assert len(due_msgs) == 1 and DUE.isoformat() in due_msgs[0][2] and OPENED.isoformat() in due_msgs[0][2]


@pytest.mark.parametrize("days_before, reminded", [(8, False), (7, True), (0, True), (-1, False)])
def test_the_reminder_goes_out_in_the_last_days_before_the_deadline(sessions, days_before, reminded):
    u, rid = recognised(sessions)
    deliver(sessions, due_event(u, rid))
    today = DUE - dt.timedelta(days=days_before)
    remind(sessions, today)
    remind(sessions, today)  # the scheduler runs again, or a second worker: nothing new
    got = [m for m in messages(sessions, u) if m[0] == "reminder.operator_change_report"]
    assert len(got) == (1 if reminded else 0)
    if reminded:
        assert got[0][1] == f"reminder:operator_change_report:{rid}:{DUE.isoformat()}" and DUE.isoformat() in got[0][2]


def test_a_later_deadline_is_reminded_again_and_a_filed_report_is_not(sessions):
    u, rid = recognised(sessions)
    deliver(sessions, due_event(u, rid))
    remind(sessions, DUE - dt.timedelta(days=3))
    later = DUE + dt.timedelta(days=30)  # another operator change moved the deadline
    deliver(sessions, due_event(u, rid, due_on=later))
    remind(sessions, later - dt.timedelta(days=3))
    assert [m[1] for m in messages(sessions, u) if m[0] == "reminder.operator_change_report"] == [
        f"reminder:operator_change_report:{rid}:{DUE.isoformat()}",
        f"reminder:operator_change_report:{rid}:{later.isoformat()}"]
    u2, rid2 = recognised(sessions)
    deliver(sessions, due_event(u2, rid2))
    deliver(sessions, due_event(u2, rid2, status="filed"))
    remind(sessions, DUE - dt.timedelta(days=3))
    assert [m[0] for m in messages(sessions, u2)].count("reminder.operator_change_report") == 0
    assert [m[0] for m in messages(sessions, u2)].count("cultivation.info_report.due") == 1  # filed: no message


def test_no_reminder_for_a_recognition_no_longer_in_force(sessions):
    u, rid = recognised(sessions, status="cancelled")
    deliver(sessions, due_event(u, rid))
    remind(sessions, DUE - dt.timedelta(days=3))
    assert [m[0] for m in messages(sessions, u)].count("reminder.operator_change_report") == 0
