"""API models of recognitions."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from getihu_kit.fields import Money, RegionCode
from getihu_kit.fields import CategoryCode


class Recognise(BaseModel):
    note: str | None = Field(default=None, max_length=4000)


class SpotCheck(BaseModel):
    """地局抽查: ask for more material by a deadline, accept, or refuse (不予认定)."""
    action: Literal["request_material", "accept", "refuse"]
    due_on: dt.date | None = None
    note: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _due(self):
        if self.action == "request_material" and self.due_on is None:
            raise ValueError("要求补充材料时须填写补充期限 due_on")
        if self.action == "refuse" and not self.note:
            raise ValueError("不予认定时须填写理由 note")
        return self


class SupplementaryMaterial(BaseModel):
    materials: list[dict] = Field(min_length=1, max_length=50)
    note: str | None = Field(default=None, max_length=4000)


class InfoReportCreate(BaseModel):
    """二(六) 信息报告: yearly (by 31 July) or after a change of operator."""
    year: int = Field(ge=2024, le=2100)
    kind: Literal["yearly", "operator_change"] = "yearly"
    revenue: Money | None = None
    tax_paid: Money | None = None
    employees: int | None = Field(default=None, ge=0)
    operator_name: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=4000)


class InfoReportReview(BaseModel):
    """二(六) 认定部门应当审核信息报告: accept, or ask for a correction (naming what to correct)."""
    decision: Literal["accepted", "correction_requested"]
    note: str | None = Field(default=None, max_length=4000, description="要求更正时必填：需更正的内容")

    @model_validator(mode="after")
    def _note(self):
        if self.decision == "correction_requested" and not (self.note or "").strip():
            raise ValueError("要求更正时须填写需更正的内容 note")
        return self


class InfoReportRead(BaseModel):
    id: int
    recognition_id: str
    year: int
    kind: Literal["yearly", "operator_change"]
    submitted_on: dt.date
    late: bool = Field(description="是否晚于报告期限")
    reviewed: Literal["accepted", "correction_requested"] | None = None
    review_note: str | None = None


class Confirmation(BaseModel):
    region_code: RegionCode
    year: int = Field(ge=2024, le=2100)


class Revocation(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)


class DepartmentConsent(BaseModel):
    agree: bool
    note: str | None = Field(default=None, max_length=4000)


class RecognitionRead(BaseModel):
    id: str
    application_id: str
    uscc: str
    name: str | None = None
    region_code: str
    category: CategoryCode
    category_label: str
    source: Literal["self", "recommendation"]
    department: str | None = None
    relaxed_group: str | None = None
    type_at_recognition: str | None = None
    year: int
    recognised_on: dt.date
    valid_until: dt.date
    benefits_from: dt.date
    status: str
    ruleset: str
    reported_at: dt.datetime | None = None
    spot_check: str | None = None
    spot_check_due_on: dt.date | None = None
    department_consented: bool = False
    operator_change_pending: bool = False
    extensions: list = []
    ended_on: dt.date | None = None
    end_reason: str | None = None
    revoked_on: dt.date | None = None
    restored_from: str | None = None
    operator_change_due_on: dt.date | None = None
    conflict_with: str | None = None
    conflict_reason: str | None = None


class PublicRecognition(BaseModel):
    uscc: str
    name: str | None
    operator_name: str | None
    region_code: str
    category: CategoryCode
    category_label: str
    recognised_on: dt.date
    valid_until: dt.date


# --- the county's worklist (recognitions.service.worklist) ---------------------------------------
class WorkItem(BaseModel):
    """One recognition on the worklist; the list it is on says what is to be done."""
    recognition_id: str
    uscc: str
    name: str | None = None
    category: CategoryCode
    valid_until: dt.date


class ConflictItem(WorkItem):
    conflict_with: str | None = Field(default=None, description="同一自然人在本县已获认定的认定编号")
    reason: str | None = None


class DueItem(WorkItem):
    due_on: dt.date | None = Field(default=None, description="办理期限")
    overdue: bool = False


class InfoReportItem(WorkItem):
    report_id: int
    year: int
    kind: Literal["yearly", "operator_change"]
    submitted_on: dt.date
    late: bool = False


class Worklist(BaseModel):
    """What a county's staff have to do on the day `on`."""
    region_code: str
    on: dt.date
    one_person_conflicts: list[ConflictItem]
    operator_changes_pending: list[DueItem]
    evaluations_due: list[WorkItem] = Field(description="有效期最后一年、待评估是否延期（有效期至 valid_until）")
    info_reports_to_review: list[InfoReportItem]
    material_requests: list[DueItem] = Field(description="抽查要求补充材料，期限内待经营者提交或待审核")
