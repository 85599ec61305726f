"""The bureau's clock and working-day calendar, and dated parameters."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from getihu_kit import clock
from getihu_kit.parameters import Dated, DatedParameter, by_name
from getihu_kit.workdays import NATIONAL, known_years, make_calendar, notice


def test_bureau_today_is_beijing_date_not_the_hosts(monkeypatch):
    # 2026-12-01 23:30 UTC is already 2 December in Beijing: a UTC host would say the 1st.
    fixed = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.timezone.utc)

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return fixed.astimezone(tz) if tz else fixed.replace(tzinfo=None)
    monkeypatch.setattr(clock.dt, "datetime", Frozen)
    assert clock.today() == dt.date(2026, 12, 2)
    assert clock.now().tzinfo is not None and clock.now().utcoffset() == dt.timedelta(0)


def test_local_date_takes_naive_instants_as_utc():
    assert clock.local_date(dt.datetime(2026, 6, 30, 16, 0)) == dt.date(2026, 7, 1)
    assert clock.local_date(dt.datetime(2026, 6, 30, 15, 59, tzinfo=dt.timezone.utc)) == dt.date(2026, 6, 30)


@pytest.mark.parametrize("day, years, expected", [
    ("2024-02-29", 1, "2025-02-28"),   # 29 February falls back in a common year
    ("2024-02-29", 4, "2028-02-29"),   # and stays in a leap year
    ("2026-06-30", -2, "2024-06-30"),  # R minus 2 years (附件1 一(四) 成立满2年)
    ("2024-02-29", -2, "2022-02-28"),
    ("2023-03-01", 3, "2026-03-01"),
])
def test_add_years(day, years, expected):
    assert clock.add_years(dt.date.fromisoformat(day), years) == dt.date.fromisoformat(expected)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(-30, 30))
def test_add_years_keeps_month_and_moves_the_year(day, years):
    out = clock.add_years(day, years)
    assert (out.year, out.month) == (day.year + years, day.month)
    assert out.day == day.day or (day.month, day.day, out.day) == (2, 29, 28)


def test_state_council_2026_arrangement():
    n = notice(2026)
    assert n is not None and "2026" in n.source
    assert not NATIONAL.is_working_day(dt.date(2026, 2, 16))   # 春节 holiday, a Monday
    assert NATIONAL.is_working_day(dt.date(2026, 2, 14))       # 调休: a Saturday that works
    assert NATIONAL.is_working_day(dt.date(2026, 10, 10))      # 国庆 make-up Saturday
    assert not NATIONAL.is_working_day(dt.date(2026, 10, 7))   # 国庆 holiday, a Wednesday
    assert NATIONAL.is_working_day(dt.date(2026, 10, 8))       # the Thursday after
    assert not NATIONAL.is_working_day(dt.date(2026, 10, 11))  # an ordinary Sunday
    for year in known_years():
        n = notice(year)
        assert all(d.weekday() >= 5 for d in n.working_days), "make-up working days fall on weekends"
        assert all(d.year == year for d in n.holidays | n.working_days)


def test_working_days_across_the_national_day_week():
    # Filed on 30 September 2026 (Wednesday): 1–7 October are holidays, 10 October is a make-up day.
    assert NATIONAL.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert NATIONAL.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert NATIONAL.add_working_days(dt.date(2026, 9, 30), 4) == dt.date(2026, 10, 12)
    assert NATIONAL.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 10)) == 3


def test_a_year_without_a_notice_counts_plain_weeks_and_local_dates_apply():
    assert notice(2099) is None
    assert NATIONAL.is_working_day(dt.date(2099, 1, 1))  # a Thursday, no arrangement shipped
    local = make_calendar(extra_holidays=[dt.date(2099, 1, 2)], extra_working_days=[dt.date(2099, 1, 3)])
    assert not local.is_working_day(dt.date(2099, 1, 2)) and local.is_working_day(dt.date(2099, 1, 3))
    with pytest.raises(ValueError):
        NATIONAL.add_working_days(dt.date(2026, 1, 5), -1)


QUOTA = DatedParameter.of("quota_ratio", 5, dt.date(2024, 1, 1), "二(四)3：……5%以内").then(
    4, dt.date(2027, 1, 1), "a later decision")


@pytest.mark.parametrize("day, value", [("2023-12-31", 5), ("2024-01-01", 5), ("2026-12-31", 5), ("2027-01-01", 4)])
def test_dated_parameter_value_in_force(day, value):
    assert QUOTA.on(dt.date.fromisoformat(day)) == value


def test_dated_parameter_keeps_its_clause_and_refuses_two_values_from_one_day():
    assert QUOTA.entry_on(dt.date(2025, 1, 1)).clause.startswith("二(四)3")
    assert QUOTA.current.value == 4
    assert QUOTA.describe()["series"][0] == {"value": "5", "in_force_from": "2024-01-01", "clause": "二(四)3：……5%以内"}
    with pytest.raises(ValueError):
        DatedParameter("x", (Dated(1, dt.date(2024, 1, 1), "a"), Dated(2, dt.date(2024, 1, 1), "b")))
    with pytest.raises(ValueError):
        DatedParameter("x", ())
    with pytest.raises(ValueError):
        by_name([QUOTA, QUOTA])
