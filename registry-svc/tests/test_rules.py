"""Rule tables: each case names the legal point, both sides of every boundary."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from getihu_kit import clock
from registry_svc import rules

D = dt.date
TODAY = clock.today()


@pytest.mark.parametrize("name, start, end, refused", [
    ("歇业 exactly three years (to the day before the anniversary) is allowed", D(2024, 3, 1), D(2027, 2, 28), False),
    ("歇业 one day past three years is refused", D(2024, 3, 1), D(2027, 3, 1), True),
    ("歇业 from 29 February ends by 27 February three years on", D(2024, 2, 29), D(2027, 2, 27), False),
    ("歇业 from 29 February cannot reach 28 February three years on", D(2024, 2, 29), D(2027, 2, 28), True),
    ("歇业 still open (no resumption yet) is not refused for its length", D(2024, 3, 1), None, False),
    ("resuming after one month is allowed", D(2024, 3, 1), D(2024, 4, 1), False),
])
def test_suspension_legal_maximum_three_years(name, start, end, refused):
    assert (rules.suspension_too_long(start, end) is not None) is refused, name


@pytest.mark.parametrize("name, start, end, refused", [
    ("restored the same day", D(2023, 5, 1), D(2023, 5, 1), False),
    ("restored the day before it began", D(2023, 5, 1), D(2023, 4, 30), True),
    ("not restored", D(2023, 5, 1), None, False),
])
def test_an_end_cannot_precede_its_start(name, start, end, refused):
    assert (rules.end_before_start(start, end) is not None) is refused, name


@pytest.mark.parametrize("name, year, submitted, refused", [
    ("filed on 1 January of the next year", 2023, D(2024, 1, 1), False),
    ("filed on 31 December of the year itself", 2023, D(2023, 12, 31), True),
    ("filed late (补报) after 30 June is still accepted", 2022, D(2024, 11, 1), False),
    ("a year not yet over cannot be reported", TODAY.year, TODAY, True),
])
def test_annual_report_is_for_a_finished_year(name, year, submitted, refused):
    assert (rules.annual_report_timing(year, submitted) is not None) is refused, name


@pytest.mark.parametrize("name, current, since, new, on, refused", [
    ("revoking a registered business", "registered", D(2020, 1, 1), "revoked", D(2024, 1, 1), False),
    ("registering again a registered business", "registered", D(2020, 1, 1), "registered", D(2024, 1, 1), True),
    ("back to registered after 吊销 is a change", "revoked", D(2024, 1, 1), "registered", D(2024, 6, 1), False),
    ("a back-dated record of the same status is history", "revoked", D(2024, 1, 1), "revoked", D(2023, 1, 1), False),
])
def test_a_status_change_must_change_the_status(name, current, since, new, on, refused):
    assert (rules.status_change_allowed(current, since, new, on) is not None) is refused, name


@pytest.mark.parametrize("name, mark, fields", [
    ("a fine needs kind, amount and publicity date", dict(kind="penalty", penalty_kind="罚款", amount=None,
                                                          publicized_on=None), {"amount", "publicized_on"}),
    ("a warning needs no amount", dict(kind="penalty", penalty_kind="警告", amount=None, publicized_on=D(2023, 5, 2)),
     set()),
    ("publicity before the decision is refused", dict(kind="penalty", penalty_kind="警告", amount=None,
                                                      publicized_on=D(2023, 4, 2)), {"publicized_on"}),
    ("an unknown penalty kind is refused", dict(kind="penalty", penalty_kind="打板子", amount=None,
                                                publicized_on=D(2023, 5, 2)), {"penalty_kind"}),
    ("an award needs its level", dict(kind="award", level=None), {"level"}),
    ("an award has no end", dict(kind="award", level="national", end_on=D(2023, 6, 1)), {"end_on"}),
    ("an abnormal mark carries no penalty fields", dict(kind="abnormal", amount=Decimal("5")), {"amount"}),
])
def test_mark_fields_by_kind(name, mark, fields):
    args = dict(start_on=D(2023, 5, 1), end_on=None, penalty_kind=None, amount=None, publicized_on=None, level=None)
    args.update(mark)
    assert {f for f, _ in rules.mark_problems(**args)} == fields, name


def test_suspension_parameter_is_dated():
    assert rules.SUSPENSION_MAX_YEARS.on(D(2024, 1, 1)) == 3
    assert "第三十条" in rules.SUSPENSION_MAX_YEARS.entry_on(D(2024, 1, 1)).clause


# 01:30 in 漠河 on 11 March is still 10 March in UTC (and on a UTC host's own calendar).
BEFORE_8_BEIJING = dt.datetime(2026, 3, 10, 17, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("name, day, refused", [
    ("a mark dated the bureau's today is accepted before 08:00 Beijing time", D(2026, 3, 11), False),
    ("the bureau's tomorrow is still the future", D(2026, 3, 12), True),
])
def test_today_is_the_bureaus_date(name, day, refused):
    today = clock.local_date(BEFORE_8_BEIJING)
    assert today == D(2026, 3, 11) != BEFORE_8_BEIJING.date()
    problems = rules.mark_problems(kind="abnormal", start_on=day, end_on=None, penalty_kind=None, amount=None,
                                   publicized_on=None, level=None, today=today)
    assert (("start_on" in {f for f, _ in problems}) is refused), name


@given(st.dates(min_value=D(2022, 3, 1), max_value=D(2090, 12, 31)), st.integers(min_value=0, max_value=2000))
def test_suspension_end_is_accepted_exactly_up_to_the_legal_end(start, days):
    end = start + dt.timedelta(days=days)
    legal_end = rules.suspension_legal_end(start)
    assert (rules.suspension_too_long(start, end) is None) == (end <= legal_end)
    assert 365 * 3 - 1 <= (legal_end - start).days <= 366 * 3


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18),
       st.sampled_from(sorted(rules.MARK_KINDS)), st.dates(max_value=D(2030, 1, 1)))
def test_mark_id_is_stable_and_distinguishes_kinds(code, kind, start):
    assert rules.mark_id(code, kind, start, None, None) == rules.mark_id(code, kind, start, None, None)
    other = next(k for k in rules.MARK_KINDS if k != kind)
    assert rules.mark_id(code, kind, start, None, None) != rules.mark_id(code, other, start, None, None)
