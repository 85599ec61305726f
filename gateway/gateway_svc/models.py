"""The gateway's own table: the anonymous callers' counts every gateway process shares (ratelimit.py)."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table

from getihu_kit.db import declarative_base

Base = declarative_base()

rate_counts = Table(
    "rate_counts", Base.metadata,
    Column("rule", String(40), primary_key=True),
    Column("address", String(64), primary_key=True),
    Column("window_no", BigInteger, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("expires_at", BigInteger, nullable=False),  # epoch seconds after which the row is dropped
    Index("ix_rate_counts_expires_at", "expires_at"),
    prefixes=["UNLOGGED"],
)
