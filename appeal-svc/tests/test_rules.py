"""Rule tables: working-day deadlines, evidence limits, the workflow of an objection."""
from __future__ import annotations

import base64
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from getihu_kit.errors import Conflict, InvalidInput, UnsupportedMedia
from getihu_kit.workdays import make_calendar
from appeal_svc.rules import workflow as wf
from appeal_svc.rules.deadlines import REPLY_DUE_WORKING_DAYS, is_overdue, reply_due_on
from appeal_svc.rules.evidence import check_evidence

D = dt.date


@pytest.mark.parametrize("name, filed, days, local_holidays, local_working, due", [
    ("reply due 15 working days after a Monday filing: three weeks later", D(2026, 11, 2), 15, [], [], D(2026, 11, 23)),
    ("filing on a Friday: the weekend does not count", D(2026, 11, 27), 1, [], [], D(2026, 11, 30)),
    ("filing on a Saturday: the first working day is Monday", D(2026, 11, 28), 1, [], [], D(2026, 11, 30)),
    ("the default of 15 working days from a Friday", D(2026, 11, 27), None, [], [], D(2026, 12, 18)),
    ("the State Council's National Day holiday is not counted", D(2026, 9, 30), 1, [], [], D(2026, 10, 8)),
    ("the State Council's 调休 Saturday after National Day counts", D(2026, 10, 9), 1, [], [], D(2026, 10, 10)),
    ("the State Council's 调休 Sunday before Mid-Autumn counts", D(2026, 9, 19), 1, [], [], D(2026, 9, 20)),
    ("the Mid-Autumn holiday Friday is not counted", D(2026, 9, 24), 1, [], [], D(2026, 9, 28)),
    ("2025: National Day and Mid-Autumn together, then the 调休 Saturday", D(2025, 9, 30), 3, [], [], D(2025, 10, 11)),
    ("a local extra holiday is not a working day", D(2026, 11, 27), 1, [D(2026, 11, 30)], [], D(2026, 12, 1)),
    ("a local extra working Saturday counts", D(2026, 11, 27), 1, [], [D(2026, 11, 28)], D(2026, 11, 28)),
    ("zero days: due the day of filing", D(2026, 11, 27), 0, [], [], D(2026, 11, 27)),
])
def test_reply_due_in_working_days(name, filed, days, local_holidays, local_working, due):
    calendar = make_calendar(local_holidays, local_working)
    assert reply_due_on(filed, calendar=calendar, working_days=days) == due


def test_the_reply_period_is_a_dated_parameter_with_its_clause():
    assert REPLY_DUE_WORKING_DAYS.on(D(2026, 11, 27)) == 15
    assert "附件1 一(三)3" in REPLY_DUE_WORKING_DAYS.entry_on(D(2026, 11, 27)).clause


@pytest.mark.parametrize("name, due, today, open_, overdue", [
    ("open on its due day is not yet overdue", D(2026, 12, 18), D(2026, 12, 18), True, False),
    ("open the day after is overdue", D(2026, 12, 18), D(2026, 12, 19), True, True),
    ("closed is never overdue", D(2026, 12, 18), D(2027, 1, 5), False, False),
])
def test_overdue(name, due, today, open_, overdue):
    assert is_overdue(due, today, open_=open_) is overdue


