"""HTTP of monitoring-svc: parse, call the service, shape the response."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from getihu_kit import export_jobs, exports
from getihu_kit.auth import Principal
from getihu_kit.errors import Forbidden
from getihu_kit.fields import USCC, Date, RegionCode, Text
from getihu_kit.jobs import JobRead
from getihu_kit.pagination import page_params
from getihu_kit.uploads import spooled_body
from getihu_kit.web import ANYONE, RequiredYearQuery, SessionDep, YearPath, YearQuery, requires
from monitoring_svc import imports, questionnaires, report, returns, service
from monitoring_svc.schemas import (MEASURE_CODE_PATTERN, AnalysisRead, ContactPointCreate, ContactPointPage,
                                    ContactPointRead, ContactPointReview, ContactPointStatus, ContactPointUpdate,
                                    PolicyCreate, PolicyPage, PolicyRead, PolicyStatus, PolicyUpdate, ReportCreate,
                                    ReturnCreate, ReturnPage, ReturnRead, ReturnReadAuditPage, AnswerCreate,
                                    AnswerRead, AssignedPage, QuestionnaireCreate, QuestionnaireFields,
                                    QuestionnairePage, QuestionnaireRead, QuestionnaireResults, QuestionnaireStatus,
                                    SendRead, SendTarget)

router = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])
# The platform's one job resource (/api/v1/jobs/{id}, routed by the id's prefix "mo_"); documented
# under the monitoring path, since the merged document has one operation per path and method.
jobs_router = APIRouter(prefix="/api/v1/jobs", tags=["monitoring"], include_in_schema=False)
POLICY_EDITORS = requires(*service.POLICY_EDITORS)
STAFF = requires(*service.STAFF)
PREFECTURE = requires("prefecture_staff", "admin")
COUNTY = requires("county_staff", "admin")
REPORTERS = requires("operator", *service.STAFF)
AUDITORS = requires(*returns.AUDITORS)
ListPage = page_params(500)
QuarterQuery = Annotated[int | None, Query(ge=1, le=4, description="季度（1–4）")]


# --- 惠企政策 ----------------------------------------------------------------------------------------
@router.get("/policies", response_model=PolicyPage, summary="惠企政策目录（公众可查已公示政策）")
def list_policies(session: SessionDep, page: ListPage, principal: Principal = Depends(ANYONE),
                  status: Annotated[PolicyStatus | None, Query(description="状态（工作人员可查草稿、已撤回）")] = None,
                  department: Annotated[Text | None, Query(max_length=100, description="责任部门")] = None,
                  measure_code: Annotated[str | None, Query(pattern=MEASURE_CODE_PATTERN,
                                                            description="对应的帮扶措施编号，如 growth.A")] = None,
                  in_force_on: Annotated[Date | None, Query(description="只列该日在有效期内的政策")] = None) -> PolicyPage:
    return service.list_policies(session, principal=principal, status=status, department=department,
                                 measure_code=measure_code, in_force_on=in_force_on, page=page)


@router.post("/policies", status_code=201, response_model=PolicyRead, summary="新建惠企政策（草稿）")
def create_policy(body: PolicyCreate, session: SessionDep, principal: Principal = Depends(POLICY_EDITORS)) -> PolicyRead:
    return service.create_policy(session, data=body, principal=principal)


@router.get("/policies/{policy_id}", response_model=PolicyRead, summary="惠企政策详情：内容、申请条件、办理流程、公示记录")
def get_policy(policy_id: Text, session: SessionDep, principal: Principal = Depends(ANYONE)) -> PolicyRead:
    return service.get_policy(session, policy_id=policy_id, principal=principal)


@router.patch("/policies/{policy_id}", response_model=PolicyRead, summary="修改惠企政策（已公示的即以新版本公示）")
def update_policy(policy_id: Text, body: PolicyUpdate, session: SessionDep,
                  principal: Principal = Depends(POLICY_EDITORS)) -> PolicyRead:
    return service.update_policy(session, policy_id=policy_id, data=body, principal=principal)


@router.post("/policies/{policy_id}/publication", response_model=PolicyRead, summary="公示惠企政策")
def publish_policy(policy_id: Text, session: SessionDep, principal: Principal = Depends(POLICY_EDITORS)) -> PolicyRead:
    return service.publish_policy(session, policy_id=policy_id, principal=principal)


@router.post("/policies/{policy_id}/withdrawal", response_model=PolicyRead, summary="撤回已公示的惠企政策")
def withdraw_policy(policy_id: Text, session: SessionDep, principal: Principal = Depends(POLICY_EDITORS)) -> PolicyRead:
    return service.withdraw_policy(session, policy_id=policy_id, principal=principal)


# --- 联系点 ----------------------------------------------------------------------------------------
@router.get("/contact-points", response_model=ContactPointPage, summary="联系点列表（县级看本县，地区局看全部）")
def list_contact_points(session: SessionDep, page: ListPage, principal: Principal = Depends(STAFF),
                        region_code: RegionCode | None = None,
                        status: Annotated[ContactPointStatus | None, Query(description="备案状态")] = None,
                        ) -> ContactPointPage:
    return service.list_contact_points(session, principal=principal, region_code=region_code, status=status, page=page)


@router.post("/contact-points", status_code=201, response_model=ContactPointRead, summary="县级设立联系点并报地区局备案")
def create_contact_point(body: ContactPointCreate, session: SessionDep,
                         principal: Principal = Depends(COUNTY)) -> ContactPointRead:
    return service.create_contact_point(session, data=body, principal=principal)


@router.get("/contact-points/{cp_id}", response_model=ContactPointRead, summary="联系点详情与联系的个体工商户")
def get_contact_point(cp_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> ContactPointRead:
    return service.get_contact_point(session, cp_id=cp_id, principal=principal)


@router.patch("/contact-points/{cp_id}", response_model=ContactPointRead, summary="调整联系点（调整后重新报备案）")
def update_contact_point(cp_id: Text, body: ContactPointUpdate, session: SessionDep,
                         principal: Principal = Depends(COUNTY)) -> ContactPointRead:
    return service.update_contact_point(session, cp_id=cp_id, data=body, principal=principal)


@router.post("/contact-points/{cp_id}/review", response_model=ContactPointRead, summary="地区局确认备案或退回修改")
def review_contact_point(cp_id: Text, body: ContactPointReview, session: SessionDep,
                         principal: Principal = Depends(PREFECTURE)) -> ContactPointRead:
    return service.review_contact_point(session, cp_id=cp_id, data=body, principal=principal)


# --- 经营数据 --------------------------------------------------------------------------------------
@router.post("/returns", status_code=201, response_model=ReturnRead,
             summary="报送季度经营数据（经营者在线报送，或联系点代报）")
def submit_return(body: ReturnCreate, session: SessionDep, principal: Principal = Depends(REPORTERS)) -> ReturnRead:
    return returns.submit(session, data=body, principal=principal)


@router.get("/returns", response_model=ReturnPage, summary="季度经营数据列表（保密：工作人员查看留痕）；可导出 CSV、XLSX",
            responses=export_jobs.list_responses("一页经营数据"))
def list_returns(request: Request, session: SessionDep, page: ListPage, principal: Principal = Depends(REPORTERS),
                 region_code: RegionCode | None = None, uscc: USCC | None = None, year: YearQuery = None,
                 quarter: QuarterQuery = None,
                 format: Annotated[Literal["json", "csv", "xlsx"], Query(
                     description="json 分页；csv 或 xlsx 为按筛选条件的整份导出（仅工作人员，流式）")] = "json"):
    fmt = exports.negotiated(format, request.headers.get("accept"))
    if fmt != "json":
        if not principal.is_staff:
            raise Forbidden("导出仅限工作人员", field="format")
        body, media = returns.export(session, engine=request.app.state.engine, principal=principal, fmt=fmt,
                                     region_code=region_code, uscc=uscc, year=year, quarter=quarter)
        name = f"经营数据_{year or '全部'}{f'Q{quarter}' if quarter else ''}.{fmt}"
        return StreamingResponse(body, media_type=media, headers=export_jobs.attachment(name))
    return returns.list_returns(session, principal=principal, region_code=region_code, uscc=uscc, year=year,
                                quarter=quarter, page=page)


@router.get("/returns/audit", response_model=ReturnReadAuditPage, summary="经营数据查看留痕（地区局、管理员）")
def list_return_reads(session: SessionDep, page: ListPage, principal: Principal = Depends(AUDITORS),
                      uscc: USCC | None = None) -> ReturnReadAuditPage:
    return returns.list_audit(session, uscc=uscc, page=page)


@router.get("/returns/{uscc}/{year}/{quarter}", response_model=ReturnRead, summary="某户某季度的经营数据（保密）")
def get_return(uscc: USCC, year: YearPath, quarter: Annotated[int, Path(ge=1, le=4, description="季度（1–4）")],
               session: SessionDep,
               principal: Principal = Depends(REPORTERS)) -> ReturnRead:
    return returns.get(session, uscc=uscc, year=year, quarter=quarter, principal=principal)


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/returns/imports", status_code=202, response_model=JobRead,
             summary="县级批量导入季度经营数据（CSV、XLSX、JSON Lines），逐行报告错误",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string", "minLength": 1}},
                 _XLSX: {"schema": {"type": "string", "format": "binary", "minLength": 1}},
                 "application/x-ndjson": {"schema": {"type": "string", "minLength": 1}}}}})
async def import_returns(request: Request, session: SessionDep, principal: Principal = Depends(COUNTY)) -> JobRead:
    async with spooled_body(request) as body:
        return await run_in_threadpool(imports.create_import, session, content_type=request.headers.get("content-type"),
                                       body=body, principal=principal)


@router.get("/jobs/{job_id}", response_model=JobRead, summary="查询监测分析任务的进度和逐行错误")
def get_monitoring_job(job_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> JobRead:
    return imports.get_job(session, job_id=job_id, principal=principal)


@jobs_router.get("/{job_id}", response_model=JobRead)
def get_job_of_monitoring(job_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> JobRead:
    return imports.get_job(session, job_id=job_id, principal=principal)


# --- 问卷 ------------------------------------------------------------------------------------------
VersionPath = Annotated[int, Path(ge=1, le=100000, description="版本")]
OPERATOR = requires("operator")
READERS = requires("operator", *service.STAFF)


@router.get("/questionnaires", response_model=QuestionnairePage, summary="问卷版本列表（县级看本县和地区局的问卷）")
def list_questionnaires(session: SessionDep, page: ListPage, principal: Principal = Depends(STAFF),
                        status: Annotated[QuestionnaireStatus | None, Query(description="状态")] = None
                        ) -> QuestionnairePage:
    return questionnaires.list_versions(session, principal=principal, status=status, page=page)


@router.post("/questionnaires", status_code=201, response_model=QuestionnaireRead, summary="新建问卷（草稿，第1版）")
def create_questionnaire(body: QuestionnaireCreate, session: SessionDep,
                         principal: Principal = Depends(STAFF)) -> QuestionnaireRead:
    return questionnaires.create(session, data=body, principal=principal)


@router.put("/questionnaires/{qid}", response_model=QuestionnaireRead,
            summary="修改问卷（草稿就地修改；已发布的生成新版本草稿）")
def update_questionnaire(qid: Text, body: QuestionnaireFields, session: SessionDep,
                         principal: Principal = Depends(STAFF)) -> QuestionnaireRead:
    return questionnaires.update(session, qid=qid, data=body, principal=principal)


@router.get("/questionnaires/{qid}/versions/{version}", response_model=QuestionnaireRead,
            summary="问卷某版本的内容（工作人员；收到该问卷的经营者）")
def get_questionnaire(qid: Text, version: VersionPath, session: SessionDep,
                      principal: Principal = Depends(READERS)) -> QuestionnaireRead:
    return questionnaires.get(session, qid=qid, version=version, principal=principal)


@router.post("/questionnaires/{qid}/versions/{version}/publication", response_model=QuestionnaireRead,
             summary="发布问卷版本（发布后不可修改）")
def publish_questionnaire(qid: Text, version: VersionPath, session: SessionDep,
                          principal: Principal = Depends(STAFF)) -> QuestionnaireRead:
    return questionnaires.publish(session, qid=qid, version=version, principal=principal)


@router.post("/questionnaires/{qid}/versions/{version}/sends", response_model=SendRead,
             summary="向选定的个体工商户发放问卷（站内信；已收到本版本的不重复发送）")
def send_questionnaire(qid: Text, version: VersionPath, body: SendTarget, session: SessionDep,
                       principal: Principal = Depends(STAFF)) -> SendRead:
    return questionnaires.send(session, qid=qid, version=version, target=body, principal=principal)


@router.post("/questionnaires/{qid}/versions/{version}/answers", status_code=201, response_model=AnswerRead,
             summary="经营者填写问卷（每户每版本一次）")
def answer_questionnaire(qid: Text, version: VersionPath, body: AnswerCreate, session: SessionDep,
                         principal: Principal = Depends(OPERATOR)) -> AnswerRead:
    return questionnaires.answer(session, qid=qid, version=version, data=body, principal=principal)


@router.get("/questionnaires/{qid}/versions/{version}/results", response_model=QuestionnaireResults,
            summary="问卷结果：各题分布，各政策的知晓率、理解率、满意率")
def questionnaire_results(qid: Text, version: VersionPath, session: SessionDep, principal: Principal = Depends(STAFF),
                          region_code: RegionCode | None = None) -> QuestionnaireResults:
    return questionnaires.results(session, qid=qid, version=version, principal=principal, region_code=region_code)


@router.get("/businesses/{uscc}/questionnaires", response_model=AssignedPage, summary="本户收到的问卷")
def assigned_questionnaires(uscc: USCC, session: SessionDep, page: ListPage,
                            principal: Principal = Depends(READERS)) -> AssignedPage:
    return questionnaires.assigned(session, uscc=uscc, principal=principal, page=page)


# --- 分析 ------------------------------------------------------------------------------------------
@router.get("/analysis", response_model=AnalysisRead, summary="监测分析数据（供图表）：分布、类型变化、名额、异议、经营指标")
def get_analysis(session: SessionDep, year: RequiredYearQuery, principal: Principal = Depends(STAFF),
                 region_code: RegionCode | None = None, quarter: QuarterQuery = None) -> AnalysisRead:
    return service.analysis(session, principal=principal, year=year, region_code=region_code, quarter=quarter)


# --- 分析报告 --------------------------------------------------------------------------------------
@router.post("/reports", status_code=202, response_model=JobRead, summary="生成季度或年度分析报告（任务）")
def request_report(body: ReportCreate, session: SessionDep, principal: Principal = Depends(STAFF)) -> JobRead:
    return report.request_report(session, data=body, principal=principal)


_REPORT_FILES = {200: {"description": "报告文件（附件下载）", "content": {
    report.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
    "text/html": {"schema": {"type": "string"}}}}}


@router.get("/reports/{job_id}/file", summary="下载分析报告（xlsx 或 html）", response_class=Response,
            responses=_REPORT_FILES)
def download_report(job_id: Text, session: SessionDep, principal: Principal = Depends(STAFF),
                    format: Annotated[Literal["xlsx", "html"], Query(description="xlsx 工作簿或 html 图文报告")] = "xlsx",
                    ) -> Response:
    content, media, filename = report.report_file(session, job_id=job_id, fmt=format, principal=principal)
    return Response(content, media_type=media, headers=export_jobs.attachment(filename))
