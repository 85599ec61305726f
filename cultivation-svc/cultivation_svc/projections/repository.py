"""Queries over the projections: set-based upserts for the batch handlers, lookups for the rules."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from getihu_kit.upserts import any_of, upsert, upsert_newest
from cultivation_svc.projections.models import (AppealProjection, BusinessProjection, BusinessType, FactsProjection,
                                                PersonProjection, TypingCount)


def _write(session: Session, stmt, rows: list[dict]) -> None:
    if rows:
        session.execute(stmt, rows)


def _columns(model, keys: list[str]) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name not in keys]


def upsert_businesses(session: Session, rows: list[dict]) -> None:
    _write(session, upsert_newest(BusinessProjection.__table__, ["uscc"], _columns(BusinessProjection, ["uscc"]),
                                  version="version"), rows)


def operators_of(session: Session, usccs: Iterable[str]) -> dict[str, str | None]:
    return dict(session.execute(select(BusinessProjection.uscc, BusinessProjection.operator_id_number)
                                .where(any_of(BusinessProjection.uscc, usccs))).all())


def upsert_types(session: Session, rows: list[dict]) -> None:
    """A business's type per year: typing numbers each (uscc, year)'s publications 1, 2, … (a re-publication
    or a correction is the next version), so the highest version is the current one."""
    keys = ["uscc", "year"]
    _write(session, upsert_newest(BusinessType.__table__, keys, _columns(BusinessType, keys), version="version"), rows)


def upsert_typing_counts(session: Session, rows: list[dict]) -> None:
    keys = ["region_code", "year"]
    _write(session, upsert_newest(TypingCount.__table__, keys, _columns(TypingCount, keys), version="published_at"),
           rows)


def upsert_persons(session: Session, rows: list[dict]) -> None:
    """PersonFacts carry a person's whole state and no version: the last one applied wins."""
    _write(session, upsert(PersonProjection.__table__, ["id_number"], ["dishonest_debtor"]), rows)


def upsert_facts(session: Session, rows: list[dict]) -> None:
    keys = ["uscc", "year"]
    _write(session, upsert_newest(FactsProjection.__table__, keys, _columns(FactsProjection, keys), version="version"),
           rows)


def business(session: Session, uscc: str) -> BusinessProjection | None:
    return session.get(BusinessProjection, uscc)


def businesses(session: Session, usccs: Iterable[str]) -> dict[str, BusinessProjection]:
    usccs = list(usccs)
    if not usccs:
        return {}
    stmt = select(BusinessProjection).where(any_of(BusinessProjection.uscc, usccs))
    return {b.uscc: b for b in session.scalars(stmt)}


def latest_type(session: Session, uscc: str) -> BusinessType | None:
    """The latest published type: the newest year's current version."""
    return session.scalars(select(BusinessType).where(BusinessType.uscc == uscc)
                           .order_by(BusinessType.year.desc()).limit(1)).first()


def latest_types(session: Session, usccs: Iterable[str]) -> dict[str, BusinessType]:
    out: dict[str, BusinessType] = {}
    usccs = list(usccs)
    if not usccs:
        return out
    for t in session.scalars(select(BusinessType).where(any_of(BusinessType.uscc, usccs)).order_by(BusinessType.year)):
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
            for p in session.scalars(select(PersonProjection).where(any_of(PersonProjection.id_number, ids)))}


def certificates(session: Session, uscc: str) -> list[dict]:
    out: list[dict] = []
    for f in session.scalars(select(FactsProjection).where(FactsProjection.uscc == uscc)):
        out.extend(f.certificates or [])
    return out


_ABOUT = ["target_kind", "target_id", "region_code", "uscc", "due_on"]


def record_appeal(session: Session, *, appeal_id: str, application_id: str, status: str, filed_at=None,
                  decided_at=None, about: dict | None = None) -> None:
    """`about`: target_kind, target_id, region_code (the case's county), uscc and due_on, as the filing names them."""
    about = {k: (about or {}).get(k) for k in _ABOUT}
    row = {"appeal_id": appeal_id, "application_id": application_id, "status": status, "filed_at": filed_at,
           "decided_at": decided_at, **about}
    # A filing replayed after its decision only fills in when it was filed (and what about); a decision sets the
    # outcome.
    columns = ["filed_at", *_ABOUT] if status == "filed" else ["status", "decided_at"]
    session.execute(upsert(AppealProjection.__table__, ["appeal_id"], columns), [row])


def objections_due(session: Session, region_code: str, limit: int = 5000) -> list[AppealProjection]:
    """The county's open objections to its cultivation cases, the soonest reply due first (bounded: a county's
    cases are few)."""
    return list(session.scalars(select(AppealProjection).where(
        AppealProjection.region_code == region_code, AppealProjection.status == "filed")
        .order_by(AppealProjection.due_on.asc().nulls_last(), AppealProjection.appeal_id).limit(limit)))


def open_appeals(session: Session, application_id: str) -> list[str]:
    return list(session.scalars(select(AppealProjection.appeal_id).where(
        AppealProjection.application_id == application_id, AppealProjection.status == "filed")))




def facts_by_year(session: Session, uscc: str) -> dict[int, FactsProjection]:
    return {f.year: f for f in session.scalars(select(FactsProjection).where(FactsProjection.uscc == uscc))}


def type_as_of(session: Session, uscc: str, on) -> BusinessType | None:
    """The type a business had on a day: the newest year published by then (its current version)."""
    return session.scalars(select(BusinessType).where(BusinessType.uscc == uscc, BusinessType.published_at <= on)
                           .order_by(BusinessType.year.desc()).limit(1)).first()


def shared_figures(session: Session, uscc: str) -> dict[str, object]:
    """The agencies' latest figure of each shared indicator (the newest year that has it), with that year."""
    out: dict[str, object] = {}
    for f in sorted(facts_by_year(session, uscc).values(), key=lambda f: f.year):
        for key in ("tax_paid", "insured_employees", "trademarks_in_use", "patents"):
            value = getattr(f, key)
            if value is not None:
                out["trademarks" if key == "trademarks_in_use" else key] = value
                out[f"{key}_year"] = f.year
    return out
