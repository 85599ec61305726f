"""Deadlines as the bureau configures them: the number of working days and local extra holidays come from
settings, on top of the State Council's calendar."""
from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from getihu_kit import clock, testing
from getihu_kit.workdays import NATIONAL
from appeal_svc.main import create_app
from appeal_svc.models import Appeal
from appeal_svc.settings import Settings
from appeal_fixtures import Api, new_uscc

TODAY = clock.today()
# The next seven calendar days are all holidays: two working days later falls after them.
HOLIDAYS = [TODAY + dt.timedelta(days=i) for i in range(1, 8)]


@pytest.fixture(scope="module")
def short(db_url):
    settings = Settings(database_url=db_url, topic_prefix=testing.unique_prefix(), reply_due_working_days=2,
                        holidays=HOLIDAYS)
    with TestClient(create_app(settings)) as client:
        yield Api(client, settings)


def test_reply_due_counts_configured_working_days_and_skips_configured_holidays(short):
    uscc = new_uscc()
    short.publish_result(uscc)
    a = short.file(uscc).json()
    due = dt.date.fromisoformat(a["due_on"])
    # After the seven local holidays, the second working day of the State Council's calendar.
    first_after = TODAY + dt.timedelta(days=8)
    while not NATIONAL.is_working_day(first_after):
        first_after += dt.timedelta(days=1)
    second = first_after + dt.timedelta(days=1)
    while not NATIONAL.is_working_day(second):
        second += dt.timedelta(days=1)
    assert due == second
    assert a["trail"][0]["details"]["due_on"] == a["due_on"]


def test_an_open_objection_past_its_due_day_shows_overdue_a_closed_one_does_not(short):
    uscc = new_uscc()
    short.publish_result(uscc)
    a = short.file(uscc).json()
    with short.client.app.state.sessions.begin() as s:
        s.execute(update(Appeal).where(Appeal.id == a["id"]).values(due_on=TODAY - dt.timedelta(days=1)))
    county = short.county()
    assert short.get(f"/api/v1/appeals/{a['id']}", headers=county).json()["overdue"] is True
    short.post(f"/api/v1/appeals/{a['id']}/review", headers=county)
    short.post(f"/api/v1/appeals/{a['id']}/decision", json={"decision": "rejected", "reason": "经核实分型无误"},
               headers=county)
    detail = short.get(f"/api/v1/appeals/{a['id']}", headers=county).json()
    assert detail["overdue"] is False and detail["status"] == "rejected"
    overdue = short.get("/api/v1/appeals", params={"overdue": "true", "limit": 500}, headers=county).json()["items"]
    assert a["id"] not in {i["id"] for i in overdue}


def test_a_retried_filing_with_the_same_idempotency_key_is_the_same_objection(short):
    uscc = new_uscc()
    short.publish_result(uscc)
    headers = {**short.operator(uscc), "Idempotency-Key": f"file-{uscc}"}
    first = short.file(uscc, headers=headers)
    again = short.file(uscc, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert len(short.get("/api/v1/appeals/mine", headers=short.operator(uscc)).json()["items"]) == 1
