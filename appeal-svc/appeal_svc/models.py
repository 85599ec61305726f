"""Tables of appeal-svc (SQLAlchemy 2, typed).

Objections (异议) with their trail and evidence, plus the two projections that say what can be
objected to: published typing results and open 名特优新 public notices.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String,
                        Text, text)
from sqlalchemy.orm import Mapped, mapped_column

from getihu_kit.consumer import inbox_table
from getihu_kit.db import declarative_base
from getihu_kit.idempotency import idempotency_table
from getihu_kit.jobs import jobs_tables
from getihu_kit.outbox import outbox_table

Base = declarative_base()
outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
jobs, job_chunks = jobs_tables(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)


class Appeal(Base):
    """One objection. `open_key` is set while it is open: a unique index keeps one open objection
    per target and person (NULLs never collide, so closed ones do not count)."""
    __tablename__ = "appeal"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(30))        # typing_result | cultivation_notice
    target_id: Mapped[str | None] = mapped_column(String(64))   # cultivation application id
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(String(12))
    ruleset: Mapped[str | None] = mapped_column(String(40))
    original_type: Mapped[str | None] = mapped_column(String(20))  # the published type objected to
    appellant: Mapped[str] = mapped_column(String(100), index=True)  # token sub or anonymous stable id
    appellant_kind: Mapped[str] = mapped_column(String(12))          # user | anonymous
    objector_name: Mapped[str | None] = mapped_column(String(100))
    objector_phone: Mapped[str | None] = mapped_column(String(20))
    grounds: Mapped[str] = mapped_column(Text)
    requested_type: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    open_key: Mapped[str | None] = mapped_column(String(240), unique=True)
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[dt.date] = mapped_column(Date)
    material_request: Mapped[str | None] = mapped_column(Text)
    material_due_on: Mapped[dt.date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(20))
    corrected_type: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        Index("ix_appeal_status_due", "status", "due_on", "id"),
        Index("ix_appeal_region_due", "region_code", "due_on", "id"),
        # What staff look at most: open objections by due date (due soon, overdue).
        Index("ix_appeal_open_due", "due_on", "id",
              postgresql_where=text("status IN ('filed', 'in_review', 'material_requested')")),
    )


class AppealStep(Base):
    """The trail: every step of an objection — who, when, what."""
    __tablename__ = "appeal_step"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    appeal_id: Mapped[str] = mapped_column(ForeignKey("appeal.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(20))  # appellant | staff
    action: Mapped[str] = mapped_column(String(30))
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class EvidenceFile(Base):
    """An evidence file, stored in the database (bounded by the evidence limits)."""
    __tablename__ = "evidence_file"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    appeal_id: Mapped[str] = mapped_column(ForeignKey("appeal.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))  # filing | supplement
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TypingResultProjection(Base):
    """The published type per business and year (typing-svc's feed; a correction is a new version)."""
    __tablename__ = "typing_result_projection"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(12))
    ruleset: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class NoticeProjection(Base):
    """Cultivation applications as far as public notice goes: status public_notice opens a notice."""
    __tablename__ = "notice_projection"
    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    notice_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CultivationResultProjection(Base):
    """The cultivation results an operator may object to (四(四)): a refused application, a cancelled, spot-check
    refused or revoked recognition. `open` turns false when the result no longer stands (reopened, restored)."""
    __tablename__ = "cultivation_result_projection"
    target_kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int | None] = mapped_column(Integer)
    open: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
