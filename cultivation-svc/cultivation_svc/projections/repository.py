"""Queries over the projections: set-based upserts for the batch handlers, lookups for the rules."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, or_, select, true
from sqlalchemy.orm import Session

from getihu_kit.db import is_postgres
from cultivation_svc.projections.models import (AppealProjection, BusinessProjection, BusinessType, FactsProjection,
                                                PersonProjection, TypingCount)


def _insert(session: Session):
    if is_postgres(session.get_bind()):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def upsert_guarded(session: Session, model, rows: list[dict], keys: list[str], newer) -> None:
    """INSERT … ON CONFLICT DO UPDATE, each column taking the incoming value only when `newer(stmt)` holds."""
    if not rows:
        return
    table = model.__table__
    stmt = _insert(session)(table)
    cond = newer(stmt, table)
    cols = [c for c in rows[0] if c not in keys]
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={
        c: case((cond, stmt.excluded[c]), else_=table.c[c]) for c in cols})
    session.execute(stmt, rows)


def upsert_businesses(session: Session, rows: list[dict]) -> None:
    upsert_guarded(session, BusinessProjection, rows, ["uscc"],
                   lambda s, t: s.excluded.version >= t.c.version)


def operators_of(session: Session, usccs: Iterable[str]) -> dict[str, str | None]:
    return dict(session.execute(select(BusinessProjection.uscc, BusinessProjection.operator_id_number)
                                .where(BusinessProjection.uscc.in_(list(usccs)))).all())


def upsert_types(session: Session, rows: list[dict]) -> None:
    upsert_guarded(session, BusinessType, rows, ["uscc", "year"], lambda s, t: or_(
        s.excluded.published_at > t.c.published_at,
        and_(s.excluded.published_at == t.c.published_at, s.excluded.version >= t.c.version)))


def upsert_typing_counts(session: Session, rows: list[dict]) -> None:
    upsert_guarded(session, TypingCount, rows, ["region_code", "year"],
                   lambda s, t: s.excluded.published_at >= t.c.published_at)


def upsert_persons(session: Session, rows: list[dict]) -> None:
    upsert_guarded(session, PersonProjection, rows, ["id_number"], lambda s, t: true())


def upsert_facts(session: Session, rows: list[dict]) -> None:
    upsert_guarded(session, FactsProjection, rows, ["uscc", "year"], lambda s, t: s.excluded.version >= t.c.version)


def business(session: Session, uscc: str) -> BusinessProjection | None:
    return session.get(BusinessProjection, uscc)


def businesses(session: Session, usccs: Iterable[str]) -> dict[str, BusinessProjection]:
    usccs = list(usccs)
    if not usccs:
        return {}
    return {b.uscc: b for b in session.scalars(select(BusinessProjection).where(BusinessProjection.uscc.in_(usccs)))}


def latest_type(session: Session, uscc: str) -> BusinessType | None:
    """The latest published type: the newest year's current version."""
    return session.scalars(select(BusinessType).where(BusinessType.uscc == uscc)
                           .order_by(BusinessType.year.desc()).limit(1)).first()


def latest_types(session: Session, usccs: Iterable[str]) -> dict[str, BusinessType]:
    out: dict[str, BusinessType] = {}
    usccs = list(usccs)
    if not usccs:
        return out
    for t in session.scalars(select(BusinessType).where(BusinessType.uscc.in_(usccs)).order_by(BusinessType.year)):
        out[t.uscc] = t  # ascending years: the last one wins
    return out


def typing_count(session: Session, region_code: str, year: int) -> TypingCount | None:
    return session.get(TypingCount, (region_code, year))


def debtor_listings(session: Session, id_number: str | None) -> list[dict]:
    if not id_number:
        return []
    p = session.get(PersonProjection, id_number)
    return list(p.dishonest_debtor) if p else []


def debtor_listings_many(session: Session, id_numbers: Iterable[str]) -> dict[str, list[dict]]:
    ids = [i for i in id_numbers if i]
    if not ids:
        return {}
    return {p.id_number: list(p.dishonest_debtor)
            for p in session.scalars(select(PersonProjection).where(PersonProjection.id_number.in_(ids)))}


def certificates(session: Session, uscc: str) -> list[dict]:
    out: list[dict] = []
    for f in session.scalars(select(FactsProjection).where(FactsProjection.uscc == uscc)):
        out.extend(f.certificates or [])
    return out


def record_appeal(session: Session, *, appeal_id: str, application_id: str, status: str, filed_at=None,
                  decided_at=None) -> None:
    row = {"appeal_id": appeal_id, "application_id": application_id, "status": status, "filed_at": filed_at,
           "decided_at": decided_at}
    stmt = _insert(session)(AppealProjection.__table__)
    values = {"status": stmt.excluded.status, "decided_at": stmt.excluded.decided_at} if status != "filed" else {
        "filed_at": stmt.excluded.filed_at}
    session.execute(stmt.on_conflict_do_update(index_elements=["appeal_id"], set_=values), [row])


def open_appeals(session: Session, application_id: str) -> list[str]:
    return list(session.scalars(select(AppealProjection.appeal_id).where(
        AppealProjection.application_id == application_id, AppealProjection.status == "filed")))


