"""Reminders: annual report by 30 June, the recognised businesses' info report by 31 July (and the one
due after an operator change, before its deadline), and validity ending. The scheduler creates each at most once per (business, reminder, year): the
reminder's event id is `reminder:<kind>:<year>`, so the (event, recipient, template) constraint
makes a second run — or a second worker — a no-op. The date is a parameter, so tests pick it.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import clock
from getihu_kit.db import unit_of_work
from getihu_kit.labels import category_label
from getihu_kit.parameters import DatedParameter
from getihu_kit.worker import periodic
from notify_svc import repository
from notify_svc.notifying import Channels, Wanted, business, store
from notify_svc.settings import Settings

log = logging.getLogger(__name__)
REMINDER_EVENT_TYPE = "getihu.notify.reminder.v1"


@dataclass(frozen=True)
class ReminderSeason:
    """When a yearly report is due, and how many days ahead the reminder season starts."""
    due_month: int
    due_day: int
    lead_days: int

    def due_on(self, year: int) -> dt.date:
        return dt.date(year, self.due_month, self.due_day)

    def in_season(self, today: dt.date) -> bool:
        due = self.due_on(today.year)
        return due - dt.timedelta(days=self.lead_days) <= today <= due


ANNUAL_REPORT_SEASON = DatedParameter.of(
    "annual_report_reminder", ReminderSeason(6, 30, 30), dt.date(2014, 10, 1),
    "《个体工商户年度报告暂行办法》第三条：每年1月1日至6月30日报送上一年度年度报告",
    "年度报告截止日及提前提醒天数")
INFO_REPORT_SEASON = DatedParameter.of(
    "info_report_reminder", ReminderSeason(7, 31, 30), dt.date(2024, 7, 1),
    "附件1 二（六）：有效期内，“名特优新”个体工商户应当通过培育平台，于每年7月底前完成信息报告",
    "“名特优新”信息报告截止日及提前提醒天数")
VALIDITY_WARNING_DAYS = DatedParameter.of(
    "validity_warning_days", 90, dt.date(2024, 7, 1),
    "附件1 二（六）：认定有效期为3年；在分类有效期的最后一年，由认定部门进行评估",
    "认定有效期届满前提前提醒的天数")


OPERATOR_CHANGE_REMINDER_DAYS = DatedParameter.of(
    "operator_change_reminder_days", 7, dt.date(2024, 7, 1),
    "附件1 二（六）：个体工商户变更经营者的，要在变更后及时报告（文件未规定提醒时间，平台在截止日前7日提醒）",
    "变更经营者后信息报告截止日前提前提醒的天数")


def annual_report_due(today: dt.date) -> tuple[int, dt.date] | None:
    """(report year, due date) when the annual-report reminder season is on, else None.

    “每年1月1日至6月30日报送上一年度年度报告” — reminders go out in the last `lead_days` before 30 June.
    """
    season = ANNUAL_REPORT_SEASON.on(today)
    if not season.in_season(today):
        return None
    return today.year - 1, season.due_on(today.year)


def info_report_due(today: dt.date) -> dt.date | None:
    """The info-report due date when its reminder season is on, else None.

    “有效期内，“名特优新”个体工商户应当通过培育平台，于每年7月底前完成信息报告。”
    """
    season = INFO_REPORT_SEASON.on(today)
    if not season.in_season(today):
        return None
    return season.due_on(today.year)


def validity_warning_days(today: dt.date) -> int:
    """How many days before valid_until the validity-ending reminder goes out.

    “名特优新”个体工商户认定有效期为3年 … 在分类有效期的最后一年，由认定部门 … 进行评估。
    """
    return VALIDITY_WARNING_DAYS.on(today)


def create_reminders(session: Session, *, today: dt.date, chunk: int, channels: Channels,
                     now: dt.datetime | None = None) -> dict[str, int]:
    """Create the reminders due on `today` (idempotent). Returns how many new ones of each kind."""
    now = now or dt.datetime.combine(today, dt.time(8, 0), dt.timezone.utc)
    made = {"annual_report": 0, "info_report": 0, "operator_change_report": 0, "validity_ending": 0}

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
                              "category_label": category_label(c), "due_on": info_due.isoformat(),
                              "recognition_id": rid}, u, r) for rid, u, r, c, _, n in rows]
            made["info_report"] += len(store(session, wanted, now=now, channels=channels))
            after = rows[-1][0]

    # 二(六) 变更后及时报告: once per due report (its recognition and deadline), in the last days before it lapses
    after = ""
    lead = OPERATOR_CHANGE_REMINDER_DAYS.on(today)
    while rows := repository.report_dues_in_reminder(session, on=today, lead_days=lead, after=after, limit=chunk):
        wanted = [Wanted(f"reminder:operator_change_report:{rid}:{due.isoformat()}", REMINDER_EVENT_TYPE,
                         business(u), "reminder.operator_change_report",
                         {"uscc": u, "name": n or "个体工商户", "recognition_id": rid, "due_on": due.isoformat(),
                          "opened_on": opened.isoformat() if opened else "近日"}, u, r)
                  for rid, u, r, due, opened, n in rows]
        made["operator_change_report"] += len(store(session, wanted, now=now, channels=channels))
        after = rows[-1][0]

    horizon = today + dt.timedelta(days=validity_warning_days(today))
    after = ""
    while rows := repository.active_recognitions(session, on=today, valid_until_before=horizon, after=after,
                                                 limit=chunk):
        wanted = [Wanted(f"reminder:validity_ending:{vu.year}", REMINDER_EVENT_TYPE, business(u),
                         "reminder.validity_ending",
                         {"uscc": u, "name": n or "个体工商户", "category": c,
                          "category_label": category_label(c), "valid_until": vu.isoformat(),
                          "recognition_id": rid}, u, r) for rid, u, r, c, vu, n in rows]
        made["validity_ending"] += len(store(session, wanted, now=now, channels=channels))
        after = rows[-1][0]
    return made


def reminder_loop(settings: Settings, channels: Channels):
    """The worker loop: check the reminders once at start and then every reminder_poll_s seconds."""
    def round_(engine: Engine, sessions: sessionmaker[Session]) -> None:
        with unit_of_work(sessions) as session:
            made = create_reminders(session, today=clock.today(), chunk=settings.reminder_chunk,
                                    channels=channels, now=clock.now())
        if any(made.values()):
            log.info("reminders created: %s", made)
    return periodic("reminder-loop", settings.reminder_poll_s, round_)