LOCAL = make_calendar([D(2026, 11, 30)], [D(2026, 11, 28)])


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)), st.integers(min_value=1, max_value=40))
def test_due_day_is_a_working_day_with_exactly_n_working_days_between(start, n):
    due = reply_due_on(start, calendar=LOCAL, working_days=n)
    assert LOCAL.is_working_day(due)
    between = [start + dt.timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(LOCAL.is_working_day(d) for d in between) == n


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


PDF, JPEG, PNG = b"%PDF-1.7 x", b"\xff\xd8\xff\xe0 jfif", b"\x89PNG\r\n\x1a\n data"


@pytest.mark.parametrize("name, files, max_bytes, error, field", [
    ("a PDF, a JPEG and a PNG within the limit are accepted",
     [("a.pdf", "application/pdf", b64(PDF)), ("b.jpg", "image/jpeg", b64(JPEG)), ("c.png", "image/png", b64(PNG))],
     100, None, None),
    ("a Word file is refused", [("a.doc", "application/msword", b64(b"PK..."))], 100, UnsupportedMedia,
     "evidence.0.content_type"),
    ("an exe declared as a PDF is refused by its content", [("a.pdf", "application/pdf", b64(b"MZ\x90\x00"))],
     100, UnsupportedMedia, "evidence.0.content_base64"),
    ("a file exactly at the limit is accepted", [("a.pdf", "application/pdf", b64(PDF + b"x" * (100 - len(PDF))))],
     100, None, None),
    ("one byte over the limit is refused", [("a.pdf", "application/pdf", b64(PDF + b"x" * (101 - len(PDF))))],
     100, InvalidInput, "evidence.0.content_base64"),
    ("an empty file is refused", [("a.pdf", "application/pdf", "")], 100, InvalidInput, "evidence.0.content_base64"),
    ("content that is not base64 is refused", [("a.pdf", "application/pdf", "%%%")], 100, InvalidInput,
     "evidence.0.content_base64"),
    ("more files than allowed are refused", [("a.pdf", "application/pdf", b64(PDF))] * 4, 100, InvalidInput,
     "evidence"),
])
def test_evidence_limits(name, files, max_bytes, error, field):
    if error is None:
        checked = check_evidence(files, field="evidence", max_bytes=max_bytes, max_files=3)
        assert [c.content_type for c in checked] == [f[1] for f in files]
        return
    with pytest.raises(error) as exc:
        check_evidence(files, field="evidence", max_bytes=max_bytes, max_files=3)
    assert exc.value.errors[0]["field"] == field


@pytest.mark.parametrize("name, status, action, decision, expected", [
    ("staff take a filed objection in review", wf.FILED, "take_in_review", None, wf.IN_REVIEW),
    ("staff ask for more material during review", wf.IN_REVIEW, "request_material", None, wf.MATERIAL_REQUESTED),
    ("the appellant's material returns it to review", wf.MATERIAL_REQUESTED, "supply_material", None, wf.IN_REVIEW),
    ("an objection in review is upheld", wf.IN_REVIEW, "decide", wf.UPHELD, wf.UPHELD),
    ("an objection awaiting material may be rejected", wf.MATERIAL_REQUESTED, "decide", wf.REJECTED, wf.REJECTED),
    ("the appellant withdraws before a decision", wf.FILED, "withdraw", None, wf.WITHDRAWN),
    ("withdrawal while awaiting material", wf.MATERIAL_REQUESTED, "withdraw", None, wf.WITHDRAWN),
    ("no decision before it is taken in review", wf.FILED, "decide", wf.UPHELD, Conflict),
    ("no withdrawal after a decision", wf.UPHELD, "withdraw", None, Conflict),
    ("no second decision", wf.REJECTED, "decide", wf.UPHELD, Conflict),
    ("no material request before review", wf.FILED, "request_material", None, Conflict),
    ("no material supply when none was asked for", wf.IN_REVIEW, "supply_material", None, Conflict),
    ("a withdrawn objection is not reviewed", wf.WITHDRAWN, "take_in_review", None, Conflict),
])
def test_workflow(name, status, action, decision, expected):
    if isinstance(expected, type):
        with pytest.raises(expected):
            wf.next_status(status, action, decision)
    else:
        assert wf.next_status(status, action, decision) == expected


def test_the_documented_enums_are_the_workflow_s():
    """The OpenAPI enums of an objection's status and object are the workflow's own words."""
    from typing import get_args

    from appeal_svc import schemas
    from appeal_svc.rules import workflow
    assert set(get_args(schemas.AppealStatus)) == set(workflow.STATUSES)
    assert set(get_args(schemas.TargetKind)) == set(workflow.TARGET_KINDS)
