"""API models of data-sharing-svc."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from getihu_kit.pagination import Page
from getihu_kit.schemas.data_sharing import BusinessFacts
from getihu_kit.jobs import JobStatus

DatasetName = Literal["tax", "social_insurance", "trademark", "patent", "dishonest_debtor", "certificate"]
MAX_JSON_RECORDS = 20000


class BatchCreate(BaseModel):
    dataset: DatasetName = Field(description="数据集")
    year: int = Field(ge=2000, le=2100, description="数据所属年度")
    records: list[Any] = Field(max_length=MAX_JSON_RECORDS,
                               description=f"记录；单批最多 {MAX_JSON_RECORDS} 条，更大的数据请以文件上传")


class RowError(BaseModel):
    row: int | None
    field: str | None
    message: str


class BatchSummary(BaseModel):
    """A batch without its row report (GET /batches/{id} gives that)."""
    id: str
    dataset: str
    year: int
    agency: str
    source: Literal["file", "json"]
    status: Literal["queued", "processing", "completed", "failed"]
    received_at: dt.datetime
    completed_at: dt.datetime | None = None
    accepted: int
    rejected: int
    changed: int = Field(description="与现有记录相比有变化（产生新版本）的记录数")
    duplicate_of: str | None = Field(None, description="与之前某批次内容完全相同时，该批次的编号（本次未作任何变更）")
    job_id: str | None = None


class BatchRead(BatchSummary):
    errors: list[RowError] = []


class BatchPage(Page[BatchSummary]):
    """Batches, newest received first."""


class FileBatchAccepted(BaseModel):
    id: str = Field(description="任务编号（GET /api/v1/jobs/{id} 查询进度）")
    status: JobStatus
    batch_id: str


class FactsRead(BusinessFacts):
    """One business's agency facts of one year as the facts event carries them, each value with its
    source (batch, agency, time), and what the registry projection knows of the business."""
    registered: bool = Field(description="登记系统中是否已有该户（数据可先于登记到达）")
    region_code: str | None = None


class AuditEntry(BaseModel):
    id: int
    reader: str
    roles: list[str]
    reader_region: str | None
    uscc: str
    year: int
    fields: list[str]
    read_at: dt.datetime
    request_id: str | None = None


class AuditPage(Page[AuditEntry]):
    """One page of the audit log, newest read first."""


class DatasetCoverage(BaseModel):
    dataset: str
    label: str
    arrived: bool
    batches: int
    records: int = Field(description="该年度当前有效记录数")
    first_received_at: dt.datetime | None = None
    last_received_at: dt.datetime | None = None
    accepted: int = 0
    rejected: int = 0


class CoverageRead(BaseModel):
    year: int
    datasets: list[DatasetCoverage]
