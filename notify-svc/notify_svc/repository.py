"""Every query of notify-svc. Batch paths are set-based: multi-row inserts, no per-row queries."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from sqlalchemy import func, literal, or_, select, text, union_all, update
from sqlalchemy.orm import Session

from getihu_kit.pagination import PageRequest, scalars_page
from getihu_kit.upserts import any_of, insert_ignore, json_param, json_rows, upsert_newest, upsert_newest_json
from notify_svc.models import ClosedReportYear, Contact, Delivery, Notification, OpenedWindow, Recognition, \
    ReportDue, TypedBusiness


# --- projections --------------------------------------------------------------------------------
CONTACT_COLUMNS = ["name", "region_code", "status", "established_on", "operator_name", "phone", "email",
                   "last_report_year", "version"]


def upsert_contacts(session: Session, rows: list[dict]) -> None:
    """An older version never overwrites a newer one (events may arrive twice or late)."""
    if rows:
        session.execute(upsert_newest(Contact.__table__, ["uscc"], CONTACT_COLUMNS, version="version"), rows)


def upsert_typed(session: Session, rows: list[dict]) -> None:
    # One JSON parameter instead of thousands of placeholders (a year's publication is one batch).
    upsert_newest_json(session, TypedBusiness.__table__, rows, keys=["uscc", "year"],
                       columns=["type", "region_code", "version"], version="version")


RECOGNITION_COLUMNS = ["uscc", "region_code", "category", "status", "recognised_on", "valid_until", "changed_at"]


def upsert_recognitions(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(upsert_newest(Recognition.__table__, ["recognition_id"], RECOGNITION_COLUMNS,
                                      version="changed_at"), rows)


REPORT_DUE_COLUMNS = ["uscc", "region_code", "kind", "status", "opened_on", "due_on", "changed_at"]


def upsert_report_dues(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(upsert_newest(ReportDue.__table__, ["recognition_id"], REPORT_DUE_COLUMNS,
                                      version="changed_at"), rows)


def report_dues_in_reminder(session: Session, *, on: dt.date, lead_days: int, after: str,
                            limit: int) -> list[tuple[str, str, str, dt.date, dt.date | None, str | None]]:
    """(recognition_id, uscc, region_code, due_on, opened_on, name) of open reports due within `lead_days` of `on`
    (not yet lapsed), of recognitions still in force."""
    rows = session.execute(
        select(ReportDue.recognition_id, ReportDue.uscc, ReportDue.region_code, ReportDue.due_on,
               ReportDue.opened_on, Contact.name)
        .outerjoin(Contact, Contact.uscc == ReportDue.uscc)
        .join(Recognition, Recognition.recognition_id == ReportDue.recognition_id)
        .where(ReportDue.status == "open", ReportDue.due_on >= on,
               ReportDue.due_on <= on + dt.timedelta(days=lead_days),
               Recognition.status.in_(("granted", "extended")), ReportDue.recognition_id > after)
        .order_by(ReportDue.recognition_id).limit(limit)).all()
    return [tuple(r) for r in rows]


def record_window(session: Session, row: dict) -> None:
    session.execute(insert_ignore(OpenedWindow.__table__), [row])


def windows_open(session: Session, *, years: Iterable[int], region_codes: Iterable[str],
                 on: dt.date) -> list[OpenedWindow]:
    """Windows of these years and regions still open on `on` (one query per batch)."""
    years, region_codes = list(set(years)), [r for r in set(region_codes) if r]
    if not years or not region_codes:
        return []
    return list(session.execute(select(OpenedWindow).where(
        OpenedWindow.year.in_(years), any_of(OpenedWindow.region_code, region_codes),
        OpenedWindow.closes_on >= on)).scalars().all())


def record_closed_year(session: Session, *, report_year: int, closed_on: dt.date) -> None:
    session.execute(insert_ignore(ClosedReportYear.__table__),
                    [{"report_year": report_year, "closed_on": closed_on}])


def is_report_year_closed(session: Session, report_year: int) -> bool:
    return session.get(ClosedReportYear, report_year) is not None


def contact_names(session: Session, usccs: Iterable[str]) -> dict[str, tuple[str | None, str]]:
    """uscc → (name, region_code) for the businesses we know, in one query."""
    wanted = list(set(usccs))
    if not wanted:
        return {}
    rows = session.execute(select(Contact.uscc, Contact.name, Contact.region_code)
                           .where(any_of(Contact.uscc, wanted))).all()
    return {u: (n, r) for u, n, r in rows}


def contact(session: Session, uscc: str) -> Contact | None:
    return session.get(Contact, uscc)


def eligible_for_window(session: Session, *, year: int, region_code: str, types: tuple[str, ...],
                        chunk: int) -> Iterator[list[tuple[str, str, str | None]]]:
    """(uscc, type, name) of the year's typed businesses of a region, in keyset chunks."""
    after = ""
    while True:
        rows = session.execute(
            select(TypedBusiness.uscc, TypedBusiness.type, Contact.name)
            .outerjoin(Contact, Contact.uscc == TypedBusiness.uscc)
            .where(TypedBusiness.year == year, TypedBusiness.region_code == region_code,
                   TypedBusiness.type.in_(types), TypedBusiness.uscc > after)
            .order_by(TypedBusiness.uscc).limit(chunk)).all()
        if not rows:
            return
        yield [tuple(r) for r in rows]
        after = rows[-1][0]


