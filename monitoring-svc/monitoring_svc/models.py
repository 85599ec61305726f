"""Tables of monitoring-svc (SQLAlchemy 2, typed).

The policy catalog (惠企政策) with its publication history; contact points (联系点) with the businesses
each follows; quarterly operating returns with the audit of staff reads; and the projections of the
other services' events the analysis is built from.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, Numeric,
                        SmallInteger, String, Text)
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

MONEY = Numeric(18, 2)


# --- 惠企政策 ----------------------------------------------------------------------------------------
class Policy(Base):
    """One policy of the catalog. `revision` counts edits; each publication is kept in policy_publication."""
    __tablename__ = "policy"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    conditions: Mapped[str] = mapped_column(Text)      # 申请条件
    procedure: Mapped[str] = mapped_column(Text)       # 办理流程
    department: Mapped[str] = mapped_column(String(100))
    in_force_from: Mapped[dt.date] = mapped_column(Date)
    in_force_to: Mapped[dt.date | None] = mapped_column(Date)
    channels: Mapped[list] = mapped_column(JSON, default=list)       # [{"kind", "name", "url"?}]
    measure_codes: Mapped[list] = mapped_column(JSON, default=list)  # cultivation's 帮扶措施 codes
    status: Mapped[str] = mapped_column(String(20))    # draft | published | withdrawn
    revision: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    first_published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_policy_status_from", "status", "in_force_from", "id"),)


class PolicyPublication(Base):
    """A publication (or withdrawal) of a policy revision: the dates the public saw what."""
    __tablename__ = "policy_publication"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    policy_id: Mapped[str] = mapped_column(ForeignKey("policy.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))   # published | republished | withdrawn
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))


# --- 联系点 ----------------------------------------------------------------------------------------
class ContactPoint(Base):
    """A county's contact point (扶持个体工商户发展工作联系点), filed with the prefecture (备案)."""
    __tablename__ = "contact_point"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_person: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))    # filed | acknowledged | returned
    version: Mapped[int] = mapped_column(Integer)
    filed_by: Mapped[str] = mapped_column(String(200))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_note: Mapped[str | None] = mapped_column(Text)


class ContactPointBusiness(Base):
    """A business a contact point follows."""
    __tablename__ = "contact_point_business"
    contact_point_id: Mapped[str] = mapped_column(ForeignKey("contact_point.id"), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True, index=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# --- 经营数据 --------------------------------------------------------------------------------------
class OperatingReturn(Base):
    """A business's operating return for one quarter; a later return for the quarter replaces it
    (`revision` counts the submissions, the latest `source` says who gave it)."""
    __tablename__ = "operating_return"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12))
    sales: Mapped[Decimal] = mapped_column(MONEY)         # 销售额
    costs: Mapped[Decimal] = mapped_column(MONEY)         # 成本
    profit: Mapped[Decimal] = mapped_column(MONEY)        # 利润 (a loss is negative)
    employees: Mapped[int] = mapped_column(Integer)       # 吸纳就业
    new_hires: Mapped[int] = mapped_column(Integer)
    loans_outstanding: Mapped[Decimal] = mapped_column(MONEY)  # 贷款融资：期末贷款余额
    loans_obtained: Mapped[Decimal] = mapped_column(MONEY)     # 本季度新获贷款
    financing_need: Mapped[str] = mapped_column(String(20))    # none | met | unmet
    outlook: Mapped[str] = mapped_column(String(20))           # 经营预期 better | stable | worse
    difficulties: Mapped[str | None] = mapped_column(Text)     # 困难诉求
    source: Mapped[str] = mapped_column(String(20))            # operator | contact_point | county_import
    contact_point_id: Mapped[str | None] = mapped_column(String(40))
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revision: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_return_region_period", "region_code", "year", "quarter", "uscc"),
                      Index("ix_return_period", "year", "quarter", "uscc"))


class ReturnRead(Base):
    """Audit of staff reads of operating returns (confidential like agency facts): who, what, when."""
    __tablename__ = "return_read"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    reader: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200))
    reader_region: Mapped[str | None] = mapped_column(String(12))
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    query: Mapped[dict] = mapped_column(JSON, default=dict)  # what was asked: a business, or a list's filters
    rows: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# --- 问卷 --------------------------------------------------------------------------------------------
class Questionnaire(Base):
    """One version of a questionnaire (问卷). A draft may change; a published version never does: a
    change makes the next version (same id). `region_code` is the county that owns it (None: the prefecture)."""
    __tablename__ = "questionnaire"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str | None] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    closes_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))    # draft | published
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class QuestionnaireQuestion(Base):
    """A question of a version: its kind, options, and the policy and dimension it measures (知晓度…)."""
    __tablename__ = "questionnaire_question"
    questionnaire_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    no: Mapped[int] = mapped_column(SmallInteger, primary_key=True)   # 1-based, as shown
    kind: Mapped[str] = mapped_column(String(20))      # single | multiple | scale | text
    text: Mapped[str] = mapped_column(String(300))
    options: Mapped[list] = mapped_column(JSON, default=list)   # [{"label", "positive"}], numbered from 1
    required: Mapped[bool] = mapped_column(Boolean)
    policy_id: Mapped[str | None] = mapped_column(String(40))
    dimension: Mapped[str | None] = mapped_column(String(20))   # knowledge | understanding | satisfaction


class QuestionnaireRecipient(Base):
    """A business a version was sent to (once, whatever the number of sends that reached it)."""
    __tablename__ = "questionnaire_recipient"
    questionnaire_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True, index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    send_id: Mapped[str] = mapped_column(String(40), index=True)   # the send that first reached it
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class QuestionnaireAnswer(Base):
    """A business's answer to a version (one per business); its items are in answer_item."""
    __tablename__ = "questionnaire_answer"
    questionnaire_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12))
    answered_by: Mapped[str] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_answer_answered_at", "answered_at"),)


class AnswerItem(Base):
    """One value of an answer: an option number (a multiple choice has a row per option ticked), a
    scale value 1–5, or a text. Rows, not JSON, so the aggregation is one GROUP BY."""
    __tablename__ = "answer_item"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    questionnaire_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    uscc: Mapped[str] = mapped_column(String(18))
    no: Mapped[int] = mapped_column(SmallInteger)
    value: Mapped[int | None] = mapped_column(SmallInteger)
    text: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_answer_item_question", "questionnaire_id", "version", "no", "value"),)


# --- projections ------------------------------------------------------------------------------------
class BusinessProjection(Base):
    """Registry's business state as far as monitoring needs it: where it is and its industry."""
    __tablename__ = "business_projection"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    industry_code: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)


class TypingResultProjection(Base):
    """The published type per business and year (a correction is a newer version)."""
    __tablename__ = "typing_result_projection"
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(12))
    industry_code: Mapped[str | None] = mapped_column(String(10))
    ruleset: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_typing_projection_year", "year", "region_code"),)


class RecognitionProjection(Base):
    """名特优新 recognitions as cultivation announces them (newest change wins)."""
    __tablename__ = "recognition_projection"
    recognition_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AppealProjection(Base):
    """Objections: when filed, when and how decided."""
    __tablename__ = "appeal_projection"
    appeal_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(30))
    uscc: Mapped[str] = mapped_column(String(18))
    year: Mapped[int | None] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(String(12))
    filed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# --- 分析报告 --------------------------------------------------------------------------------------
class ReportFile(Base):
    """The files of a finished report job (a few hundred kB: tables of counts, not of businesses)."""
    __tablename__ = "report_file"
    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    xlsx: Mapped[bytes] = mapped_column(LargeBinary)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
