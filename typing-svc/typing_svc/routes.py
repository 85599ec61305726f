"""HTTP of typing-svc: parse, call the service, shape the response."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from getihu_kit import export_jobs, exports

from getihu_kit.auth import Principal
from getihu_kit.db import unit_of_work
from getihu_kit.feeds import FEED_READERS, FeedPageRequest
from getihu_kit.jobs import JobRead
from getihu_kit.pagination import PageDep, page_params
from getihu_kit.web import ANYONE, SessionDep, model_json, requires, traceparent
from getihu_kit.fields import RegionCode, Text, TypeOrExcluded, USCC
from typing_svc import service
from typing_svc.schemas import FeedPage, ResultPage, ResultRead, ResultsExportCreate, RunCreate, RunPage, RunRead

router = APIRouter(prefix="/api/v1/typing", tags=["typing"])
jobs_router = APIRouter(prefix="/api/v1/jobs", tags=["typing"])
PREFECTURE = requires("prefecture_staff", "admin")
STAFF = requires("county_staff", "prefecture_staff", "admin")
NATIONAL = requires(*FEED_READERS)
ResultsPage = page_params(1000, default=100)


@router.post("/runs", status_code=202, response_model=RunRead, summary="发起分型运行（地区市场监管局）")
def start_run(body: RunCreate, session: SessionDep, principal: Principal = Depends(PREFECTURE)) -> dict:
    return service.create_run(session, year=body.year, reference_date=body.reference_date,
                              region_codes=body.region_codes, trigger="staff", created_by=principal.audit_name())


@router.get("/runs", response_model=RunPage, summary="某年度的分型运行（最新在前）")
def list_runs(session: SessionDep, page: PageDep, principal: Principal = Depends(STAFF),
              year: int = Query(ge=2024, le=2100, description="分型年度")) -> dict:
    return service.list_runs(session, year=year, page=page)


@router.get("/runs/{run_id}", response_model=RunRead, summary="分型运行的状态、进度与各类型数量")
def get_run(run_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> dict:
    return service.get_run(session, run_id=run_id)


@router.post("/runs/{run_id}/publish", status_code=202, response_model=RunRead,
             summary="发布分型运行结果（立即返回发布中的运行及其任务，完成后为 published）")
def publish_run(run_id: Text, request: Request, session: SessionDep,
                principal: Principal = Depends(PREFECTURE)) -> dict:
    return service.publish_run(session, run_id=run_id, principal=principal, traceparent=traceparent(request))


@router.get("/results/{uscc}", response_model=ResultRead, summary="某户某年度的分型结果及判定说明")
def get_result(uscc: USCC, session: SessionDep, principal: Principal = Depends(ANYONE),
               year: int = Query(ge=2024, le=2100, description="分型年度")) -> dict:
    return service.get_result(session, uscc=uscc, year=year, principal=principal)


FormatQuery = Annotated[Literal["json", "csv", "xlsx"], Query(
    description="json 分页；csv 或 xlsx 为按筛选条件的整份导出（流式；百万行的 xlsx 请用导出任务 POST /results/exports）")]
TypeQuery = Annotated[TypeOrExcluded | None, Query(
    description="分型：survival 生存型、growth 成长型、development 发展型、excluded 不符合分型条件")]


@router.get("/results", response_model=ResultPage, summary="分型结果列表（工作人员）；可导出 CSV、XLSX",
            responses=export_jobs.list_responses("一页分型结果"))
async def list_results(request: Request, page: ResultsPage, principal: Principal = Depends(STAFF),
                       year: int = Query(ge=2024, le=2100), region_code: RegionCode | None = None,
                       type: TypeQuery = None, run_id: Text | None = None, format: FormatQuery = "json"):
    # async, on the read pool (kit.read_pool): a page without a worker thread; a file export keeps the
    # unit of work, in a thread
    fmt = exports.negotiated(format, request.headers.get("accept"))
    if fmt != "json":
        def export():
            with unit_of_work(request.app.state.sessions) as session:
                return service.export_results(session, engine=request.app.state.engine, principal=principal,
                                              fmt=fmt, year=year, region_code=region_code, type_=type, run_id=run_id)
        body, media = await run_in_threadpool(export)
        return StreamingResponse(body, media_type=media, headers=export_jobs.attachment(f"分型结果_{year}.{fmt}"))
    return model_json(await service.list_results(request.app.state.read_pool, principal=principal, year=year,
                                                 region_code=region_code, type_=type, run_id=run_id, page=page))


@router.post("/results/exports", status_code=202, response_model=JobRead,
             summary="导出分型结果（任务：大批量时使用，完成后下载文件）")
def request_results_export(body: ResultsExportCreate, session: SessionDep,
                           principal: Principal = Depends(STAFF)) -> JobRead:
    return service.request_results_export(session, principal=principal, fmt=body.format, year=body.year,
                                          region_code=body.region_code, type_=body.type, run_id=body.run_id)


@router.get("/results/exports/{job_id}", response_model=JobRead, summary="分型结果导出任务的状态与进度")
def get_results_export(job_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> JobRead:
    return service.get_results_export(session, job_id=job_id, principal=principal)


@router.get("/results/exports/{job_id}/file", summary="下载导出的分型结果（csv 或 xlsx）", response_class=Response,
            responses=export_jobs.FILE_RESPONSES)
def download_results_export(job_id: Text, request: Request, session: SessionDep,
                            principal: Principal = Depends(STAFF)) -> Response:
    body, media, filename = service.results_export_file(session, engine=request.app.state.engine, job_id=job_id,
                                                        principal=principal)
    return StreamingResponse(body, media_type=media, headers=export_jobs.attachment(filename))


@router.get("/feed", response_model=FeedPage, summary="全国名录数据推送：已发布结果与更正，按序可续传")
def read_national_feed(session: SessionDep, page: FeedPageRequest, principal: Principal = Depends(NATIONAL)) -> dict:
    return service.feed(session, page=page)


@router.get("/standards", summary="现行分型标准（文本与数据）")
def get_typing_standards(principal: Principal = Depends(ANYONE), year: int | None = Query(default=None, ge=2024, le=2100)) -> dict:
    return service.standards(year=year)


@router.get("/statistics", summary="某年度已发布分型结果按地区、类型、行业统计（工作人员）")
def get_typing_statistics(session: SessionDep, principal: Principal = Depends(STAFF), year: int = Query(ge=2024, le=2100),
               region_code: RegionCode | None = None) -> dict:
    return service.statistics(session, principal=principal, year=year, region_code=region_code)


@router.get("/statistics/transitions", summary="两个年度之间的类型变化（生存→成长、成长→发展…）")
def get_type_transitions(session: SessionDep, principal: Principal = Depends(STAFF),
                from_year: int = Query(ge=2024, le=2100), to_year: int = Query(ge=2024, le=2100),
                region_code: RegionCode | None = None) -> dict:
    return service.transitions(session, principal=principal, from_year=from_year, to_year=to_year,
                               region_code=region_code)


# The gateway sends /api/v1/jobs/ty_… here: a run's jobs (evaluation, publication) in kit's job shape.
@jobs_router.get("/{job_id}", response_model=JobRead, summary="分型任务（运行、发布）的状态与进度（ty_ 开头）",
                 include_in_schema=False)
def get_job(job_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> JobRead:
    return service.get_job(session, job_id=job_id)