# --- notifications ------------------------------------------------------------------------------
_NOTIFICATION_COLUMNS = ("event_id", "event_type", "recipient", "template_code", "template_version", "title",
                         "body", "uscc", "region_code", "data", "created_at")


def insert_notifications(session: Session, rows: list[dict]) -> list[int]:
    """Multi-row insert; a row whose (event, recipient, template) exists is skipped. New ids back.

    The rows travel as one JSON parameter expanded by jsonb_to_recordset: a statement of fixed text,
    where a VALUES list of thousands of placeholders costs more to build and parse than to execute.
    """
    if not rows:
        return []
    names = ", ".join(_NOTIFICATION_COLUMNS)
    stmt = text(f"INSERT INTO notifications ({names}) "
                f"SELECT {names} FROM {json_rows(Notification.__table__, _NOTIFICATION_COLUMNS).text} "
                "ON CONFLICT ON CONSTRAINT uq_notifications_event_recipient_template DO NOTHING RETURNING id")
    return list(session.execute(stmt, {"rows": json_param(rows)}).scalars().all())


def create_deliveries(session: Session, *, notification_ids: list[int], channels: dict[str, list[str]],
                      now: dt.datetime) -> None:
    """One delivery per new business notification, per channel its template uses, when the business has
    that contact: one INSERT … SELECT joining the contact projection (channels: name → template codes)."""
    channels = {ch: codes for ch, codes in channels.items() if codes}
    if not notification_ids or not channels:
        return
    n, c = Notification.__table__, Contact.__table__
    parts = []
    for channel, codes in channels.items():
        address = c.c.email if channel == "email" else c.c.phone
        parts.append(
            select(n.c.id, literal(channel), n.c.recipient, address, n.c.region_code, literal("pending"),
                   literal(0), literal(now), literal(0))
            .select_from(n.join(c, c.c.uscc == n.c.uscc))
            .where(any_of(n.c.id, notification_ids), n.c.template_code.in_(codes),
                   n.c.recipient == literal("uscc:") + n.c.uscc, address.is_not(None), address != ""))
    sel = parts[0] if len(parts) == 1 else union_all(*parts)
    d = Delivery.__table__
    stmt = insert_ignore(d).from_select(
        ["notification_id", "channel", "recipient", "address", "region_code", "status", "attempts",
         "next_attempt_at", "deferred"], sel)
    session.execute(stmt)


def inbox_page(session: Session, *, recipients: list[str], unread: bool | None,
               page: PageRequest) -> tuple[list[Notification], str | None]:
    """Newest first."""
    q = select(Notification).where(Notification.recipient.in_(recipients))
    if unread is True:
        q = q.where(Notification.read_at.is_(None))
    elif unread is False:
        q = q.where(Notification.read_at.is_not(None))
    return scalars_page(session, q, keys=[Notification.id], page=page, descending=True)


def unread_count(session: Session, *, recipients: list[str]) -> int:
    return session.execute(select(func.count()).select_from(Notification).where(
        Notification.recipient.in_(recipients), Notification.read_at.is_(None))).scalar_one()


def notification(session: Session, notification_id: int) -> Notification | None:
    return session.get(Notification, notification_id)


def mark_read(session: Session, *, recipient: str, ids: list[int] | None, now: dt.datetime) -> int:
    q = update(Notification).where(Notification.recipient == recipient, Notification.read_at.is_(None))
    if ids is not None:
        q = q.where(Notification.id.in_(ids))
    return session.execute(q.values(read_at=now)).rowcount


def notifications_of_event(session: Session, event_id: str) -> list[Notification]:
    return list(session.execute(select(Notification).where(Notification.event_id == event_id)
                                .order_by(Notification.id)).scalars().all())


# --- deliveries ---------------------------------------------------------------------------------
def deliveries_of(session: Session, notification_id: int) -> list[Delivery]:
    return list(session.execute(select(Delivery).where(Delivery.notification_id == notification_id)
                                .order_by(Delivery.id)).scalars().all())


def delivery(session: Session, delivery_id: int, *, for_update: bool = False) -> Delivery | None:
    q = select(Delivery).where(Delivery.id == delivery_id)
    if for_update:
        q = q.with_for_update()
    return session.execute(q).scalar_one_or_none()


def delivery_page(session: Session, *, status: str | None, region_code: str | None, channel: str | None,
                  page: PageRequest) -> tuple[list[Delivery], str | None]:
    q = select(Delivery)
    if status:
        q = q.where(Delivery.status == status)
    if region_code:
        q = q.where(Delivery.region_code == region_code)
    if channel:
        q = q.where(Delivery.channel == channel)
    return scalars_page(session, q, keys=[Delivery.id], page=page)


