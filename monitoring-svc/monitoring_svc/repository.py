"""Every query of monitoring-svc."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, or_, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from getihu_kit.pagination import PageRequest, keyset_page, scalars_page
from getihu_kit.upserts import any_of, json_param, json_rows, upsert, upsert_newest, upsert_newest_json
from monitoring_svc.models import (AppealProjection, BusinessProjection, ContactPoint, ContactPointBusiness,
                                   OperatingReturn, Policy, PolicyPublication, RecognitionProjection, ReturnRead,
                                   TypingResultProjection)


# --- policies ----------------------------------------------------------------------------------------
def get_policy(session: Session, policy_id: str, *, for_update: bool = False) -> Policy | None:
    stmt = select(Policy).where(Policy.id == policy_id)
    return session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()


def publications(session: Session, policy_id: str) -> list[PolicyPublication]:
    return list(session.execute(select(PolicyPublication).where(PolicyPublication.policy_id == policy_id)
                                .order_by(PolicyPublication.seq)).scalars())


def policies_page(session: Session, *, statuses: Sequence[str], department: str | None, measure_code: str | None,
                  in_force_on, page: PageRequest) -> tuple[list[Policy], str | None]:
    stmt = select(Policy).where(Policy.status.in_(statuses))
    if in_force_on is not None:  # rules.policy_in_force, as SQL
        stmt = stmt.where(Policy.in_force_from <= in_force_on,
                          or_(Policy.in_force_to.is_(None), Policy.in_force_to >= in_force_on))
    if department:
        stmt = stmt.where(Policy.department == department)
    if measure_code:
        stmt = stmt.where(Policy.measure_codes.cast(JSONB).contains([measure_code]))
    return scalars_page(session, stmt, keys=[Policy.created_at, Policy.id], page=page, descending=True)


# --- contact points -----------------------------------------------------------------------------------
def get_contact_point(session: Session, cp_id: str, *, for_update: bool = False) -> ContactPoint | None:
    stmt = select(ContactPoint).where(ContactPoint.id == cp_id)
    return session.execute(stmt.with_for_update() if for_update else stmt).scalar_one_or_none()


def followed(session: Session, cp_id: str) -> list[str]:
    return list(session.execute(select(ContactPointBusiness.uscc).where(ContactPointBusiness.contact_point_id == cp_id)
                                .order_by(ContactPointBusiness.uscc)).scalars())


def follows(session: Session, cp_id: str, uscc: str) -> bool:
    return session.execute(select(ContactPointBusiness.uscc).where(
        ContactPointBusiness.contact_point_id == cp_id, ContactPointBusiness.uscc == uscc)).first() is not None


def replace_followed(session: Session, cp_id: str, usccs: Sequence[str], at) -> None:
    session.execute(delete(ContactPointBusiness).where(ContactPointBusiness.contact_point_id == cp_id))
    if usccs:
        session.execute(insert(ContactPointBusiness), [{"contact_point_id": cp_id, "uscc": u, "added_at": at}
                                                       for u in dict.fromkeys(usccs)])


def contact_points_page(session: Session, *, region_code: str | None, status: str | None,
                        page: PageRequest) -> tuple[list, str | None]:
    counts = (select(func.count()).where(ContactPointBusiness.contact_point_id == ContactPoint.id)
              .correlate(ContactPoint).scalar_subquery())
    stmt = select(ContactPoint.region_code, ContactPoint.id, ContactPoint, counts.label("businesses"))
    if region_code:
        stmt = stmt.where(ContactPoint.region_code == region_code)
    if status:
        stmt = stmt.where(ContactPoint.status == status)
    return keyset_page(session, stmt, keys=[ContactPoint.region_code, ContactPoint.id], page=page)


# --- businesses -----------------------------------------------------------------------------------------
def business(session: Session, uscc: str) -> BusinessProjection | None:
    return session.get(BusinessProjection, uscc)


def businesses(session: Session, usccs: Sequence[str]) -> dict[str, BusinessProjection]:
    if not usccs:
        return {}
    rows = session.execute(select(BusinessProjection).where(any_of(BusinessProjection.uscc, usccs))).scalars()
    return {b.uscc: b for b in rows}


def upsert_businesses(session: Session, rows: list[dict]) -> None:
    upsert_newest_json(session, BusinessProjection.__table__, rows, keys=["uscc"],
                       columns=["name", "region_code", "industry_code", "status", "version"], version="version")


def upsert_typing_results(session: Session, rows: list[dict]) -> None:
    upsert_newest_json(session, TypingResultProjection.__table__, rows, keys=["uscc", "year"],
                       columns=["type", "region_code", "industry_code", "ruleset", "version", "published_at"],
                       version="version")


# --- returns ---------------------------------------------------------------------------------------------
RETURN_COLUMNS = ("region_code", "sales", "costs", "profit", "employees", "new_hires", "loans_outstanding",
                  "loans_obtained", "financing_need", "outlook", "difficulties", "source", "contact_point_id",
                  "submitted_by", "submitted_at")


def upsert_returns(session: Session, rows: list[dict]) -> None:
    """Insert or replace the quarter's return, counting its revisions (each submission adds one)."""
    if not rows:
        return
    stmt = upsert_newest(OperatingReturn.__table__, ["uscc", "year", "quarter"], [*RETURN_COLUMNS, "revision"],
                         version="submitted_at", accumulate=["revision"])
    session.execute(stmt, [{**r, "revision": 1} for r in rows])


