"""Applications (自主申报) and recommendations (部门推荐), with every step they went through."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cultivation_svc.base import Base


class Application(Base):
    __tablename__ = "application"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))  # self | recommendation
    department: Mapped[str | None] = mapped_column(String(100))
    recommendation_reason: Mapped[str | None] = mapped_column(Text)
    relaxed_group: Mapped[str | None] = mapped_column(String(40))
    relaxed_basis: Mapped[str | None] = mapped_column(Text)  # what shows the group (证件、证明), checked at review
    relaxed_confirmed: Mapped[bool | None] = mapped_column(Boolean)  # None: not reviewed yet
    # 四(四): the appeal whose upheld objection reopened a refused case (三(四): it may be recognised in December).
    reopened_by: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    materials: Mapped[list] = mapped_column(JSON)
    indicator_values: Mapped[dict] = mapped_column(JSON)
    criteria_id: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    score_detail: Mapped[list | None] = mapped_column(JSON)
    type_at_application: Mapped[str | None] = mapped_column(String(20))
    notice_starts_on: Mapped[dt.date | None] = mapped_column(Date)
    notice_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_application_scope", "region_code", "year", "status"),)


class ApplicationStep(Base):
    """One step of an application (review, site visit, opinions, notice, objection, recognition…)."""
    __tablename__ = "application_step"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    status_after: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
