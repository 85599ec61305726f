"""Queries of recognitions and information reports."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, func, select, text, update
from sqlalchemy.orm import Session

from getihu_kit.idempotency import lock_id
from getihu_kit.upserts import any_of

from cultivation_svc.recognitions.models import InfoReport, Recognition

ACTIVE = ("granted", "extended")


def get(session: Session, rec_id: str, *, lock: bool = False) -> Recognition | None:
    return session.get(Recognition, rec_id, with_for_update=lock)


def active_for_uscc(session: Session, uscc: str, on: dt.date) -> Recognition | None:
    return session.scalars(select(Recognition).where(Recognition.uscc == uscc, Recognition.status.in_(ACTIVE),
                                                     Recognition.valid_until >= on)).first()


def active_for_person(session: Session, region_code: str, id_number: str | None, on: dt.date,
                      other_than: str) -> Recognition | None:
    if not id_number:
        return None
    return session.scalars(select(Recognition).where(
        Recognition.region_code == region_code, Recognition.operator_id_number == id_number,
        Recognition.uscc != other_than, Recognition.status.in_(ACTIVE), Recognition.valid_until >= on)).first()


def lock_county_quota(session: Session, region_code: str, year: int) -> None:
    """二(四)3: one recognition at a time per county and cycle year — a transaction-scoped advisory lock, held until
    the recognising transaction commits, so two clerks never both take the last place of the 5%."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id("cultivation.quota", f"{region_code}:{year}")})


def in_force_count(session: Session, region_code: str, on: dt.date) -> int:
    return session.scalar(select(func.count()).select_from(Recognition).where(
        Recognition.region_code == region_code, Recognition.status.in_(ACTIVE), Recognition.valid_until >= on)) or 0


def fraud_revocations(session: Session, uscc: str) -> list[Recognition]:
    """The business's recognitions revoked for fraud (二(六)), oldest first."""
    return list(session.scalars(select(Recognition).where(
        Recognition.uscc == uscc, Recognition.status == "revoked", Recognition.revoked_on.is_not(None))
        .order_by(Recognition.revoked_on)))


def active_in_region(session: Session, region_code: str, on: dt.date) -> list[Recognition]:
    return list(session.scalars(select(Recognition).where(
        Recognition.region_code == region_code, Recognition.status.in_(ACTIVE)).order_by(Recognition.id)))


def flag_operator_change(session: Session, usccs: list[str]) -> None:
    if usccs:
        session.execute(update(Recognition).where(any_of(Recognition.uscc, usccs), Recognition.status.in_(ACTIVE))
                        .values(operator_change_pending=True))


def public(*, region_code: str | None, category: str | None, on: dt.date) -> Select:
    """The recognitions in force on `on` (the public list; a page is taken by the caller, ordered by id)."""
    q = select(Recognition).where(Recognition.status.in_(ACTIVE), Recognition.valid_until >= on)
    if region_code:
        q = q.where(Recognition.region_code == region_code)
    if category:
        q = q.where(Recognition.category == category)
    return q


def for_uscc(session: Session, uscc: str) -> list[Recognition]:
    return list(session.scalars(select(Recognition).where(Recognition.uscc == uscc).order_by(Recognition.recognised_on)))


def reports(session: Session, rec_id: str) -> list[InfoReport]:
    return list(session.scalars(select(InfoReport).where(InfoReport.recognition_id == rec_id).order_by(InfoReport.id)))


def has_yearly_report(session: Session, rec_id: str, year: int) -> bool:
    return session.scalar(select(func.count()).select_from(InfoReport).where(
        InfoReport.recognition_id == rec_id, InfoReport.year == year, InfoReport.kind == "yearly")) > 0


def lapsed(session: Session, on: dt.date, limit: int) -> list[Recognition]:
    """Recognitions still marked in force whose validity ended before `on` (locked, skipping busy rows)."""
    return list(session.scalars(select(Recognition).where(Recognition.status.in_(ACTIVE), Recognition.valid_until < on)
                                .order_by(Recognition.valid_until, Recognition.id).limit(limit)
                                .with_for_update(skip_locked=True)))


def for_application(session: Session, application_id: str, *, lock: bool = False) -> Recognition | None:
    q = select(Recognition).where(Recognition.application_id == application_id)
    return session.scalars(q.with_for_update() if lock else q).first()
