"""API models of registry-svc: XCreate / XRead, validated with the seed's codes and check digits.

No date may be after the bureau's today (clock.today(), Beijing time), not the host's."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from getihu_kit.domain import industry
from getihu_kit.export_jobs import ExportRequest
from getihu_kit.domain.masking import mask_id_number, mask_phone
from getihu_kit.pagination import Page
from getihu_kit.fields import USCC, CategoryCode, IdNumber, Money, RegionCode, TypeOrExcluded
from getihu_kit.jobs import JobStatus
from registry_svc import rules


def _not_after_today(field: str, what: str):
    """A validator of `field`: not after the bureau's today (rules.not_in_future)."""
    def check(cls, v: dt.date) -> dt.date:
        if (m := rules.not_in_future(v, what)):
            raise ValueError(m)
        return v
    return field_validator(field)(classmethod(check))


class OperatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    id_number: IdNumber
    phone: str | None = Field(default=None, max_length=20, pattern=r"^(|[- ]*([0-9][- ]*){7,12})$",
                              description="联系电话：7至12位数字（手机号或带区号的固定电话）")
    email: str | None = Field(default=None, max_length=200, pattern=r"^(|\s*[^@\s]+@\S*\.\S*\s*)$",
                              description="电子邮箱，如 name@example.com")

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        local, _, domain = v.strip().partition("@")
        if not local or "." not in domain or " " in v.strip():
            raise ValueError("电子邮箱格式不正确（例：name@example.com）")
        return v.strip()

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        digits = v.replace("-", "").replace(" ", "")
        if not digits.isdigit() or not 7 <= len(digits) <= 12:
            raise ValueError("联系电话应为7至12位数字（手机号或带区号的固定电话）")
        return digits


class BusinessCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uscc: USCC
    name: str | None = Field(default=None, max_length=200)
    operator: OperatorIn
    region_code: RegionCode
    industry_code: str | None = None
    established_on: dt.date
    seasonal: bool = False
    address: str | None = Field(default=None, max_length=500)
    business_scope: str | None = Field(default=None, max_length=4000)


    @field_validator("industry_code")
    @classmethod
    def _industry(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        try:
            return industry.normalise(v)
        except industry.InvalidIndustry as e:
            raise ValueError(str(e)) from None

    _established = _not_after_today("established_on", "成立日期")


# What a registry file import holds (imports.KINDS, kept equal by the import tests).
RegistrationStatus = Literal[tuple(rules.STATUSES)]
ImportKindCode = Literal["businesses", "annual_reports", "marks", "status"]


class OperatorChange(OperatorIn):
    """变更经营者 (or the same person's new contact details) from `effective_on`."""
    effective_on: dt.date

    _effective = _not_after_today("effective_on", "变更日期")


class StatusChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["registered", "revoked", "cancelled", "withdrawn"]
    effective_on: dt.date

    _effective = _not_after_today("effective_on", "生效日期")


class StatusRow(StatusChangeIn):
    uscc: USCC


class AnnualReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=1980, le=2100)
    submitted_on: dt.date
    employees: int = Field(ge=0, le=1_000_000)
    revenue: Money | None = None
    tax_paid: Money | None = None

    _submitted = _not_after_today("submitted_on", "报送日期")


class AnnualReportRow(AnnualReportIn):
    uscc: USCC


