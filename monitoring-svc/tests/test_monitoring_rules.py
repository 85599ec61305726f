"""The conditions of monitoring and publicity (rules.py), both sides of each boundary."""
from __future__ import annotations

import datetime as dt

import pytest

from monitoring_svc import rules

D = dt.date


@pytest.mark.parametrize("name, start, end, day, ok", [
    ("the first day is in force", D(2025, 1, 1), D(2025, 12, 31), D(2025, 1, 1), True),
    ("the day before is not", D(2025, 1, 1), D(2025, 12, 31), D(2024, 12, 31), False),
    ("the last day is in force", D(2025, 1, 1), D(2025, 12, 31), D(2025, 12, 31), True),
    ("the day after is not", D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1), False),
    ("no last day: open-ended", D(2025, 1, 1), None, D(2040, 1, 1), True),
])
def test_policy_in_force_includes_both_ends(name, start, end, day, ok):
    check = rules.policy_in_force(start, end, day)
    assert check.ok is ok and check.clause == "二(八)" and check.detail


@pytest.mark.parametrize("start, end, ok", [(D(2025, 1, 1), D(2025, 1, 1), True), (D(2025, 1, 2), D(2025, 1, 1), False),
                                            (D(2025, 1, 1), None, True)])
def test_policy_period_ends_on_or_after_its_start(start, end, ok):
    assert rules.policy_period_valid(start, end).ok is ok


@pytest.mark.parametrize("status, ok", [("published", True), ("draft", False), ("withdrawn", False)])
def test_only_published_policies_are_public(status, ok):
    assert rules.policy_publicly_visible(status).ok is ok


@pytest.mark.parametrize("status, ok", [("acknowledged", True), ("filed", False), ("returned", False)])
def test_a_contact_point_reports_once_the_prefecture_acknowledged_its_filing(status, ok):
    check = rules.contact_point_may_report(status, D(2026, 1, 1))
    assert check.ok is ok and check.clause == "二(七)"


def test_the_acknowledgement_requirement_is_a_dated_parameter_with_its_clause():
    entry = rules.REPORTING_NEEDS_ACKNOWLEDGEMENT.entry_on(D(2026, 1, 1))
    assert entry.value is True and "报地区市场监管局备案" in entry.clause


@pytest.mark.parametrize("followed, ok", [({"A", "B"}, True), ({"B"}, False), (set(), False)])
def test_a_contact_point_reports_only_for_businesses_it_follows(followed, ok):
    assert rules.contact_point_follows(followed, "A").ok is ok


@pytest.mark.parametrize("name, year, quarter, today, ok", [
    ("a quarter that began today is open", 2026, 2, D(2026, 4, 1), True),
    ("the day before it began it is not", 2026, 2, D(2026, 3, 31), False),
    ("a past quarter is open", 2026, 1, D(2026, 7, 1), True),
    ("two years back is still open", 2024, 1, D(2026, 7, 1), True),
    ("three years back is closed", 2023, 4, D(2026, 7, 1), False),
])
def test_a_return_is_for_a_begun_quarter_within_the_lookback(name, year, quarter, today, ok):
    check = rules.return_period_open(year, quarter, today)
    assert check.ok is ok and check.clause == "四(三)"


@pytest.mark.parametrize("published, year, expected", [
    ({2024: "growth", 2025: "development"}, 2025, (2025, "development")),
    ({2024: "growth", 2025: "development"}, 2024, (2024, "growth")),
    ({2024: "growth"}, 2026, (2024, "growth")),
    ({2025: "growth"}, 2024, None),
])
def test_a_quarter_counts_under_the_newest_type_published_for_a_year_not_after_it(published, year, expected):
    assert rules.type_for_quarter(published, year) == expected


@pytest.mark.parametrize("base, limit", [(0, 0), (19, 0), (20, 1), (39, 1), (40, 2)])
def test_the_quota_is_five_percent_of_growth_and_development_rounded_down(base, limit):
    assert rules.quota_limit(base, D(2026, 1, 1)) == limit
