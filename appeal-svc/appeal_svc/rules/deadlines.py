"""Reply deadlines counted in working days (Mon–Fri minus holidays, plus 调休 working weekends)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from appeal_svc.rules import DatedParameter

REPLY_DUE_WORKING_DAYS = DatedParameter(
    15, dt.date(2024, 1, 1),
    "附件1 一(三)3 异议处理（参照市监注发〔2022〕76号处理申诉异议的要求）；期限由本平台配置，默认15个工作日")


def is_working_day(day: dt.date, *, holidays: Iterable[dt.date] = (),
                   extra_working_days: Iterable[dt.date] = ()) -> bool:
    """Monday to Friday, except a configured public holiday; a configured 调休 weekend day works."""
    if day in set(extra_working_days):
        return True
    return day.weekday() < 5 and day not in set(holidays)


def add_working_days(start: dt.date, days: int, *, holidays: Iterable[dt.date] = (),
                     extra_working_days: Iterable[dt.date] = ()) -> dt.date:
    """The date `days` working days after `start` (the filing day itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    hol, extra = frozenset(holidays), frozenset(extra_working_days)
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays=hol, extra_working_days=extra):
            left -= 1
    return day


def reply_due_on(filed_on: dt.date, *, working_days: int, holidays: Iterable[dt.date] = (),
                 extra_working_days: Iterable[dt.date] = ()) -> dt.date:
    """附件1 一(三)3：“省市场监管局将及时处理平台异议留言，对符合标准的，及时调整分型结果，并答复申诉人。”

    “及时”is made concrete as a reply due a configured number of working days after filing.
    """
    return add_working_days(filed_on, working_days, holidays=holidays, extra_working_days=extra_working_days)


def is_overdue(due_on: dt.date, today: dt.date, *, open_: bool) -> bool:
    """An objection still open after its due day is overdue; a closed one never is."""
    return open_ and today > due_on
