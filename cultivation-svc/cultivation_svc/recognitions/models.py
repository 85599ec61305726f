"""Recognitions (认定) and their yearly information reports."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cultivation_svc.base import Base


class Recognition(Base):
    __tablename__ = "recognition"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(40), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    operator_id_number: Mapped[str | None] = mapped_column(String(18))
    category: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(100))
    relaxed_group: Mapped[str | None] = mapped_column(String(40))
    type_at_recognition: Mapped[str | None] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    recognised_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # orders same-day ones
    valid_until: Mapped[dt.date] = mapped_column(Date)
    benefits_from: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # granted | extended | cancelled | revoked | expired
    criteria_id: Mapped[str | None] = mapped_column(String(40))
    ruleset: Mapped[str] = mapped_column(String(60))
    reported_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    spot_check: Mapped[str | None] = mapped_column(String(30))  # material_requested | material_submitted | passed | refused
    spot_check_due_on: Mapped[dt.date | None] = mapped_column(Date)
    spot_check_note: Mapped[str | None] = mapped_column(Text)
    department_consented: Mapped[bool] = mapped_column(Boolean, default=False)
    operator_change_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    operator_change_due_on: Mapped[dt.date | None] = mapped_column(Date)  # 及时报告: by this day
    extensions: Mapped[list] = mapped_column(JSON)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    # 二(六) 撤销认定: the day of the revocation (the 5-year bar runs from it), also for one that had ended before.
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_from: Mapped[str | None] = mapped_column(String(20))  # the status a revocation ended (granted, expired…)
    # An upheld objection restores a recognition in place; this names the appeal that did it.
    restored_from: Mapped[str | None] = mapped_column(String(40))
    end_reason: Mapped[str | None] = mapped_column(Text)
    # 二(四)3 一人一户: set when an operator change puts this (the later) recognition beside an earlier one of the same
    # person in the county; the county's worklist shows it, to be cancelled with this reason.
    conflict_with: Mapped[str | None] = mapped_column(String(40))
    conflict_reason: Mapped[str | None] = mapped_column(Text)
    # 二(四)3: what the recognition waited for before counting the 5 % (kit.barrier's record: typing's outbox head,
    # the topics' end offsets the projection had applied); null where no barrier is configured.
    data_barrier: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_recognition_scope", "region_code", "status", "category"),
                      Index("ix_recognition_operator", "region_code", "operator_id_number"))


class InfoReport(Base):
    """二(六)：每年7月底前完成信息报告；变更经营者的，要在变更后及时报告。"""
    __tablename__ = "info_report"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recognition_id: Mapped[str] = mapped_column(String(40), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # yearly | operator_change
    content: Mapped[dict] = mapped_column(JSON)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed: Mapped[str | None] = mapped_column(String(20))  # accepted | correction_requested
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    submitted_by: Mapped[str] = mapped_column(String(200))


class SpotCheckDraw(Base):
    """二(五)2 上级抽查: one draw of a sample by the prefecture — who, when, with which seed and rate, from which
    recognitions — kept so anyone can redraw it and get the same sample; a later draw of the same county and year
    is another row (naming the one it follows and why), never a replacement."""
    __tablename__ = "spot_check_draw"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(200))
    rate: Mapped[str] = mapped_column(String(20))  # the fraction drawn, exact (e.g. "1/10")
    population: Mapped[list] = mapped_column(JSON)  # the ids drawn from (a county's cycle: ≤ 5 % of its types)
    sample: Mapped[list] = mapped_column(JSON)
    drawn_by: Mapped[str] = mapped_column(String(200))
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    follows: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_spot_check_draw_scope", "region_code", "year", "drawn_at"),)


class SpotCheckItem(Base):
    """A sampled recognition's check outcome: pending, then what the prefecture recorded on it (passed, refused with
    the reason, material requested by a day → submitted, or the lapse outcome)."""
    __tablename__ = "spot_check_item"
    draw_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    recognition_id: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    outcome: Mapped[str] = mapped_column(String(30), default="pending")
    note: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
