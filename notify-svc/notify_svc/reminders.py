"""Reminders: annual report by 30 June, the recognised businesses' info report by 31 July, and
validity ending. The scheduler creates each at most once per (business, reminder, year): the
reminder's event id is `reminder:<kind>:<year>`, so the (event, recipient, template) constraint
makes a second run — or a second worker — a no-op. The date is a parameter, so tests pick it.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from getihu_kit.db import unit_of_work
from notify_svc import repository, templates
from notify_svc.notifying import Channels, Wanted, business, store
from notify_svc.settings import Settings

log = logging.getLogger(__name__)
REMINDER_EVENT_TYPE = "getihu.notify.reminder.v1"


@dataclass(frozen=True)
class ReminderRule:
    """A dated reminder parameter: in force from `effective_from`, with the clause it rests on."""
    effective_from: dt.date
    due_month: int
    due_day: int
    lead_days: int
    clause: str

    def due_on(self, year: int) -> dt.date:
        return dt.date(year, self.due_month, self.due_day)

    def in_season(self, today: dt.date) -> bool:
        due = self.due_on(today.year)
        return due - dt.timedelta(days=self.lead_days) <= today <= due


ANNUAL_REPORT_RULES = [ReminderRule(dt.date(2014, 10, 1), 6, 30, 30,
                                    "《个体工商户年度报告暂行办法》第三条：每年1月1日至6月30日报送上一年度年度报告")]
INFO_REPORT_RULES = [ReminderRule(dt.date(2024, 7, 1), 7, 31, 30,
                                  "附件1 二（六）：有效期内，“名特优新”个体工商户应当通过培育平台，于每年7月底前完成信息报告")]
# 附件1 二（六）: valid 3 years; in the last year the recognising department evaluates and may extend.
VALIDITY_WARNING_DAYS = [(dt.date(2024, 7, 1), 90)]


def _in_force(rules, on: dt.date):
    chosen = None
    for r in rules:
        if (r.effective_from if isinstance(r, ReminderRule) else r[0]) <= on:
            chosen = r
    return chosen


def annual_report_due(today: dt.date) -> tuple[int, dt.date] | None:
    """(report year, due date) when the annual-report reminder season is on, else None.

    “每年1月1日至6月30日报送上一年度年度报告” — reminders go out in the last `lead_days` before 30 June.
    """
    rule = _in_force(ANNUAL_REPORT_RULES, today)
    if rule is None or not rule.in_season(today):
        return None
    return today.year - 1, rule.due_on(today.year)


def info_report_due(today: dt.date) -> dt.date | None:
    """The info-report due date when its reminder season is on, else None.

    “有效期内，“名特优新”个体工商户应当通过培育平台，于每年7月底前完成信息报告。”
    """
    rule = _in_force(INFO_REPORT_RULES, today)
    if rule is None or not rule.in_season(today):
        return None
    return rule.due_on(today.year)


def validity_warning_days(today: dt.date) -> int:
    """How many days before valid_until the validity-ending reminder goes out.

    “名特优新”个体工商户认定有效期为3年 … 在分类有效期的最后一年，由认定部门 … 进行评估。
    """
    return _in_force(VALIDITY_WARNING_DAYS, today)[1]


def create_reminders(session: Session, *, today: dt.date, chunk: int, channels: Channels,
                     now: dt.datetime | None = None) -> dict[str, int]:
    """Create the reminders due on `today` (idempotent). Returns how many new ones of each kind."""
    now = now or dt.datetime.combine(today, dt.time(8, 0), dt.timezone.utc)
    made = {"annual_report": 0, "info_report": 0, "validity_ending": 0}

    annual = annual_report_due(today)
    if annual is not None and not repository.is_report_year_closed(session, annual[0]):
        report_year, due = annual
        after = ""
        while rows := repository.annual_report_candidates(session, report_year=report_year, after=after, limit=chunk):
            wanted = [Wanted(f"reminder:annual_report:{today.year}", REMINDER_EVENT_TYPE, business(u),
                             "reminder.annual_report",
                             {"uscc": u, "name": n or "个体工商户", "report_year": report_year,
                              "due_on": due.isoformat()}, u, r) for u, n, r in rows]
            made["annual_report"] += len(store(session, wanted, now=now, channels=channels))
            after = rows[-1][0]

    info_due = info_report_due(today)
    if info_due is not None:
        after = ""
        while rows := repository.active_recognitions(session, on=today, valid_until_before=None, after=after,
                                                     limit=chunk):
            wanted = [Wanted(f"reminder:info_report:{today.year}", REMINDER_EVENT_TYPE, business(u),
                             "reminder.info_report",
                             {"uscc": u, "name": n or "个体工商户", "category": c,
                              "category_label": templates.category_label(c), "due_on": info_due.isoformat(),
                              "recognition_id": rid}, u, r) for rid, u, r, c, _, n in rows]
            made["info_report"] += len(store(session, wanted, now=now, channels=channels))
            after = rows[-1][0]

    horizon = today + dt.timedelta(days=validity_warning_days(today))
    after = ""
    while rows := repository.active_recognitions(session, on=today, valid_until_before=horizon, after=after,
                                                 limit=chunk):
        wanted = [Wanted(f"reminder:validity_ending:{vu.year}", REMINDER_EVENT_TYPE, business(u),
                         "reminder.validity_ending",
                         {"uscc": u, "name": n or "个体工商户", "category": c,
                          "category_label": templates.category_label(c), "valid_until": vu.isoformat(),
                          "recognition_id": rid}, u, r) for rid, u, r, c, vu, n in rows]
        made["validity_ending"] += len(store(session, wanted, now=now, channels=channels))
        after = rows[-1][0]
    return made


def reminder_loop(settings: Settings, channels: Channels):
    """The worker loop: check the reminders once at start and then every reminder_poll_s seconds."""
    def run(engine, sessions: sessionmaker[Session], stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                with unit_of_work(sessions) as session:
                    made = create_reminders(session, today=dt.date.today(), chunk=settings.reminder_chunk,
                                            channels=channels, now=dt.datetime.now(dt.timezone.utc))
                if any(made.values()):
                    log.info("reminders created: %s", made)
            except Exception:  # noqa: BLE001 - try again next round
                log.exception("reminder round failed")
            stop.wait(settings.reminder_poll_s)
    run.__name__ = "reminder-loop"
    return run
