"""The reminder scheduler with an injected date: each reminder once per (business, reminder, year)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from getihu_kit import clock
from getihu_kit.db import unit_of_work
from getihu_kit.events import make_event
from getihu_kit.schemas.cultivation import RecognitionChanged
from getihu_kit.schemas.registry import AnnualReportClosed
from notify_svc.consumers import apply_annual_report_closed, apply_business_states, recognitions_handler
from notify_svc.models import Notification
from notify_svc.notifying import Channels
from notify_svc.reminders import create_reminders

from notify_factories import business_state, new_uscc

NONE = Channels()


def reminders(sessions, uscc: str) -> list[tuple[str, str]]:
    with sessions() as s:
        return [tuple(r) for r in s.execute(select(Notification.template_code, Notification.event_id)
                                            .where(Notification.recipient == f"uscc:{uscc}")
                                            .order_by(Notification.id)).all()]


def run(sessions, today: dt.date) -> dict:
    with unit_of_work(sessions) as s:
        return create_reminders(s, today=today, chunk=2, channels=NONE)


def recognition(uscc: str, rid: str, valid_until: dt.date, status: str = "granted"):
    return make_event(RecognitionChanged(
        recognition_id=rid, uscc=uscc, region_code="232701", category="renowned", status=status,
        recognised_on=valid_until - dt.timedelta(days=3 * 365), valid_until=valid_until,
        benefits_from=valid_until, changed_at=clock.now()), source="t", subject=uscc)


@pytest.fixture(scope="module")
def businesses(sessions):
    late, done, new = new_uscc(), new_uscc(), new_uscc()
    cancelled = new_uscc()
    with unit_of_work(sessions) as s:
        apply_business_states(s, [
            business_state(late, report_years=(2023, 2024)),            # owes its 2025 report in 2026
            business_state(done, report_years=(2024, 2025)),
            business_state(new, established_on=dt.date(2027, 2, 1)),    # established in 2027: owes nothing for 2026
            business_state(cancelled, status="cancelled"),
        ])
    return {"late": late, "done": done, "new": new, "cancelled": cancelled}


def test_annual_report_reminder_once_per_business_and_year(sessions, businesses):
    run(sessions, dt.date(2026, 6, 10))
    run(sessions, dt.date(2026, 6, 20))  # the scheduler runs again: nothing new
    assert reminders(sessions, businesses["late"]) == [("reminder.annual_report", "reminder:annual_report:2026")]
    for k in ("done", "cancelled"):
        assert reminders(sessions, businesses[k]) == []
    run(sessions, dt.date(2027, 6, 10))  # next year: the 2026 report is owed by all three registered
    assert [e for _, e in reminders(sessions, businesses["late"])] == [
        "reminder:annual_report:2026", "reminder:annual_report:2027"]
    assert reminders(sessions, businesses["new"]) == []


def test_no_annual_report_reminders_once_the_window_closed(sessions):
    late = new_uscc()
    with unit_of_work(sessions) as s:
        apply_business_states(s, [business_state(late, report_years=(2026,))])
        apply_annual_report_closed(s, make_event(AnnualReportClosed(
            report_year=2027, typing_year=2028, closed_on=dt.date(2028, 6, 5), reference_date=dt.date(2028, 6, 30)),
            source="t", subject=None))
    run(sessions, dt.date(2028, 6, 20))
    assert reminders(sessions, late) == []


def test_info_report_and_validity_ending_for_recognised_businesses(sessions):
    kept, ending, revoked = new_uscc(), new_uscc(), new_uscc()
    with unit_of_work(sessions) as s:
        apply_business_states(s, [business_state(u) for u in (kept, ending, revoked)])
        recognitions_handler(NONE)(s, [
            recognition(kept, f"cu_{kept}", dt.date(2031, 11, 30)),
            recognition(ending, f"cu_{ending}", dt.date(2030, 9, 15)),
            recognition(revoked, f"cu_{revoked}", dt.date(2030, 9, 15), status="revoked"),
        ])
    run(sessions, dt.date(2030, 7, 5))
    run(sessions, dt.date(2030, 7, 6))
    assert [t for t, _ in reminders(sessions, kept)] == ["cultivation.recognition.granted", "reminder.info_report"]
    assert [t for t, _ in reminders(sessions, ending)] == [
        "cultivation.recognition.granted", "reminder.info_report", "reminder.validity_ending"]
    assert [t for t, _ in reminders(sessions, revoked)] == ["cultivation.recognition.revoked"]
    with sessions() as s:
        body = s.execute(select(Notification.body).where(Notification.recipient == f"uscc:{ending}",
                                                         Notification.template_code == "reminder.validity_ending")
                         ).scalar_one()
    assert "2030-09-15" in body and "知名类" in body
