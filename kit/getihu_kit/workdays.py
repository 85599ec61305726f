"""The working-day calendar: Monday to Friday, minus the State Council's public holidays, plus its
make-up working days (调休上班).

The dates come from the yearly notice of the General Office of the State Council (国务院办公厅关于
YYYY年部分节假日安排的通知), one data file per year in `calendar_data/` with the notice it copies.
A year without a file counts plain Monday-to-Friday weeks: add the file when the notice is out
(each November for the next year). Extra local dates (a county's own closure) are a deployment's
setting, passed as `extra_holidays` / `extra_working_days`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from collections.abc import Iterable


@dataclass(frozen=True)
class YearNotice:
    year: int
    source: str
    holidays: frozenset[dt.date]
    working_days: frozenset[dt.date]


def _dates(values: Iterable[str]) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(v) for v in values)


@lru_cache(maxsize=None)
def notice(year: int) -> YearNotice | None:
    """The State Council's arrangement for `year`, or None when no file is shipped for it."""
    path = resources.files("getihu_kit").joinpath("calendar_data", f"{year}.json")
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    return YearNotice(year=year, source=doc["source"], holidays=_dates(doc["holidays"]),
                      working_days=_dates(doc["working_days"]))


def known_years() -> list[int]:
    folder = resources.files("getihu_kit").joinpath("calendar_data")
    return sorted(int(p.name.removesuffix(".json")) for p in folder.iterdir() if p.name.endswith(".json"))


@dataclass(frozen=True)
class WorkingCalendar:
    extra_holidays: frozenset[dt.date] = frozenset()
    extra_working_days: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        """A working day: a make-up Saturday/Sunday works; a public holiday does not; else Mon–Fri."""
        n = notice(day.year)
        if day in self.extra_working_days or (n is not None and day in n.working_days):
            return True
        if day in self.extra_holidays or (n is not None and day in n.holidays):
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, left = start, days
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def make_calendar(extra_holidays: Iterable[dt.date] = (), extra_working_days: Iterable[dt.date] = ()) -> WorkingCalendar:
    return WorkingCalendar(frozenset(extra_holidays), frozenset(extra_working_days))


NATIONAL = WorkingCalendar()
