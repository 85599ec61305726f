"""Projections of other services' state, fed by their events (rebuilt by replaying the topics)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from cultivation_svc.base import Base


class BusinessProjection(Base):
    """The registry's BusinessState: region, operator (ID number), marks, annual reports."""
    __tablename__ = "business_projection"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    operator_id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    operator_name: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="registered")
    state: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=0)


class BusinessType(Base):
    """A business's published type per year (TypingResultPublished; a correction replaces it)."""
    __tablename__ = "business_type"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(12))
    ruleset: Mapped[str] = mapped_column(String(50))
    run_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TypingCount(Base):
    """Per county and year: the published 成长型/发展型 counts, the 5% quota's base."""
    __tablename__ = "typing_count"
    region_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    growth: Mapped[int] = mapped_column(Integer)
    development: Mapped[int] = mapped_column(Integer)
    survival: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[str] = mapped_column(String(64))
    ruleset: Mapped[str] = mapped_column(String(50))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PersonProjection(Base):
    """失信被执行人 listings of a natural person (PersonFacts)."""
    __tablename__ = "person_projection"
    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    dishonest_debtor: Mapped[list] = mapped_column(JSON)


class FactsProjection(Base):
    """Certificates a business holds (BusinessFacts), per year."""
    __tablename__ = "facts_projection"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificates: Mapped[list] = mapped_column(JSON)
    tax_paid: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # the tax authority's, for 二(六) A
    insured_employees: Mapped[int | None] = mapped_column(Integer)  # social insurance's, for 二(六) A
    trademarks_in_use: Mapped[int | None] = mapped_column(Integer)  # for the counties' indicators (四(四))
    patents: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AppealProjection(Base):
    """Objections to a cultivation case (appeal-svc, target kinds cultivation_*): its notice or its results."""
    __tablename__ = "appeal_projection"
    appeal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # filed | upheld | rejected | withdrawn
    filed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # What the county's worklist shows of an open objection: what it is about, where, and when the reply is due
    # (appeal-svc's due_on, 四(四) 及时受理); null for rows projected before these were kept.
    target_kind: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(String(12))
    uscc: Mapped[str | None] = mapped_column(String(18))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (Index("ix_appeal_projection_application", "application_id"),
                      Index("ix_appeal_projection_open", "region_code", "status", "due_on"))


__all__ = ["BusinessProjection", "BusinessType", "TypingCount", "PersonProjection", "FactsProjection",
           "AppealProjection"]