class MarkIn(BaseModel):
    """经营异常 / 严重违法失信 / 歇业备案 / 行政处罚 / 表彰; end_on is the restore / repair / resume date."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal["abnormal", "serious_illegal", "suspension", "penalty", "award"]
    start_on: dt.date
    end_on: dt.date | None = None
    penalty_kind: Literal[rules.PENALTY_KINDS] | None = Field(default=None, description="行政处罚的处罚种类（仅 penalty）")
    amount: Money | None = None
    publicized_on: dt.date | None = None
    level: Literal[tuple(rules.AWARD_LEVELS)] | None = Field(default=None, description="表彰奖励的级别（仅 award）")
    reason: str | None = Field(default=None, max_length=500)

    @field_validator("penalty_kind", "level", "reason", mode="before")
    @classmethod
    def _blank(cls, v: str | None) -> str | None:
        return v.strip() or None if isinstance(v, str) else v


class MarkRow(MarkIn):
    uscc: USCC


class WindowOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opened_on: dt.date | None = None


class WindowClose(BaseModel):
    model_config = ConfigDict(extra="forbid")
    closed_on: dt.date | None = None
    reference_date: dt.date | None = Field(default=None, description="分型基准日；默认为分型年度的6月30日")


class WindowRead(BaseModel):
    report_year: int
    status: Literal["open", "closed"]
    opened_on: dt.date | None
    closed_on: dt.date | None
    typing_year: int
    reference_date: dt.date | None


class OperatorRead(BaseModel):
    name: str
    id_number: str
    phone: str | None = None
    email: str | None = None


class OperatorPeriodRead(OperatorRead):
    from_on: dt.date | None = None
    to_on: dt.date | None = None


class StatusPeriodRead(BaseModel):
    status: RegistrationStatus
    effective_on: dt.date


class AnnualReportRead(BaseModel):
    year: int
    submitted_on: dt.date
    employees: int
    revenue: Money | None = None
    tax_paid: Money | None = None


class MarkRead(BaseModel):
    id: str
    kind: Literal[tuple(rules.MARK_KINDS)]
    start_on: dt.date
    end_on: dt.date | None = None
    penalty_kind: str | None = None
    amount: Decimal | None = None
    publicized_on: dt.date | None = None
    level: Literal[tuple(rules.AWARD_LEVELS)] | None = None
    reason: str | None = None
    legal_max_end_on: dt.date | None = None


class TypeLabel(BaseModel):
    year: int
    type: TypeOrExcluded
    label: str


class CategoryLabel(BaseModel):
    category: CategoryCode
    label: str
    valid_until: dt.date


class DirectoryEntry(BaseModel):
    """One line of the 个体工商户名录 as the public sees it."""
    uscc: str
    name: str | None
    region_code: str
    region_name: str
    status: RegistrationStatus
    operator_name: str
    type: TypeLabel | None = None
    category: CategoryLabel | None = None


class DirectoryPage(Page[DirectoryEntry]):
    """A page of the 名录 (kit's Page, under the name integrators know)."""


class CountyListEntry(BaseModel):
    """One business of a county's 名录 as staff read it (the export adds the operator's ID number and phone)."""
    uscc: str
    name: str | None
    operator_name: str | None
    region_code: str
    region_name: str
    industry_code: str | None
    established_on: dt.date
    status: RegistrationStatus
    status_label: str
    type: TypeLabel | None = None
    category: CategoryLabel | None = None


class CountyListPage(Page[CountyListEntry]):
    """A page of a county's businesses (staff)."""


class CountyListExportCreate(ExportRequest):
    """The filters of GET /businesses, and the file's format."""
    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode | None = Field(default=None, description="县级区划（县级工作人员只能导出本县）")
    status: RegistrationStatus | None = Field(default=None, description="登记状态")


class ImportAccepted(BaseModel):
    id: str
    status: JobStatus
    kind: ImportKindCode


class BusinessRead(BaseModel):
    uscc: str
    name: str | None
    region_code: str
    region_name: str
    industry_code: str | None
    established_on: dt.date
    seasonal: bool
    address: str | None
    business_scope: str | None
    status: RegistrationStatus
    status_effective_on: dt.date | None
    operator: OperatorRead
    version: int
    status_history: list[StatusPeriodRead] = []
    operator_history: list[OperatorPeriodRead] = []
    annual_reports: list[AnnualReportRead] = []
    marks: list[MarkRead] = []

    def public(self) -> "BusinessRead":
        """The public view (seed 四(四)：严格保密): ID numbers, phones and e-mail masked, report figures withheld."""
        def masked(op):
            return op.model_copy(update={"id_number": mask_id_number(op.id_number), "phone": mask_phone(op.phone),
                                         "email": None})
        reports = [r.model_copy(update={"revenue": None, "tax_paid": None}) for r in self.annual_reports]
        return self.model_copy(update={"operator": masked(self.operator),
                                       "operator_history": [masked(o) for o in self.operator_history],
                                       "annual_reports": reports})
