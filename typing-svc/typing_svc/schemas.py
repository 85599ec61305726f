"""API models of typing-svc."""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from getihu_kit.pagination import Page
from getihu_kit.export_jobs import ExportRequest
from getihu_kit.fields import RegionCode, Text, TypeOrExcluded
from typing import Literal


# A run's life (CONTRACT.md: typing runs).
RunStatus = Literal["queued", "waiting_for_data", "running", "completed", "failed", "publishing", "published"]


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2024, le=2100, description="分型年度 Y")
    reference_date: dt.date | None = Field(default=None, description="基准日 R，默认 Y 年 6 月 30 日")
    region_codes: list[RegionCode] | None = Field(default=None, description="只对这些县级单位分型；缺省为全部")


class ResultsExportCreate(ExportRequest):
    """The filters of GET /results, and the file's format."""
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2024, le=2100, description="分型年度")
    region_code: RegionCode | None = Field(default=None, description="县级区划（县级工作人员只能导出本县）")
    type: TypeOrExcluded | None = Field(default=None, description="只导出该分型")
    run_id: Text | None = Field(default=None, description="某次分型运行；缺省为该年度最新已发布或已完成的运行")


class TypeCountsRead(BaseModel):
    survival: int = 0
    growth: int = 0
    development: int = 0
    excluded: int = 0


class BarrierSource(BaseModel):
    service: str = Field(description="上游服务（registry 登记注册、data-sharing 数据共享）")
    outbox_through: int = Field(description="运行开始前该服务已提交事件的序号上限：此前的事件均已应用")


class BarrierTopic(BaseModel):
    topic: str
    end_offset: int = Field(description="等待时该主题各分区末端位点之和：此前的事件均已应用")


class DataBarrierRead(BaseModel):
    """运行读取投影之前等待的数据：上游已接收的变更全部应用后才开始分型。"""
    requested_at: dt.datetime
    passed_at: dt.datetime
    waited_s: float
    sources: list[BarrierSource]
    topics: list[BarrierTopic]


class RunRead(BaseModel):
    id: str
    year: int
    reference_date: dt.date
    region_codes: list[str] | None
    ruleset: str
    status: RunStatus
    progress: float
    counts: TypeCountsRead
    job_id: str | None = Field(default=None, description="当前任务（分型运行，或发布）：GET /api/v1/jobs/{job_id} 查看进度")
    trigger: str
    message: str | None = None
    created_by: str | None = None
    created_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    data_barrier: DataBarrierRead | None = Field(
        default=None, description="状态 waiting_for_data 结束时记录：运行等待了哪些上游数据")
    batches: list[str] = []


class RunPage(Page[RunRead]):
    """A year's runs, newest first."""


class ExplanationItem(BaseModel):
    condition: str
    label: str
    group: str
    met: bool
    fact: dict | None = None
    source: dict | None = None


class CorrectionRead(BaseModel):
    appeal_id: str
    reason: str | None = None


class ResultRead(BaseModel):
    uscc: str
    year: int
    type: TypeOrExcluded
    type_label: str
    reasons: list[str]
    explanation: list[ExplanationItem]
    ruleset: str
    reference_date: dt.date
    run_id: str
    published: bool
    version: int | None = None
    region_code: str
    correction: CorrectionRead | None = None


class ResultItem(BaseModel):
    uscc: str
    year: int
    type: TypeOrExcluded
    reasons: list[str]
    region_code: str
    industry_code: str | None = None
    run_id: str
    published: bool


class ResultPage(BaseModel):
    items: list[ResultItem]
    next_cursor: str | None = None
    run_id: str | None = None


class FeedItem(BaseModel):
    seq: int
    uscc: str
    year: int
    version: int
    type: TypeOrExcluded
    type_label: str
    reasons: list[str]
    region_code: str
    industry_code: str | None = None
    ruleset: str
    reference_date: dt.date
    run_id: str
    published_at: dt.datetime
    correction: CorrectionRead | None = None


class FeedPage(BaseModel):
    items: list[FeedItem]
    # After every entry given; the request's own cursor when it has caught up (null only for a
    # client that starts at the beginning of an empty feed: it asks again without a cursor).
    next_cursor: str | None