def get_return(session: Session, uscc: str, year: int, quarter: int) -> OperatingReturn | None:
    return session.get(OperatingReturn, (uscc, year, quarter))


def returns_page(session: Session, *, region_code: str | None, uscc: str | None, year: int | None,
                 quarter: int | None, page: PageRequest) -> tuple[list[OperatingReturn], str | None]:
    stmt = select(OperatingReturn)
    for col, value in ((OperatingReturn.region_code, region_code), (OperatingReturn.uscc, uscc),
                       (OperatingReturn.year, year), (OperatingReturn.quarter, quarter)):
        if value is not None:
            stmt = stmt.where(col == value)
    return scalars_page(session, stmt, keys=[OperatingReturn.year, OperatingReturn.quarter, OperatingReturn.uscc],
                        page=page)


def returns_export(*, region_code: str | None, uscc: str | None, year: int | None, quarter: int | None,
                   columns: Sequence[str]):
    t = OperatingReturn.__table__
    stmt = select(*[t.c[c] for c in columns])
    for col, value in ((t.c.region_code, region_code), (t.c.uscc, uscc), (t.c.year, year), (t.c.quarter, quarter)):
        if value is not None:
            stmt = stmt.where(col == value)
    return stmt.order_by(t.c.year, t.c.quarter, t.c.uscc)


def count_of(session: Session, stmt) -> int:
    return session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()


def audit_read(session: Session, rows: list[dict]) -> None:
    session.execute(insert(ReturnRead), rows)


def audit_page(session: Session, *, uscc: str | None, page: PageRequest) -> tuple[list[ReturnRead], str | None]:
    stmt = select(ReturnRead)
    if uscc:
        stmt = stmt.where(ReturnRead.uscc == uscc)
    return scalars_page(session, stmt, keys=[ReturnRead.id], page=page, descending=True)



def upsert_recognitions(session: Session, rows: list[dict]) -> None:
    upsert_newest_json(session, RecognitionProjection.__table__, rows, keys=["recognition_id"],
                       columns=["uscc", "region_code", "category", "status", "year", "recognised_on", "valid_until",
                                "changed_at"], version="changed_at")


_APPEAL_FILED = ("target_kind", "uscc", "year", "region_code", "filed_at", "due_on")


def record_appeals_filed(session: Session, rows: list[dict]) -> None:
    """The filing's facts; an objection already known (its decision came first, or a replay) keeps its decision."""
    if rows:
        session.execute(upsert(AppealProjection.__table__, ["appeal_id"], _APPEAL_FILED),
                        [{**r, "decision": None, "decided_at": None} for r in rows])


def record_appeals_decided(session: Session, rows: list[dict]) -> None:
    """The decision; the filing's time comes with it (when given) so an out-of-order pair still counts."""
    if rows:
        table = AppealProjection.__table__
        stmt = upsert(table, ["appeal_id"], ["decision", "decided_at"])
        session.execute(stmt, rows)
        gaps = [{"appeal_id": r["appeal_id"], "filed_at": r["filed_at"], "due_on": r["due_on"]}
                for r in rows if r.get("filed_at") is not None]
        if gaps:  # the filing's time carried by the decision fills a gap only, in one statement
            session.execute(text(
                f"UPDATE appeal_projection a SET filed_at = r.filed_at, due_on = r.due_on FROM "
                f"{json_rows(table, ['appeal_id', 'filed_at', 'due_on']).text} "
                f"WHERE a.appeal_id = r.appeal_id AND a.filed_at IS NULL"), {"rows": json_param(gaps)})
