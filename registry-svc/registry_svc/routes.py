"""HTTP of registry-svc: parse, call the service, shape the response."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from fastapi.concurrency import run_in_threadpool

from getihu_kit import export_jobs, exports, http_cache
from getihu_kit.auth import Principal
from getihu_kit.jobs import JobRead
from getihu_kit.pagination import page_params
from getihu_kit import uploads
from getihu_kit.uploads import spooled_body
from getihu_kit.web import ANYONE, SessionDep, YearPath, requires, traceparent
from getihu_kit.fields import RegionCode, Text, USCC
from registry_svc import county_list, imports, service
from registry_svc.schemas import (ImportKindCode, AnnualReportIn, AnnualReportRead, BusinessCreate, BusinessRead, DirectoryPage,
                                  CountyListExportCreate, CountyListPage, RegistrationStatus,
                                  ImportAccepted, MarkIn, MarkRead, OperatorChange, StatusChangeIn, WindowClose,
                                  WindowOpen, WindowRead)

router = APIRouter(prefix="/api/v1", tags=["registry"])
STAFF = requires("county_staff", "prefecture_staff", "admin")
PREFECTURE = requires("prefecture_staff", "admin")
STAFF_OR_OPERATOR = requires("county_staff", "prefecture_staff", "admin", "operator")
DIRECTORY_PAGE = page_params(100, default=20)


@router.post("/businesses", status_code=201, response_model=BusinessRead, summary="登记个体工商户")
def register_business(body: BusinessCreate, request: Request, session: SessionDep,
                      principal: Principal = Depends(STAFF)) -> BusinessRead:
    return service.register_business(session, data=body, principal=principal, traceparent=traceparent(request))


@router.post("/businesses/imports", status_code=202, response_model=ImportAccepted,
             summary="批量导入（CSV、XLSX、JSON Lines）：登记、年报、标记、状态",
             openapi_extra=uploads.TABULAR_BODY)
async def import_businesses(request: Request, session: SessionDep,
                      kind: ImportKindCode = Query(description="导入内容：businesses 登记、annual_reports 年报、marks 标记、status 状态变更"),
                      principal: Principal = Depends(STAFF)) -> ImportAccepted:
    async with spooled_body(request) as body:
        return await run_in_threadpool(imports.create_import, session, kind=kind,
                                       content_type=request.headers.get("content-type"), body=body,
                                       principal=principal)


@router.get("/jobs/{job_id}", response_model=JobRead, summary="查询导入任务的进度和逐行错误")
def get_job(job_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> JobRead:
    return imports.get_job(session, job_id=job_id, principal=principal)


@router.get("/businesses", response_model=CountyListPage, summary="本县个体工商户名录（工作人员）；可导出 CSV、XLSX",
            responses=export_jobs.list_responses("一页个体工商户"))
def list_businesses(request: Request, session: SessionDep, page: DIRECTORY_PAGE, principal: Principal = Depends(STAFF),
                    region_code: RegionCode | None = None,
                    status: RegistrationStatus | None = Query(default=None, description="登记状态"),
                    format: Literal["json", "csv", "xlsx"] = Query(
                        default="json", description="json 分页；csv 或 xlsx 为按筛选条件的整份导出（流式；"
                                                    "大批量请用导出任务 POST /businesses/exports）")):
    fmt = exports.negotiated(format, request.headers.get("accept"))
    if fmt != "json":
        body, media = county_list.export(session, engine=request.app.state.engine, principal=principal, fmt=fmt,
                                         region_code=region_code, status=status)
        return StreamingResponse(body, media_type=media, headers=export_jobs.attachment(f"个体工商户名录.{fmt}"))
    return county_list.list_page(session, principal=principal, region_code=region_code, status=status, page=page)


@router.post("/businesses/exports", status_code=202, response_model=JobRead,
             summary="导出本县个体工商户名录（任务：大批量时使用，完成后下载文件）")
def request_businesses_export(body: CountyListExportCreate, session: SessionDep,
                              principal: Principal = Depends(STAFF)) -> JobRead:
    return county_list.request_export(session, principal=principal, fmt=body.format, region_code=body.region_code,
                                      status=body.status)


@router.get("/businesses/exports/{job_id}", response_model=JobRead, summary="名录导出任务的状态与进度")
def get_businesses_export(job_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> JobRead:
    return county_list.export_job(session, job_id=job_id, principal=principal)


@router.get("/businesses/exports/{job_id}/file", summary="下载导出的名录（csv 或 xlsx）", response_class=Response,
            responses=export_jobs.FILE_RESPONSES)
def download_businesses_export(job_id: Text, request: Request, session: SessionDep,
                               principal: Principal = Depends(STAFF)) -> Response:
    body, media, filename = county_list.export_file(session, engine=request.app.state.engine, job_id=job_id,
                                                    principal=principal)
    return StreamingResponse(body, media_type=media, headers=export_jobs.attachment(filename))


@router.get("/jobs/{job_id}/errors", summary="下载导入任务未通过校验的行（CSV 或 XLSX），改正后可再次导入",
            response_class=Response, responses=exports.file_responses("未通过校验的行（附件下载）"))
def download_job_errors(job_id: Text, session: SessionDep, principal: Principal = Depends(STAFF),
                        format: Literal["csv", "xlsx"] = Query("xlsx", description="xlsx 工作簿或 csv（UTF-8）"),
                        ) -> Response:
    job = imports.get_job(session, job_id=job_id, principal=principal)
    body, media = exports.row_errors(job.errors, format)
    return StreamingResponse(body, media_type=media, headers=exports.attachment(f"导入错误_{job_id}.{format}"))


@router.get("/businesses/{uscc}", response_model=BusinessRead, summary="查询个体工商户（公众视图脱敏）")
def get_business(uscc: USCC, session: SessionDep, principal: Principal = Depends(ANYONE)) -> BusinessRead:
    return service.get_business(session, uscc=uscc, principal=principal)


@router.post("/businesses/{uscc}/status", response_model=BusinessRead, summary="登记状态变更（吊销、注销、撤销、恢复）")
def change_business_status(uscc: USCC, body: StatusChangeIn, request: Request, session: SessionDep,
                  principal: Principal = Depends(STAFF)) -> BusinessRead:
    return service.change_status(session, uscc=uscc, data=body, principal=principal,
                                 traceparent=traceparent(request))


@router.post("/businesses/{uscc}/annual-reports", status_code=201, response_model=AnnualReportRead,
             summary="报送年度报告（可补报；同一年度再次报送即更正）")
def file_annual_report(uscc: USCC, body: AnnualReportIn, request: Request, session: SessionDep,
                       principal: Principal = Depends(STAFF_OR_OPERATOR)) -> AnnualReportRead:
    return service.file_annual_report(session, uscc=uscc, data=body, principal=principal,
                                      traceparent=traceparent(request))


@router.post("/businesses/{uscc}/marks", status_code=201, response_model=MarkRead,
             summary="记载标记：经营异常、严重违法失信、歇业、行政处罚、表彰（再次提交同一标记可填写结束日期）")
def record_mark(uscc: USCC, body: MarkIn, request: Request, session: SessionDep,
                principal: Principal = Depends(STAFF)) -> MarkRead:
    return service.record_mark(session, uscc=uscc, data=body, principal=principal, traceparent=traceparent(request))


@router.post("/businesses/{uscc}/operator", response_model=BusinessRead, summary="变更经营者")
def change_business_operator(uscc: USCC, body: OperatorChange, request: Request, session: SessionDep,
                    principal: Principal = Depends(STAFF)) -> BusinessRead:
    return service.change_operator(session, uscc=uscc, data=body, principal=principal,
                                   traceparent=traceparent(request))


@router.post("/annual-report-windows/{report_year}/open", status_code=201, response_model=WindowRead,
             summary="开启年报窗口（地区市场监管局）")
def open_annual_report_window(report_year: YearPath, request: Request, session: SessionDep, body: WindowOpen | None = None,
                principal: Principal = Depends(PREFECTURE)) -> WindowRead:
    return service.open_window(session, report_year=report_year, data=body or WindowOpen(), principal=principal,
                               traceparent=traceparent(request))


@router.post("/annual-report-windows/{report_year}/close", response_model=WindowRead,
             summary="关闭年报窗口并触发分型（annual-report-closed）")
def close_annual_report_window(report_year: YearPath, request: Request, session: SessionDep, body: WindowClose | None = None,
                 principal: Principal = Depends(PREFECTURE)) -> WindowRead:
    return service.close_window(session, report_year=report_year, data=body or WindowClose(), principal=principal,
                                traceparent=traceparent(request))


@router.get("/annual-report-windows/{report_year}", response_model=WindowRead, summary="查询年报窗口")
def get_annual_report_window(report_year: YearPath, session: SessionDep, principal: Principal = Depends(STAFF)) -> WindowRead:
    return service.get_window(session, report_year=report_year)


@router.get("/directory", response_model=DirectoryPage, responses=http_cache.NOT_MODIFIED,
            summary="个体工商户名录（公众可查，按名称或统一社会信用代码）")
async def search_directory(request: Request, page: DIRECTORY_PAGE,
                           q: Text | None = Query(default=None, max_length=100,
                                                  description="名称中的至少2个字，或18位统一社会信用代码（全角、小写均可）"),
                           principal: Principal = Depends(ANYONE)) -> Response:
    # async, on the read pool: the public path at proxy speed (kit.read_pool)
    found = await service.directory(request.app.state.read_pool, q=q, page=page)
    return http_cache.conditional_json(request, found)
