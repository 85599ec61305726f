"""Queries of applications and their steps."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from getihu_kit.upserts import any_of

from cultivation_svc.applications.models import Application, ApplicationStep

CLOSED = ("recognised", "refused", "withdrawn")


def get(session: Session, app_id: str, *, lock: bool = False) -> Application | None:
    return session.get(Application, app_id, with_for_update=lock)


def open_for(session: Session, uscc: str, year: int) -> Application | None:
    return session.scalars(select(Application).where(Application.uscc == uscc, Application.year == year,
                                                     Application.status.not_in(CLOSED))).first()


def steps(session: Session, app_id: str) -> list[ApplicationStep]:
    return list(session.scalars(select(ApplicationStep).where(ApplicationStep.application_id == app_id)
                                .order_by(ApplicationStep.id)))


def listing(*, region_code: str | None, usccs: list[str] | None, department: str | None, year: int | None,
            status: str | None) -> Select:
    """The applications matching the filters (a page is taken by the caller, ordered by id)."""
    q = select(Application)
    if region_code:
        q = q.where(Application.region_code == region_code)
    if usccs is not None:
        q = q.where(any_of(Application.uscc, usccs))
    if department:
        q = q.where(Application.department == department)
    if year is not None:
        q = q.where(Application.year == year)
    if status:
        q = q.where(Application.status == status)
    return q


def current_notices(*, region_code: str | None, on) -> Select:
    q = select(Application).where(Application.status.in_(("public_notice", "on_hold")), Application.notice_ends_on >= on)
    if region_code:
        q = q.where(Application.region_code == region_code)
    return q
