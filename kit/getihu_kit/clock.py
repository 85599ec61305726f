"""The bureau's clock: instants in UTC, days in the bureau's calendar (Asia/Shanghai).

A host's local date is not the bureau's: between 00:00 and 08:00 Beijing time a UTC host is still on
yesterday, and a mark dated the bureau's today would be refused as "in the future". Every "today" of
the platform comes from `today()`; every stored or sent instant from `now()` (timezone-aware UTC).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BUREAU_TZ = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc


def now() -> dt.datetime:
    """This instant, timezone-aware, in UTC."""
    return dt.datetime.now(UTC)


def today() -> dt.date:
    """The bureau's date now (Asia/Shanghai)."""
    return dt.datetime.now(BUREAU_TZ).date()


def local_date(instant: dt.datetime) -> dt.date:
    """The bureau's date of an instant; a naive instant is taken as UTC (how the platform stores them)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(BUREAU_TZ).date()


def as_utc(instant: dt.datetime | None) -> dt.datetime | None:
    """An instant in UTC; a naive one is taken as UTC already."""
    if instant is None:
        return None
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (negative: earlier); 29 February falls back to 28 February
    in a year without it, as Chinese practice counts "满N年" (and as 《民法典》第二百零三条 counts periods
    ending in a month without that day: the period ends on the month's last day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def sql_instant(expr: str) -> str:
    """SQL text that writes the instant `expr` (SQL, e.g. "now()" or "c.received_at") as JSON text
    the way pydantic writes it: UTC with `Z`, microseconds only when there are some
    (`2026-12-01T13:21:19.195584Z`, `2026-12-01T13:21:19Z`), for event payloads built in SQL."""
    return (f"CASE WHEN date_part('microseconds', {expr})::int % 1000000 = 0 "
            f"THEN to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
            f"ELSE to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') END")
