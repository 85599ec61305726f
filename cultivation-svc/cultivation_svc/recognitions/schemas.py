"""API models of recognitions."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from getihu_kit.fields import Money, RegionCode
from getihu_kit.fields import CategoryCode


class Recognise(BaseModel):
    note: str | None = Field(default=None, max_length=4000)


class SpotCheckDrawCreate(BaseModel):
    """地局抽查抽样: the county and cycle; a seed of one's own (else the platform picks one and records it); the
    reason for drawing again when that county and year already have a sample."""
    region_code: RegionCode
    year: int = Field(ge=2000, le=2100)
    seed: str | None = Field(default=None, min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=2000)


class SpotCheckItemRead(BaseModel):
    """A sampled recognition and its check outcome."""
    recognition_id: str
    outcome: str = Field(description="pending | passed | refused | material_requested | material_submitted")
    outcome_label: str
    note: str | None = None
    due_on: dt.date | None = None
    decided_by: str | None = None
    decided_at: dt.datetime | None = None


class SpotCheckDrawRead(BaseModel):
    """二(五)2 一次抽查抽样：谁、何时、种子、比例、总体户数与样本，及每户抽查结果；reproduced：按种子重抽得到同一样本。"""
    id: str
    region_code: str
    year: int
    seed: str
    rate: str
    population: int
    sample: list[str]
    drawn_by: str
    drawn_at: dt.datetime
    follows: str | None = None
    reason: str | None = None
    reproduced: bool
    items: list[SpotCheckItemRead]


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
    data_barrier: dict | None = Field(
        default=None, description="二(四)3 名额基数：认定前等待分型结果同步完成的记录（分型服务待发布事件截至序号、各主题已应用位置、等待秒数）")


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


class ObjectionDueItem(BaseModel):
    """四(四) 及时受理异议: an open objection to one of the county's cases, with its reply date."""
    appeal_id: str
    target_kind: str | None = Field(default=None, description="异议对象（公示、不予认定、取消、抽查、撤销）")
    target_label: str | None = None
    target_id: str | None = None
    application_id: str | None = None
    uscc: str | None = None
    name: str | None = None
    filed_at: dt.datetime | None = None
    due_on: dt.date | None = Field(default=None, description="答复期限")
    overdue: bool = False


class Worklist(BaseModel):
    """What a county's staff have to do on the day `on`."""
    region_code: str
    on: dt.date
    one_person_conflicts: list[ConflictItem]
    operator_changes_pending: list[DueItem]
    evaluations_due: list[WorkItem] = Field(description="有效期最后一年、待评估是否延期（有效期至 valid_until）")
    info_reports_to_review: list[InfoReportItem]
    material_requests: list[DueItem] = Field(description="抽查要求补充材料，期限内待经营者提交或待审核")
    objections_due: list[ObjectionDueItem] = Field(
        default_factory=list, description="待答复的异议（答复期限最早的在前），由异议服务办理")
