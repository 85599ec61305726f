"""API models of credit reads and operators' consents."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from getihu_kit.fields import USCC, Text
from getihu_kit.pagination import Page
from typing_svc.schemas import ResultRead

Scope = Literal["result_facts", "recognition_details"]
ConsentStatus = Literal["in_force", "withdrawn", "expired"]


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: USCC = Field(description="授权查询的个体工商户（须为本人经营）")
    institution: Text = Field(max_length=200, description="被授权的金融机构：其在平台的账号标识（令牌 sub）")
    scope: list[Scope] = Field(min_length=1, max_length=2,
                               description="授权范围：result_facts 分型结果及判定依据；recognition_details “名特优新”认定信息")
    expires_on: dt.date = Field(description="授权截止日期（含当日），须晚于今天")


class ConsentRead(BaseModel):
    id: str
    uscc: str
    institution: str
    scope: list[Scope]
    scope_labels: list[str]
    expires_on: dt.date
    granted_at: dt.datetime
    granted_by: str
    withdrawn_at: dt.datetime | None = None
    status: ConsentStatus = Field(description="in_force 有效；withdrawn 已撤回；expired 已到期")


class CreditReadEntry(BaseModel):
    """金融机构的一次查询：谁、查了什么、何时、依据哪项授权。"""
    id: int
    consent_id: str
    uscc: str
    institution: str
    reader: str
    what: Scope
    what_label: str
    year: int | None = None
    read_at: dt.datetime


class CreditResult(ResultRead):
    """分型结果及判定依据（含各条件所依据的事实及其来源），经营者授权后供金融机构信贷使用。"""
    consent_id: str = Field(description="本次查询所依据的授权")


class CreditRecognition(BaseModel):
    recognition_id: str
    uscc: str
    region_code: str
    category: str
    category_label: str
    status: str
    status_label: str
    year: int | None = None
    recognised_on: dt.date
    valid_until: dt.date
    benefits_from: dt.date
    reason: str | None = None
    changed_at: dt.datetime


class CreditRecognitions(BaseModel):
    uscc: str
    consent_id: str = Field(description="本次查询所依据的授权")
    items: list[CreditRecognition]


ConsentPage = Page[ConsentRead]
CreditReadPage = Page[CreditReadEntry]
