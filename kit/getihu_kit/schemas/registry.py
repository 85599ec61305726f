"""Events published by registry-svc."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel

from getihu_kit.events import REGISTRY_ANNUAL_REPORT, REGISTRY_BUSINESS, EventData


class OperatorState(BaseModel):
    name: str
    id_number: str
    phone: str | None = None
    email: str | None = None
    since: dt.date | None = None


class OperatorPeriod(BaseModel):
    name: str
    id_number: str
    from_on: dt.date | None = None
    to_on: dt.date | None = None


class AnnualReportState(BaseModel):
    year: int
    submitted_on: dt.date
    employees: int
    revenue: Decimal | None = None
    tax_paid: Decimal | None = None


class MarkState(BaseModel):
    id: str
    kind: str  # abnormal | serious_illegal | suspension | penalty | award
    start_on: dt.date
    end_on: dt.date | None = None
    penalty_kind: str | None = None
    amount: Decimal | None = None
    publicized_on: dt.date | None = None
    level: str | None = None  # award: county | city | province | national
    reason: str | None = None
    # 歇业: the last day of the legal maximum period (市场主体登记管理条例 第三十条: 3 years).
    legal_max_end_on: dt.date | None = None


class StatusPeriod(BaseModel):
    status: str  # registered | revoked | cancelled | withdrawn
    effective_on: dt.date


class BusinessState(EventData):
    """The whole business after every change; keyed by USCC on a compacted topic."""
    event_type: ClassVar[str] = "getihu.registry.business.state.v1"
    topic: ClassVar[str] = REGISTRY_BUSINESS

    uscc: str
    name: str | None = None
    region_code: str
    industry_code: str | None = None
    established_on: dt.date
    seasonal: bool = False
    address: str | None = None
    business_scope: str | None = None
    status: str = "registered"
    status_effective_on: dt.date | None = None
    status_history: list[StatusPeriod] = []
    operator: OperatorState
    operator_history: list[OperatorPeriod] = []
    annual_reports: list[AnnualReportState] = []
    marks: list[MarkState] = []
    version: int = 1
    changed_at: dt.datetime | None = None


class AnnualReportWindowOpened(EventData):
    """The annual-report window for `report_year` opened (filing itself is never refused: late filings count)."""
    event_type: ClassVar[str] = "getihu.registry.annual-report.opened.v1"
    topic: ClassVar[str] = REGISTRY_ANNUAL_REPORT

    report_year: int
    opened_on: dt.date
    opened_by: str | None = None


class AnnualReportClosed(EventData):
    """The annual-report window for `report_year` closed: typing year = report_year + 1."""
    event_type: ClassVar[str] = "getihu.registry.annual-report.closed.v1"
    topic: ClassVar[str] = REGISTRY_ANNUAL_REPORT

    report_year: int
    typing_year: int
    closed_on: dt.date
    reference_date: dt.date
    closed_by: str | None = None
