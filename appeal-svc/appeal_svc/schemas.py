"""Request and response models of appeal-svc."""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from getihu_kit.labels import TYPE_CODES
from getihu_kit.fields import USCC, TypeOrExcluded

TypeName = Literal[TYPE_CODES]
# rules.workflow's statuses and objects (kept equal by the schema test).
AppealStatus = Literal["filed", "in_review", "material_requested", "upheld", "rejected", "withdrawn"]
TargetKind = Literal["typing_result", "cultivation_notice", "cultivation_refusal", "cultivation_cancellation",
                     "cultivation_spot_check", "cultivation_revocation"]
CultivationResultKind = Literal["cultivation_refusal", "cultivation_cancellation", "cultivation_spot_check",
                                "cultivation_revocation"]
_ONE_STATUS = "(" + "|".join(get_args(AppealStatus)) + ")"
# A status filter value: one status or several separated by commas (filed,in_review).
STATUS_LIST_PATTERN = f"^{_ONE_STATUS}(,{_ONE_STATUS})*$"
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
# At least 5 characters between the first and the last that is not a space (the validator strips).
GROUNDS_PATTERN = r"\S[\s\S]{3,}\S"


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field(min_length=1, max_length=200, description="文件名")
    content_type: Literal["application/pdf", "image/jpeg", "image/png"] = Field(description="文件类型")
    content_base64: str = Field(min_length=1, description="文件内容（Base64）")


def _grounds(v: str) -> str:
    v = v.strip()
    if len(v) < 5:
        raise ValueError("请写明异议理由（不少于5个字）")
    return v


class TypingObjectionCreate(BaseModel):
    """经营者对本户已公布分型结果提出异议。"""
    model_config = ConfigDict(extra="forbid")
    uscc: USCC
    year: int = Field(ge=2000, le=2100, description="分型年度")
    grounds: str = Field(max_length=4000, pattern=GROUNDS_PATTERN, description="异议理由（不少于5个字）")
    requested_type: TypeName | None = Field(default=None, description="申请人认为应属的类型")
    evidence: list[EvidenceIn] = Field(default_factory=list, description="证明材料")

    @field_validator("grounds")
    @classmethod
    def _g(cls, v: str) -> str:
        return _grounds(v)


class CultivationObjectionCreate(BaseModel):
    """经营者对本户“名特优新”结果提出异议（四(四)）：不予认定（申报编号）、取消认定、抽查不予认定、撤销认定（认定编号）。"""
    model_config = ConfigDict(extra="forbid")
    target_kind: CultivationResultKind = Field(description="异议对象：cultivation_refusal 不予认定、cultivation_cancellation "
                                                           "取消认定、cultivation_spot_check 抽查不予认定、"
                                                           "cultivation_revocation 撤销认定")
    target_id: str = Field(min_length=1, max_length=64, pattern=r"^(app|rec)_[0-9a-f]{1,40}$",
                           description="不予认定填申报编号（app_…），其余填认定编号（rec_…）")
    grounds: str = Field(max_length=4000, pattern=GROUNDS_PATTERN, description="异议理由（不少于5个字）")
    evidence: list[EvidenceIn] = Field(default_factory=list, description="证明材料")

    @field_validator("grounds")
    @classmethod
    def _g(cls, v: str) -> str:
        return _grounds(v)


class NoticeObjectionCreate(BaseModel):
    """任何人在“名特优新”公示期内对公示对象提出异议（可不登录，须留姓名和联系电话）。"""
    model_config = ConfigDict(extra="forbid")
    application_id: str = Field(min_length=1, max_length=64, description="公示的申报编号")
    grounds: str = Field(max_length=4000, pattern=GROUNDS_PATTERN, description="异议理由（不少于5个字）")
    objector_name: str = Field(max_length=50, pattern=r"\S", description="异议人姓名")
    objector_phone: str = Field(pattern=PHONE.pattern, description="联系电话：11位手机号或带区号的固定电话")
    evidence: list[EvidenceIn] = Field(default_factory=list, description="证明材料")

    @field_validator("grounds")
    @classmethod
    def _g(cls, v: str) -> str:
        return _grounds(v)

    @field_validator("objector_name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("请填写异议人姓名")
        return v

    @field_validator("objector_phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        v = v.strip().replace(" ", "")
        if not PHONE.match(v):
            raise ValueError("联系电话格式不正确：应为11位手机号或带区号的固定电话")
        return v


class AnonymousProof(BaseModel):
    """未登录的公示异议人以登记时的联系电话证明本人身份。"""
    objector_phone: str = Field(description="提出异议时填写的联系电话")

    @field_validator("objector_phone")
    @classmethod
    def _phone(cls, v: str) -> str:
        return v.strip().replace(" ", "")


class MaterialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request: str = Field(min_length=2, max_length=2000, description="需补充的材料及要求")
    deadline: dt.date = Field(description="补充材料截止日期")


class MaterialSupply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=2000, description="补充说明")
    evidence: list[EvidenceIn] = Field(default_factory=list, description="补充的证明材料")


class AnonymousMaterialSupply(MaterialSupply, AnonymousProof):
    pass


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["upheld", "rejected"] = Field(description="upheld 异议成立；rejected 异议不成立")
    reason: str = Field(max_length=4000, pattern=r"\S[\s\S]*\S", description="理由或解释说明（不少于2个字）")
    corrected_type: TypeName | None = Field(default=None, description="分型异议成立时更正后的类型")

    @field_validator("reason")
    @classmethod
    def _reason(cls, v: str) -> str:
        v = v.strip()
        if len(v) < 2:
            raise ValueError("请写明处理理由或解释说明")
        return v


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=2000, description="撤回理由")


class AnonymousWithdrawal(Withdrawal, AnonymousProof):
    pass


class EvidenceRead(BaseModel):
    id: str
    stage: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class StepRead(BaseModel):
    at: dt.datetime
    actor: str
    actor_role: str
    action: str
    status_from: str | None
    status_to: str
    note: str | None
    details: dict


class AppealRead(BaseModel):
    id: str
    target_kind: TargetKind
    target_id: str | None
    uscc: str
    year: int | None
    region_code: str | None
    ruleset: str | None
    original_type: TypeOrExcluded | None
    requested_type: TypeName | None
    appellant: str
    appellant_kind: str
    objector_name: str | None = Field(description="异议人姓名（公众与列表视图脱敏）")
    objector_phone: str | None = Field(description="联系电话（公众与列表视图脱敏）")
    grounds: str
    status: AppealStatus
    status_label: str
    filed_at: dt.datetime
    due_on: dt.date
    overdue: bool
    material_request: str | None
    material_due_on: dt.date | None
    decision: Literal["upheld", "rejected", "withdrawn"] | None
    corrected_type: TypeName | None
    reason: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    evidence: list[EvidenceRead] = []
    trail: list[StepRead] | None = None


class AppealPage(BaseModel):
    items: list[AppealRead]
    next_cursor: str | None = None
