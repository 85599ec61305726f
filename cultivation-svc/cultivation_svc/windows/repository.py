"""Queries of the application windows."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from getihu_kit.pagination import PageRequest, scalars_page
from cultivation_svc.windows.models import Window


def for_year(session: Session, year: int) -> dict[str, Window]:
    return {w.region_code: w for w in session.scalars(select(Window).where(Window.year == year))}


def open_on(session: Session, region_code: str, on: dt.date) -> Window | None:
    return session.scalars(select(Window).where(Window.region_code == region_code, Window.opens_on <= on,
                                                Window.closes_on >= on).order_by(Window.year.desc())).first()


def get(session: Session, region_code: str, year: int) -> Window | None:
    return session.scalars(select(Window).where(Window.region_code == region_code, Window.year == year)).first()


def listing(session: Session, *, year: int | None, region_code: str | None,
            page: PageRequest) -> tuple[list[Window], str | None]:
    """Newest year first (the one a county is applying in); the id, one per county and year, keeps
    the order total."""
    q = select(Window)
    if year is not None:
        q = q.where(Window.year == year)
    if region_code is not None:
        q = q.where(Window.region_code == region_code)
    return scalars_page(session, q, keys=[Window.year, Window.region_code, Window.id], page=page, descending=True)
