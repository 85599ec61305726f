"""Queries of county criteria."""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cultivation_svc.criteria.models import CountyCriteria


def get(session: Session, criteria_id: str) -> CountyCriteria | None:
    return session.get(CountyCriteria, criteria_id)


def next_version(session: Session, region_code: str, year: int, category: str) -> int:
    return (session.scalar(select(func.max(CountyCriteria.version)).where(
        CountyCriteria.region_code == region_code, CountyCriteria.year == year,
        CountyCriteria.category == category)) or 0) + 1


def published(session: Session, region_code: str, year: int, category: str) -> CountyCriteria | None:
    return session.scalars(select(CountyCriteria).where(
        CountyCriteria.region_code == region_code, CountyCriteria.year == year, CountyCriteria.category == category,
        CountyCriteria.status == "published").order_by(CountyCriteria.version.desc())).first()


def listing(*, region_code: str | None, year: int | None, category: str | None, only_published: bool) -> Select:
    q = select(CountyCriteria)
    for col, v in ((CountyCriteria.region_code, region_code), (CountyCriteria.year, year),
                   (CountyCriteria.category, category)):
        if v is not None:
            q = q.where(col == v)
    if only_published:
        q = q.where(CountyCriteria.status == "published")
    return q