def claim_due(session: Session, *, now: dt.datetime, lease_until: dt.datetime, limit: int) -> list[dict]:
    """Take up to `limit` due deliveries and lease them, so a second worker does not send them too."""
    q = (select(Delivery.id).where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
         .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit).with_for_update(skip_locked=True))
    ids = list(session.execute(q).scalars().all())
    if not ids:
        return []
    session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(next_attempt_at=lease_until))
    n = Notification.__table__
    rows = session.execute(
        select(Delivery.id, Delivery.channel, Delivery.recipient, Delivery.address, Delivery.attempts,
               n.c.title, n.c.body, n.c.template_code, n.c.template_version)
        .join(n, n.c.id == Delivery.notification_id).where(Delivery.id.in_(ids)).order_by(Delivery.id)).all()
    return [dict(r._mapping) for r in rows]


def sent_in_window(session: Session, *, channel: str, recipients: list[str],
                   since: dt.datetime) -> dict[str, tuple[int, dt.datetime]]:
    """recipient → (count, oldest sent_at) of `channel` messages sent since `since`."""
    if not recipients:
        return {}
    rows = session.execute(
        select(Delivery.recipient, func.count(), func.min(Delivery.sent_at))
        .where(Delivery.channel == channel, Delivery.recipient.in_(recipients), Delivery.status == "sent",
               Delivery.sent_at > since)
        .group_by(Delivery.recipient)).all()
    return {r: (c, m) for r, c, m in rows}


def mark_sending(session: Session, *, delivery_id: int, now: dt.datetime) -> bool:
    """Claim one leased delivery for one call of the provider, committed before the call. False when
    it is no longer pending (another worker took it after this one's lease ran out)."""
    done = session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.status == "pending")
                           .values(status="sending", sending_since=now))
    return done.rowcount == 1


def mark_unknown(session: Session, *, sending_before: dt.datetime) -> int:
    """Deliveries claimed for a call before `sending_before` and never recorded: the worker stopped
    between the provider's answer and the commit. Whether the message went out is unknown, so it is
    not sent again by itself (at most once): staff see it and may resend."""
    done = session.execute(update(Delivery).where(Delivery.status == "sending",
                                                  Delivery.sending_since < sending_before)
                           .values(status="unknown", last_error=UNKNOWN_OUTCOME))
    return done.rowcount


UNKNOWN_OUTCOME = "发送结果未知：调用发送服务后未能记录结果（进程中断）。请核实收件人是否收到，需要时重新投递"


def record_sent(session: Session, *, delivery_id: int, now: dt.datetime) -> None:
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
        status="sent", sent_at=now, attempts=Delivery.attempts + 1, last_error=None, sending_since=None))


def record_failure(session: Session, *, delivery_id: int, error: str, dead: bool,
                   next_attempt_at: dt.datetime) -> None:
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
        status="dead" if dead else "pending", attempts=Delivery.attempts + 1, last_error=error[:2000],
        next_attempt_at=next_attempt_at, sending_since=None))


def record_deferred(session: Session, *, delivery_id: int, until: dt.datetime) -> None:
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(
        next_attempt_at=until, deferred=Delivery.deferred + 1))


# --- reminders ----------------------------------------------------------------------------------
def annual_report_candidates(session: Session, *, report_year: int, after: str,
                             limit: int) -> list[tuple[str, str | None, str]]:
    """Registered businesses established before the typing year with no report for `report_year`."""
    first_of_next = dt.date(report_year + 1, 1, 1)
    rows = session.execute(
        select(Contact.uscc, Contact.name, Contact.region_code)
        .where(Contact.status == "registered", Contact.established_on < first_of_next,
               or_(Contact.last_report_year.is_(None), Contact.last_report_year < report_year),
               Contact.uscc > after)
        .order_by(Contact.uscc).limit(limit)).all()
    return [tuple(r) for r in rows]


def active_recognitions(session: Session, *, on: dt.date, valid_until_before: dt.date | None, after: str,
                        limit: int) -> list[tuple[str, str, str, str, dt.date, str | None]]:
    """(recognition_id, uscc, region_code, category, valid_until, name) valid on `on`."""
    q = (select(Recognition.recognition_id, Recognition.uscc, Recognition.region_code, Recognition.category,
                Recognition.valid_until, Contact.name)
         .outerjoin(Contact, Contact.uscc == Recognition.uscc)
         .where(Recognition.status.in_(("granted", "extended")), Recognition.valid_until >= on,
                Recognition.recognition_id > after))
    if valid_until_before is not None:
        q = q.where(Recognition.valid_until <= valid_until_before)
    rows = session.execute(q.order_by(Recognition.recognition_id).limit(limit)).all()
    return [tuple(r) for r in rows]


def count_notifications(session: Session, **where) -> int:
    q = select(func.count()).select_from(Notification)
    for k, v in where.items():
        q = q.where(getattr(Notification, k) == v)
    return session.execute(q).scalar_one()

