"""Per-region settings: the seed's parameters a county varies (DESIGN: keep those as settings)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from cultivation_svc.base import Base


class RegionSetting(Base):
    __tablename__ = "region_setting"
    region_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    overrides: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
