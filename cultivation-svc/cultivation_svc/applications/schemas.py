"""API models of applications and recommendations."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from getihu_kit.fields import USCC

Category = Literal["renowned", "distinctive", "quality", "emerging"]
# The application's life (applications.service.record_step); material_requested: a spot check asked for more.
ApplicationStatus = Literal["new", "submitted", "awaiting_consent", "site_visit", "soliciting", "public_notice",
                            "on_hold", "recognised", "refused", "withdrawn", "material_requested"]
Source = Literal["self", "recommendation"]
# The seed's four (veteran, graduate, disabled, returning_migrant_worker) or a group a county added (region settings).
RelaxedGroup = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$",
                                    description="放宽分类来源的群体：veteran 退役军人、graduate 高校毕业生、disabled 残疾人、"
                                                "returning_migrant_worker 返乡创业农民工，或本县增设的群体代码",
                                    examples=["veteran"])]


class Material(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=1000)
    note: str | None = Field(default=None, max_length=2000)



class ApplicationCreate(BaseModel):
    """自主申报."""
    uscc: USCC
    category: Category
    materials: list[Material] = Field(default_factory=list, max_length=50)
    indicator_values: dict[str, Decimal] = Field(default_factory=dict)
    relaxed_group: RelaxedGroup | None = None
    relaxed_basis: str | None = Field(default=None, min_length=1, max_length=1000,
                                      description="所称群体的依据（证件名称及编号、证明出具单位），放宽来源时必填，县级审核时确认")


class RecommendationCreate(BaseModel):
    """部门推荐."""
    uscc: USCC
    category: Category
    reason: str = Field(min_length=1, max_length=4000)
    materials: list[Material] = Field(default_factory=list, max_length=50)
    indicator_values: dict[str, Decimal] = Field(default_factory=dict)


class Consent(BaseModel):
    agree: bool


class Review(BaseModel):
    approve: bool
    note: str | None = Field(default=None, max_length=4000)
    relaxed_group_confirmed: bool | None = Field(
        default=None, description="申报称属放宽来源群体的，审核通过时须确认其依据（true 属实 / false 不属实）")


class SiteVisit(BaseModel):
    verified: bool
    visited_on: dt.date
    note: str | None = Field(default=None, max_length=4000)


class Opinion(BaseModel):
    department: str = Field(min_length=1, max_length=100)
    opinion: str = Field(min_length=1, max_length=4000)
    agrees: bool = True


class Opinions(BaseModel):
    opinions: list[Opinion] = Field(min_length=1, max_length=50)
    proceed: bool
    note: str | None = Field(default=None, max_length=4000)


class StepRead(BaseModel):
    step: str
    status_after: str
    actor: str
    detail: dict
    at: dt.datetime


class FraudRevocationRead(BaseModel):
    """二(六) 撤销认定: shown in every case of the business (a recommending department sees why its case is one)."""
    recognition_id: str
    revoked_on: dt.date
    applications_barred_until: dt.date = Field(description="此日（不含）前不得再次自主申报")
    reason: str | None = None


class ApplicationRead(BaseModel):
    id: str
    uscc: str
    name: str | None = None
    region_code: str
    year: int
    category: Category
    source: Source
    department: str | None = None
    relaxed_group: RelaxedGroup | None = None
    relaxed_group_label: str | None = None
    relaxed_basis: str | None = None
    relaxed_confirmed: bool | None = None
    status: ApplicationStatus
    score: Decimal | None = None
    score_detail: list | None = None
    criteria_id: str | None = None
    type_at_application: str | None = None
    notice_starts_on: dt.date | None = None
    notice_ends_on: dt.date | None = None
    reason: str | None = None
    applied_on: dt.date
    materials: list = []
    open_objections: list[str] = []
    reopened_by: str | None = Field(default=None, description="异议成立、恢复办理本案的异议编号")
    fraud_revocations: list[FraudRevocationRead] = []
    steps: list[StepRead] = []


class NoticeRead(BaseModel):
    """A current public notice (信息公示): what the public sees, confidential fields masked."""
    application_id: str
    uscc: str
    name: str | None
    operator_name: str | None
    region_code: str
    category: Category
    category_label: str
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    status: ApplicationStatus
