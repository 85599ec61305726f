"""Queries of the per-region settings."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cultivation_svc.regional.models import RegionSetting


def get(session: Session, region_code: str) -> RegionSetting | None:
    return session.get(RegionSetting, region_code)


def all_overrides(session: Session) -> dict[str, dict]:
    return {r.region_code: r.overrides for r in session.scalars(select(RegionSetting))}
