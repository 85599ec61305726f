"""Tables of data-sharing-svc (SQLAlchemy 2, typed).

- `batches`: each submission (JSON or file) with its agency (the token's sub), time and content hash.
- `record_versions`: every version of every record ever accepted — the provenance history.
- `current_records`: the latest version per (dataset, year, key): what facts are built from.
- `facts_versions`: the version counter of each (uscc, year) facts event.
- `business_projection` / `operator_links`: registry state this service keeps (region for county
  scope; operators' ID numbers to link 失信被执行人 listings to businesses).
- `facts_reads`: the audit log of staff reads of facts (seed 四(四): 严格保密).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, Integer, String, func, text
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


class Batch(Base):
    __tablename__ = "batches"
    __table_args__ = (Index("ix_batches_dataset_year_hash", "dataset", "year", "content_hash"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    agency: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(10))  # json | file
    content_hash: Mapped[str] = mapped_column(String(64))
    job_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="completed")  # processing | completed | failed
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    duplicate_of: Mapped[str | None] = mapped_column(String(40))


class RecordVersion(Base):
    __tablename__ = "record_versions"
    __table_args__ = (Index("ix_record_versions_key", "dataset", "year", "key"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    dataset: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(120))
    uscc: Mapped[str | None] = mapped_column(String(18))
    id_number: Mapped[str | None] = mapped_column(String(18))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[str] = mapped_column(String(40))  # not indexed: no query reads versions by batch
    row: Mapped[int] = mapped_column(Integer)
    agency: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CurrentRecord(Base):
    __tablename__ = "current_records"
    # Only the records that have an ID number (listings) in its index: every record writes its indexes.
    __table_args__ = (Index("ix_current_records_uscc_year", "uscc", "year"),
                      Index("ix_current_records_id_number", "id_number",
                            postgresql_where=text("id_number IS NOT NULL")))

    dataset: Mapped[str] = mapped_column(String(30), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    uscc: Mapped[str | None] = mapped_column(String(18))
    id_number: Mapped[str | None] = mapped_column(String(18))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[str] = mapped_column(String(40))
    agency: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class FactsVersion(Base):
    __tablename__ = "facts_versions"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class BusinessProjection(Base):
    """The registry's business state as far as this service needs it."""
    __tablename__ = "business_projection"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6))
    operator_id_number: Mapped[str] = mapped_column(String(18))
    version: Mapped[int] = mapped_column(Integer)


class OperatorLink(Base):
    """ID number of a current or former operator → the business (for 失信被执行人 listings)."""
    __tablename__ = "operator_links"

    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True, index=True)
    current: Mapped[bool] = mapped_column(Boolean)


class FactsRead(Base):
    """Who read which business's facts, which fields, when."""
    __tablename__ = "facts_reads"
    __table_args__ = (Index("ix_facts_reads_uscc", "uscc"), Index("ix_facts_reads_reader", "reader"))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    reader: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200))
    reader_region: Mapped[str | None] = mapped_column(String(6))
    uscc: Mapped[str] = mapped_column(String(18))
    year: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[str]] = mapped_column(JSON)
    read_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    request_id: Mapped[str | None] = mapped_column(String(64))
