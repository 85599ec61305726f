"""County application windows, one per county and year."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cultivation_svc.base import Base


class Window(Base):
    __tablename__ = "application_window"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # win_<region>_<year>
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    typing_run_id: Mapped[str | None] = mapped_column(String(64))
    eligible_count: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
