"""HTTP of data-sharing-svc: parse, call the service, shape the response."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from getihu_kit import exports, uploads
from getihu_kit.auth import Principal
from getihu_kit.jobs import JobRead
from getihu_kit.pagination import page_params
from getihu_kit.uploads import spooled_body
from getihu_kit.web import SessionDep, requires, traceparent
from getihu_kit.fields import DateTime, Text, USCC
from data_sharing_svc import service
from data_sharing_svc.schemas import (AuditPage, BatchCreate, BatchPage, BatchRead, CoverageRead, DatasetName, FactsRead,
                                      FileBatchAccepted)

router = APIRouter(prefix="/api/v1/data-sharing", tags=["data-sharing"])
jobs_router = APIRouter(prefix="/api/v1/jobs", tags=["data-sharing"])
# Who may call each route; the service adds the finer checks (an agency's one dataset, its own batches
# and jobs, county staff's region).
AGENCY = requires("agency")
AGENCY_OR_AUDITORS = requires("agency", *service.AUDITORS)
AGENCY_OR_STAFF = requires("agency", *service.STAFF)
STAFF = requires(*service.STAFF)
AUDITORS = requires(*service.AUDITORS)
AuditPageDep = page_params(default=100)
BatchPageDep = page_params(100, default=20)


@router.post("/batches", status_code=201, response_model=BatchRead, summary="机构报送数据批次（JSON）",
             description="有效记录接收、无效记录逐行列出（行号、字段、原因）。同一数据集、年度和键的后报记录替换先报记录，"
                         "历次版本均保留（批次、报送机构、时间）。与之前完全相同的批次再次报送不作任何变更，返回原批次。"
                         "登记系统中尚无的统一社会信用代码照常接收（部门数据可能先于登记到达），查询时标注 registered=false。")
def submit_batch(body: BatchCreate, request: Request, session: SessionDep,
                 principal: Principal = Depends(AGENCY)) -> BatchRead:
    return service.submit_batch(session, data=body, principal=principal, traceparent=traceparent(request))


@router.post("/batches/files", status_code=202, response_model=FileBatchAccepted,
             summary="机构以文件报送数据批次（CSV、XLSX、JSON Lines），后台任务处理", openapi_extra=uploads.TABULAR_BODY)
async def submit_file(request: Request, session: SessionDep, principal: Principal = Depends(AGENCY),
                      dataset: DatasetName = Query(description="数据集"),
                      year: int = Query(ge=2000, le=2100, description="数据所属年度")) -> FileBatchAccepted:
    async with spooled_body(request) as body:
        return await run_in_threadpool(service.start_file_batch, session, dataset=dataset, year=year,
                                       content_type=request.headers.get("content-type"), body=body,
                                       principal=principal)


@router.get("/batches", response_model=BatchPage, summary="报送批次列表（机构看本数据集的，地区局看全部；最新在前）")
def list_batches(session: SessionDep, page: BatchPageDep, principal: Principal = Depends(AGENCY_OR_AUDITORS),
                 dataset: DatasetName | None = Query(None, description="数据集（地区局筛选用）"),
                 year: int | None = Query(None, ge=2000, le=2100, description="数据所属年度")) -> BatchPage:
    return service.list_batches(session, principal=principal, dataset=dataset, year=year, page=page)


@router.get("/batches/{batch_id}", response_model=BatchRead, summary="查询批次及其逐行校验报告")
def get_batch(batch_id: Text, session: SessionDep, principal: Principal = Depends(AGENCY_OR_AUDITORS)) -> BatchRead:
    return service.get_batch(session, batch_id=batch_id, principal=principal)


@router.get("/facts/{uscc}", response_model=FactsRead, summary="查询某户某年度的共享数据（仅限工作人员，每次查询留痕）")
def read_business_facts(uscc: USCC, request: Request, session: SessionDep, principal: Principal = Depends(STAFF),
               year: int = Query(ge=2000, le=2100, description="年度")) -> FactsRead:
    return service.read_facts(session, uscc=uscc, year=year, principal=principal,
                              request_id=getattr(request.state, "request_id", None))


@router.get("/audit", response_model=AuditPage, summary="共享数据查询留痕（地区局工作人员、管理员）")
def list_audit(session: SessionDep, page: AuditPageDep, principal: Principal = Depends(AUDITORS),
               uscc: USCC | None = None, reader: Text | None = None, since: DateTime | None = None,
               until: DateTime | None = None) -> AuditPage:
    return service.list_audit(session, principal=principal, uscc=uscc, reader=reader, since=since, until=until,
                              page=page)


@router.get("/coverage", response_model=CoverageRead, summary="某年度各数据集的到达情况")
def get_coverage(session: SessionDep, principal: Principal = Depends(AGENCY_OR_STAFF),
             year: int = Query(ge=2000, le=2100, description="年度")) -> CoverageRead:
    return service.coverage(session, year=year, principal=principal)


@jobs_router.get("/{job_id}", response_model=JobRead, summary="查询文件报送任务的进度与逐行报告")
def get_job(job_id: Text, session: SessionDep, principal: Principal = Depends(AGENCY_OR_AUDITORS)) -> JobRead:
    return service.get_job(session, job_id=job_id, principal=principal)


@jobs_router.get("/{job_id}/errors", summary="下载文件报送任务未通过校验的行（CSV 或 XLSX）",
                 response_class=Response, responses=exports.file_responses("未通过校验的行（附件下载）"))
def download_job_errors(job_id: Text, session: SessionDep, principal: Principal = Depends(AGENCY_OR_AUDITORS),
                        format: Literal["csv", "xlsx"] = Query("xlsx", description="xlsx 工作簿或 csv（UTF-8）"),
                        ) -> Response:
    job = service.get_job(session, job_id=job_id, principal=principal)
    body, media = exports.row_errors(job.errors, format)
    return StreamingResponse(body, media_type=media, headers=exports.attachment(f"报送错误_{job_id}.{format}"))
