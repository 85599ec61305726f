"""Tables of typing-svc (SQLAlchemy 2, typed).

Projections are narrow on purpose: the typing run is one set-based INSERT … SELECT per chunk over
them, and narrow rows keep that statement fast on a million businesses.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, Index, Integer, Numeric, SmallInteger, String,
                        Text, func)
from sqlalchemy.orm import Mapped, mapped_column

from getihu_kit.consumer import inbox_table
from getihu_kit.db import declarative_base
from getihu_kit.idempotency import idempotency_table
from getihu_kit.export_jobs import export_files_table
from getihu_kit.jobs import jobs_tables
from getihu_kit.outbox import outbox_table

Base = declarative_base()
outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
jobs, job_chunks = jobs_tables(Base.metadata)
export_files = export_files_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)


# --- projections of other services' state (rebuilt by replaying their compacted topics) ---------
class BusinessProjection(Base):
    """typing-svc's copy of registry state (one row per business), fed by the compacted business topic."""
    __tablename__ = "business_projection"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    industry_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    established_on: Mapped[dt.date] = mapped_column(Date)
    seasonal: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="registered")
    version: Mapped[int] = mapped_column(Integer)
    applied_events: Mapped[int] = mapped_column(Integer, default=0)  # how many state events were applied
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StatusPeriodProjection(Base):
    """Periods off the register (吊销/注销/撤销) from `from_on` until the next status (`to_on`, exclusive)."""
    __tablename__ = "status_period_projection"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    seq: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    from_on: Mapped[dt.date] = mapped_column(Date)
    to_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class AnnualReportProjection(Base):
    __tablename__ = "annual_report_projection"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    employees: Mapped[int] = mapped_column(Integer)
    tax_paid: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), nullable=True)


class MarkProjection(Base):
    """Credit marks that bear on typing (经营异常, 严重违法失信, 歇业); penalties and awards are not kept."""
    __tablename__ = "mark_projection"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    mark_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    legal_max_end_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class FactsProjection(Base):
    """Agency facts of one business for one year, flattened, each dataset with its batch."""
    __tablename__ = "facts_projection"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    tax_paid: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), nullable=True)
    general_taxpayer: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    abnormal_taxpayer: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    tax_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    insured_employees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    insurance_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    trademarks_in_use: Mapped[int | None] = mapped_column(Integer, nullable=True)
    trademark_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    patents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    patent_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class FactBatch(Base):
    """Provenance of a batch of agency facts (which agency delivered it)."""
    __tablename__ = "fact_batch"

    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency: Mapped[str | None] = mapped_column(String(100), nullable=True)
    dataset: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(SmallInteger, index=True)


# --- typing-svc's own data ----------------------------------------------------------------------
class TypingRun(Base):
    __tablename__ = "typing_run"

    run_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(SmallInteger, index=True)
    reference_date: Mapped[dt.date] = mapped_column(Date)
    region_codes: Mapped[list | None] = mapped_column(JSON, nullable=True)
    ruleset: Mapped[str] = mapped_column(String(40))
    # queued | waiting_for_data | running | completed | failed | publishing | published (CONTRACT); the work behind
    # running and publishing is a kit job (jobs table): `job_id` names the run's current one.
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    job_id: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    trigger: Mapped[str] = mapped_column(String(30))  # staff | annual-report-closed
    trigger_event_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set when staff publish: every result event of the run carries this instant.
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Publication goes chunk by chunk in USCC order: the last USCC whose result is in the feed (and
    # whose event is in the outbox), written in the same transaction as they are.
    published_through: Mapped[str | None] = mapped_column(String(18), nullable=True)
    # What the run waited for before reading the projections (kit.barrier's record).
    data_barrier: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class TypingResult(Base):
    """One business's result in one run, compact: the type, a bitmask of the conditions met and the
    few deciding facts with their batches. The explanation is rendered from these on read."""
    __tablename__ = "typing_result"

    run_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6))
    industry_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    type_code: Mapped[int] = mapped_column(SmallInteger)  # the type's rank: rules.TYPE_RANK
    met: Mapped[int] = mapped_column(Integer)  # bit i set: condition i of the ruleset holds
    established_on: Mapped[dt.date] = mapped_column(Date)
    employees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report_submitted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    tax_paid: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), nullable=True)
    insured_employees: Mapped[int | None] = mapped_column(Integer, nullable=True)
    trademarks_in_use: Mapped[int | None] = mapped_column(Integer, nullable=True)
    patents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tax_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tax_status_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    insurance_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    trademark_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)
    patent_batch: Mapped[str | None] = mapped_column(String(64), nullable=True)


class RunBatch(Base):
    """The batches of agency facts a run used (re-running on the same batches gives the same results)."""
    __tablename__ = "typing_run_batch"

    run_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class RunReasons(Base):
    """Reason codes (JSON) of each distinct bitmask of a run: a few hundred rows that the set-based
    event insert joins, instead of a CASE with a branch per bitmask evaluated for every business."""
    __tablename__ = "typing_run_reasons"

    run_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    met: Mapped[int] = mapped_column(Integer, primary_key=True)
    reasons: Mapped[str] = mapped_column(Text)


class FeedEntry(Base):
    """The national feed: every published result and correction, in order (seq is the cursor)."""
    __tablename__ = "typing_feed"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    uscc: Mapped[str] = mapped_column(String(18))
    year: Mapped[int] = mapped_column(SmallInteger)
    version: Mapped[int] = mapped_column(Integer)
    type_code: Mapped[int] = mapped_column(SmallInteger)
    run_no: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str] = mapped_column(String(6))
    industry_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    appeal_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    correction_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_typing_feed_uscc_year_seq", "uscc", "year", "seq"),
                      Index("ix_typing_feed_year_seq", "year", "seq"))


# --- credit (二(七) 末段): operators' consents to banks, the reads made under them, recognitions -------------
class CreditConsent(Base):
    """An operator's consent that one financial institution (its token's sub) read, for credit, what the public
    cannot: the result's facts and/or the recognition details, until `expires_on` (inclusive) or withdrawal."""
    __tablename__ = "credit_consent"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    institution: Mapped[str] = mapped_column(String(200))
    scope: Mapped[list] = mapped_column(JSON)  # result_facts | recognition_details
    expires_on: Mapped[dt.date] = mapped_column(Date)
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    granted_by: Mapped[str] = mapped_column(String(200))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_credit_consent_uscc_institution", "uscc", "institution"),)


class CreditRead(Base):
    """The audit of institutions' reads under a consent (who, what, when), written in the read's transaction."""
    __tablename__ = "credit_read"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    consent_id: Mapped[str] = mapped_column(String(40))
    uscc: Mapped[str] = mapped_column(String(18))
    institution: Mapped[str] = mapped_column(String(200))
    reader: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(String(30))  # result_facts | recognition_details
    year: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    read_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_credit_read_uscc_id", "uscc", "id"),)


class RecognitionProjection(Base):
    """cultivation-svc's recognitions (RecognitionChanged), as a consented institution reads them."""
    __tablename__ = "recognition_projection"

    recognition_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    benefits_from: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
