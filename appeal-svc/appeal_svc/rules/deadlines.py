"""Reply deadlines counted in working days of the bureau's calendar (kit.workdays: Monday to Friday,
minus the State Council's holidays, plus its make-up working days and any local extra dates)."""
from __future__ import annotations

import datetime as dt

from getihu_kit.parameters import DatedParameter
from getihu_kit.workdays import NATIONAL, WorkingCalendar

REPLY_DUE_WORKING_DAYS = DatedParameter.of(
    "reply_due_working_days", 15, dt.date(2024, 1, 1),
    "附件1 一(三)3 异议处理（参照市监注发〔2022〕76号处理申诉异议的要求）；期限由本平台配置，默认15个工作日")


def reply_due_on(filed_on: dt.date, *, calendar: WorkingCalendar = NATIONAL,
                 working_days: int | None = None) -> dt.date:
    """附件1 一(三)3：“省市场监管局将及时处理平台异议留言，对符合标准的，及时调整分型结果，并答复申诉人。”

    “及时”is made concrete as a reply due a number of working days after filing (the filing day
    itself not counted): the deployment's setting, else the parameter in force on the filing day.
    """
    days = REPLY_DUE_WORKING_DAYS.on(filed_on) if working_days is None else working_days
    return calendar.add_working_days(filed_on, days)


def is_overdue(due_on: dt.date, today: dt.date, *, open_: bool) -> bool:
    """An objection still open after its due day is overdue; a closed one never is."""
    return open_ and today > due_on
