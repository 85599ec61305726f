"""The national feed of 名特优新 recognitions: every change, in commit order (kit.feeds)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cultivation_svc.base import Base


class RecognitionFeedEntry(Base):
    """One change of one recognition as the national 名录 receives it (seq is the cursor)."""
    __tablename__ = "recognition_feed"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    recognition_id: Mapped[str] = mapped_column(String(40))
    uscc: Mapped[str] = mapped_column(String(18))
    region_code: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    change: Mapped[str] = mapped_column(String(20))  # the status it came to: granted | extended | cancelled | revoked | expired
    year: Mapped[int] = mapped_column(Integer)
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    benefits_from: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_recognition_feed_recognition_seq", "recognition_id", "seq"),)
