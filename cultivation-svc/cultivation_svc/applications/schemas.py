"""API models of applications and recommendations."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from getihu_kit.domain import uscc as uscc_code

Category = Literal["renowned", "distinctive", "quality", "emerging"]
RelaxedGroup = Literal["veteran", "graduate", "disabled", "returning_migrant_worker"]


class Material(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=1000)
    note: str | None = Field(default=None, max_length=2000)


def _uscc(v: str) -> str:
    try:
        return uscc_code.validate(v)
    except ValueError as exc:
        raise ValueError(str(exc) or "统一社会信用代码不正确") from None


class ApplicationCreate(BaseModel):
    """自主申报."""
    uscc: str
    category: Category
    materials: list[Material] = Field(default_factory=list, max_length=50)
    indicator_values: dict[str, Decimal] = Field(default_factory=dict)
    relaxed_group: RelaxedGroup | None = None

    @field_validator("uscc")
    @classmethod
    def _check_uscc(cls, v: str) -> str:
        return _uscc(v)


class RecommendationCreate(BaseModel):
    """部门推荐."""
    uscc: str
    category: Category
    reason: str = Field(min_length=1, max_length=4000)
    materials: list[Material] = Field(default_factory=list, max_length=50)
    indicator_values: dict[str, Decimal] = Field(default_factory=dict)

    @field_validator("uscc")
    @classmethod
    def _check_uscc(cls, v: str) -> str:
        return _uscc(v)


class Consent(BaseModel):
    agree: bool


class Review(BaseModel):
    approve: bool
    note: str | None = Field(default=None, max_length=4000)


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


class ApplicationRead(BaseModel):
    id: str
    uscc: str
    name: str | None = None
    region_code: str
    year: int
    category: str
    source: str
    department: str | None = None
    relaxed_group: str | None = None
    status: str
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
    steps: list[StepRead] = []


class NoticeRead(BaseModel):
    """A current public notice (信息公示): what the public sees, confidential fields masked."""
    application_id: str
    uscc: str
    name: str | None
    operator_name: str | None
    region_code: str
    category: str
    category_label: str
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    status: str
