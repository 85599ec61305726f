"""Tables of registry-svc (SQLAlchemy 2, typed)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, Computed, Date, DateTime, ForeignKey, Integer, Numeric, String, Text,
                        UniqueConstraint, func)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from getihu_kit.consumer import inbox_table
from getihu_kit.db import declarative_base
from getihu_kit.idempotency import idempotency_table
from getihu_kit.export_jobs import export_files_table
from getihu_kit.jobs import jobs_tables
from getihu_kit.read_audit import confidential_reads_table
from getihu_kit.outbox import outbox_table

Base = declarative_base()
outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
jobs, job_chunks = jobs_tables(Base.metadata)
export_files = export_files_table(Base.metadata)
confidential_reads = confidential_reads_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)

MONEY = Numeric(18, 2)


class Business(Base):
    __tablename__ = "businesses"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    industry_code: Mapped[str | None] = mapped_column(String(8))
    established_on: Mapped[dt.date] = mapped_column(Date)
    seasonal: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str | None] = mapped_column(String(500))
    business_scope: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="registered")
    status_effective_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The name's normalised character pairs, computed by the database on every write (migration
    # 202612030700): the 名录's name search runs on its GIN index.
    name_bigrams: Mapped[list[str] | None] = mapped_column(ARRAY(Text), Computed("directory_bigrams(name)",
                                                                                persisted=True))
    # The name as a search compares it (migration 202612041900), kept by the database the same way.
    name_normalised: Mapped[str | None] = mapped_column(Text, Computed("directory_normalise(name)", persisted=True))


class Operator(Base):
    """经营者, with history: the current one has to_on = NULL."""
    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key (a per-row check on the bulk path): every writer reads the business first, and
    # businesses are never deleted.
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    from_on: Mapped[dt.date | None] = mapped_column(Date)
    to_on: Mapped[dt.date | None] = mapped_column(Date)


class StatusChange(Base):
    """登记状态 history: registered / 吊销 revoked / 注销 cancelled / 撤销 withdrawn, each from a date."""
    __tablename__ = "status_history"
    __table_args__ = (UniqueConstraint("uscc", "status", "effective_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key, as for operators; looked up by the unique constraint, which leads with uscc.
    uscc: Mapped[str] = mapped_column(String(18))
    status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AnnualReport(Base):
    """年度报告 for one year; a later filing for the same year replaces it."""
    __tablename__ = "annual_reports"

    uscc: Mapped[str] = mapped_column(ForeignKey("businesses.uscc"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    employees: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[Decimal | None] = mapped_column(MONEY)
    tax_paid: Mapped[Decimal | None] = mapped_column(MONEY)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Mark(Base):
    """A credit mark or award with its period; the id is derived from its natural key (see rules.mark_id)."""
    __tablename__ = "marks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(ForeignKey("businesses.uscc"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
    penalty_kind: Mapped[str | None] = mapped_column(String(20))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    publicized_on: Mapped[dt.date | None] = mapped_column(Date)
    level: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AnnualReportWindow(Base):
    """The annual-report window of one report year (年报期), opened and closed by prefecture staff."""
    __tablename__ = "annual_report_windows"

    report_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))  # open | closed
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    opened_by: Mapped[str | None] = mapped_column(String(200))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_by: Mapped[str | None] = mapped_column(String(200))
    reference_date: Mapped[dt.date | None] = mapped_column(Date)


class DirectoryType(Base):
    """The 名录 label of a published type, per business and typing year (from typing events)."""
    __tablename__ = "directory_types"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    ruleset: Mapped[str] = mapped_column(String(50))
    run_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DirectoryRecognition(Base):
    """A 名特优新 recognition as cultivation-svc last reported it (label shown while valid)."""
    __tablename__ = "directory_recognitions"

    recognition_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
