"""The declarative base and the plumbing tables every service has (outbox, inbox, jobs, idempotency)."""
from __future__ import annotations

from getihu_kit.consumer import inbox_table
from getihu_kit.db import declarative_base
from getihu_kit.idempotency import idempotency_table
from getihu_kit.jobs import jobs_tables
from getihu_kit.outbox import Outbox, outbox_table

Base = declarative_base()
outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
jobs, job_chunks = jobs_tables(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)
OUTBOX = Outbox(outbox, source="cultivation-svc")
