"""HTTP of applications, recommendations and public notices."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from getihu_kit import export_jobs, exports

from getihu_kit.auth import Principal
from getihu_kit.errors import Forbidden
from getihu_kit.pagination import Page
from getihu_kit.web import ANYONE, SessionDep, YearQuery, traceparent
from getihu_kit.fields import RegionCode, Text
from cultivation_svc.applications import exports as app_exports, service
from cultivation_svc.applications.schemas import (ApplicationStatus, ApplicationCreate, ApplicationRead, Consent, NoticeRead, Opinions,
                                                  RecommendationCreate, Review, SiteVisit)
from cultivation_svc.dependencies import DEPARTMENT, OPERATOR, PARTIES, STAFF, PageDep, TodayDep
from cultivation_svc.regional.service import county

router = APIRouter(tags=["cultivation: applications"])


def _out(session, app) -> ApplicationRead:
    return ApplicationRead.model_validate(service.read(session, app))


@router.post("/applications", status_code=201, response_model=ApplicationRead, summary="自主申报（经营者）")
def submit_application(body: ApplicationCreate, request: Request, session: SessionDep, today: TodayDep,
           principal: Principal = Depends(OPERATOR)) -> ApplicationRead:
    return _out(session, service.submit(session, data=body, principal=principal, today=today,
                                        traceparent=traceparent(request)))


@router.post("/recommendations", status_code=201, response_model=ApplicationRead, summary="部门推荐（待经营者同意）")
def recommend_business(body: RecommendationCreate, request: Request, session: SessionDep, today: TodayDep,
              principal: Principal = Depends(DEPARTMENT)) -> ApplicationRead:
    return _out(session, service.recommend(session, data=body, principal=principal, today=today,
                                           traceparent=traceparent(request)))


@router.get("/applications", response_model=Page[ApplicationRead], summary="申报列表（按身份限定范围）；工作人员可导出 CSV、XLSX",
            responses=export_jobs.list_responses("一页申报"))
def list_applications(request: Request, session: SessionDep, page: PageDep, region_code: RegionCode | None = None,
                      year: YearQuery = None, status: ApplicationStatus | None = None,
                      format: Literal["json", "csv", "xlsx"] = Query(
                          default="json", description="json 分页；csv 或 xlsx 为按筛选条件的整份导出（仅工作人员，流式）"),
                      principal: Principal = Depends(PARTIES)):
    region = county(region_code) if region_code else None
    fmt = exports.negotiated(format, request.headers.get("accept"))
    if fmt != "json":
        if not principal.is_staff:
            raise Forbidden("导出仅限工作人员", field="format")
        body, media = app_exports.export(engine=request.app.state.engine, principal=principal, fmt=fmt,
                                         region_code=region, year=year, status=status)
        return StreamingResponse(body, media_type=media, headers=export_jobs.attachment(f"名特优新申报清单.{fmt}"))
    rows, nxt = service.listing(session, principal=principal, region_code=region, year=year, status=status, page=page)
    return Page[ApplicationRead](items=[ApplicationRead.model_validate(service.read(session, a, with_steps=False))
                                        for a in rows], next_cursor=nxt)


@router.get("/applications/{app_id}", response_model=ApplicationRead, summary="申报详情与办理步骤")
def get_application(app_id: Text, session: SessionDep, principal: Principal = Depends(PARTIES)) -> ApplicationRead:
    return _out(session, service.get_for(session, app_id, principal))


@router.post("/applications/{app_id}/consent", response_model=ApplicationRead, summary="经营者同意（不同意）被推荐")
def consent_to_recommendation(app_id: Text, body: Consent, request: Request, session: SessionDep, today: TodayDep,
            principal: Principal = Depends(OPERATOR)) -> ApplicationRead:
    return _out(session, service.consent(session, app_id=app_id, data=body, principal=principal, today=today,
                                         traceparent=traceparent(request)))


@router.post("/applications/{app_id}/review", response_model=ApplicationRead, summary="县级审核")
def review_application(app_id: Text, body: Review, request: Request, session: SessionDep, today: TodayDep,
           principal: Principal = Depends(STAFF)) -> ApplicationRead:
    return _out(session, service.review(session, app_id=app_id, data=body, principal=principal, today=today,
                                        traceparent=traceparent(request)))


@router.post("/applications/{app_id}/site-visit", response_model=ApplicationRead, summary="走访核实")
def record_site_visit(app_id: Text, body: SiteVisit, request: Request, session: SessionDep, today: TodayDep,
               principal: Principal = Depends(STAFF)) -> ApplicationRead:
    return _out(session, service.site_visit(session, app_id=app_id, data=body, principal=principal, today=today,
                                            traceparent=traceparent(request)))


@router.post("/applications/{app_id}/opinions", response_model=ApplicationRead, summary="征求意见并进入公示")
def record_department_opinions(app_id: Text, body: Opinions, request: Request, session: SessionDep, today: TodayDep,
             principal: Principal = Depends(STAFF)) -> ApplicationRead:
    return _out(session, service.opinions(session, app_id=app_id, data=body, principal=principal, today=today,
                                          traceparent=traceparent(request)))


@router.post("/applications/{app_id}/withdraw", response_model=ApplicationRead, summary="经营者撤回")
def withdraw_application(app_id: Text, request: Request, session: SessionDep, principal: Principal = Depends(OPERATOR)) -> ApplicationRead:
    return _out(session, service.withdraw(session, app_id=app_id, principal=principal, traceparent=traceparent(request)))


@router.get("/notices", response_model=Page[NoticeRead], summary="当前公示（公开，经营者姓名脱敏）")
def list_public_notices(session: SessionDep, page: PageDep, today: TodayDep, region_code: RegionCode | None = None,
            principal: Principal = Depends(ANYONE)) -> Page[NoticeRead]:
    region = county(region_code) if region_code else None
    items, nxt = service.notices(session, region_code=region, on=today, page=page)
    return Page[NoticeRead](items=[NoticeRead.model_validate(i) for i in items], next_cursor=nxt)
