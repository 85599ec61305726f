"""HTTP of recognitions, quota, confirmation and the public list."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from getihu_kit import export_jobs, exports

from getihu_kit.auth import Principal
from getihu_kit.errors import Forbidden, Unauthorized
from getihu_kit.pagination import Page
from getihu_kit.web import ANYONE, RequiredYearQuery, SessionDep, YearQuery, traceparent
from getihu_kit.fields import RegionCode, Text
from cultivation_svc.criteria.schemas import Category
from cultivation_svc.dependencies import (DEPARTMENT, OPERATOR, OPERATOR_OR_DEPARTMENT, PARTIES, PREFECTURE, STAFF,
                                          PageDep, QuotaBaseDep, TodayDep)
from cultivation_svc.recognitions import exports as rec_exports, service, spot_check_draws
from cultivation_svc.recognitions.schemas import (Confirmation, DepartmentConsent, InfoReportCreate, InfoReportRead,
                                                  InfoReportReview, PublicRecognition, Recognise, RecognitionRead,
                                                  Revocation, SpotCheck, SpotCheckDrawCreate, SpotCheckDrawRead,
                                                  SupplementaryMaterial, Worklist)

router = APIRouter(tags=["cultivation: recognitions"])


def _out(session, rec) -> RecognitionRead:
    return RecognitionRead.model_validate(service.read(session, rec))


@router.get("/quota", summary="本县名额：上限、在认定状态数、剩余")
def get_quota(region_code: RegionCode, year: RequiredYearQuery, session: SessionDep, today: TodayDep,
              base_ready: QuotaBaseDep, principal: Principal = Depends(STAFF)) -> dict:
    return service.quota_view(session, region_code=region_code, year=year, principal=principal, on=today,
                              base_ready=base_ready)


@router.post("/applications/{app_id}/recognise", status_code=201, response_model=RecognitionRead, summary="认定")
def recognise_application(app_id: Text, body: Recognise, request: Request, session: SessionDep, today: TodayDep,
                          base_ready: QuotaBaseDep, principal: Principal = Depends(STAFF)) -> RecognitionRead:
    return _out(session, service.recognise(session, app_id=app_id, data=body, principal=principal, today=today,
                                           base_ready=base_ready, traceparent=traceparent(request)))


@router.get("/recognitions", response_model=Page[PublicRecognition], summary="已认定名单（公开，脱敏）；工作人员可导出 CSV、XLSX",
            responses=export_jobs.list_responses("一页已认定名单"))
def list_recognitions(request: Request, session: SessionDep, today: TodayDep, page: PageDep,
                      region_code: RegionCode | None = None, category: Category | None = None,
                      format: Literal["json", "csv", "xlsx"] = Query(
                          default="json", description="json 分页；csv 或 xlsx 为按筛选条件的整份导出（仅工作人员，流式）"),
                      principal: Principal = Depends(ANYONE)):
    fmt = exports.negotiated(format, request.headers.get("accept"))
    if fmt != "json":
        if principal.is_public:
            raise Unauthorized("导出仅限工作人员：请登录后再导出")
        if not principal.is_staff:
            raise Forbidden("导出仅限工作人员", field="format")
        body, media = rec_exports.export(engine=request.app.state.engine, principal=principal, fmt=fmt,
                                         region_code=region_code, category=category, on=today)
        return StreamingResponse(body, media_type=media, headers=export_jobs.attachment(f"名特优新认定名单.{fmt}"))
    items, nxt = service.public_list(session, region_code=region_code, category=category, on=today, page=page)
    return Page[PublicRecognition](items=[PublicRecognition.model_validate(i) for i in items], next_cursor=nxt)


@router.get("/recognitions/mine", response_model=Page[RecognitionRead],
            summary="本人的认定：经营者本户的（信息报告），部门推荐的（延期意见）")
def list_my_recognitions(session: SessionDep, page: PageDep,
                         principal: Principal = Depends(OPERATOR_OR_DEPARTMENT)) -> Page[RecognitionRead]:
    items, nxt = service.of_parties(session, principal=principal, page=page)
    return Page[RecognitionRead](items=[RecognitionRead.model_validate(i) for i in items], next_cursor=nxt)


@router.get("/recognitions/{rec_id}", response_model=RecognitionRead, summary="认定详情")
def get_recognition(rec_id: Text, session: SessionDep, principal: Principal = Depends(PARTIES)) -> RecognitionRead:
    return _out(session, service.get(session, rec_id=rec_id, principal=principal))


@router.post("/recognitions/{rec_id}/report", response_model=RecognitionRead, summary="报上级市场监管部门")
def report_recognition_change(rec_id: Text, request: Request, session: SessionDep, principal: Principal = Depends(STAFF)) -> RecognitionRead:
    return _out(session, service.report_upward(session, rec_id=rec_id, principal=principal,
                                               traceparent=traceparent(request)))


@router.post("/recognitions/{rec_id}/spot-check", response_model=RecognitionRead, summary="地局抽查")
def record_spot_check(rec_id: Text, body: SpotCheck, request: Request, session: SessionDep, today: TodayDep,
               principal: Principal = Depends(PREFECTURE)) -> RecognitionRead:
    return _out(session, service.spot_check(session, rec_id=rec_id, data=body, principal=principal, today=today,
                                            traceparent=traceparent(request)))


@router.post("/recognitions/{rec_id}/materials", response_model=RecognitionRead, summary="限期补充材料（经营者）")
def supplement_materials(rec_id: Text, body: SupplementaryMaterial, request: Request, session: SessionDep, today: TodayDep,
               principal: Principal = Depends(OPERATOR)) -> RecognitionRead:
    return _out(session, service.supplement(session, rec_id=rec_id, data=body, principal=principal, today=today,
                                            traceparent=traceparent(request)))


@router.post("/recognitions/{rec_id}/info-reports", status_code=201, response_model=InfoReportRead,
             summary="信息报告（每年7月底前；变更经营者后）")
def file_info_report(rec_id: Text, body: InfoReportCreate, session: SessionDep, today: TodayDep,
                principal: Principal = Depends(OPERATOR)) -> InfoReportRead:
    r = service.info_report(session, rec_id=rec_id, data=body, principal=principal, today=today)
    return InfoReportRead.model_validate(r, from_attributes=True)


@router.post("/recognitions/{rec_id}/info-reports/{report_id}/review", response_model=InfoReportRead,
             summary="审核信息报告（通过或要求更正）")
def review_info_report(rec_id: Text, report_id: int, body: InfoReportReview, session: SessionDep,
                       principal: Principal = Depends(STAFF)) -> InfoReportRead:
    r = service.review_info_report(session, rec_id=rec_id, report_id=report_id, data=body, principal=principal)
    return InfoReportRead.model_validate(r, from_attributes=True)


@router.post("/recognitions/{rec_id}/cancellation", response_model=RecognitionRead,
             summary="取消认定：同一自然人在本县多户获认定的，取消后获认定的一户（工作清单所列）")
def cancel_conflicting_recognition(rec_id: Text, request: Request, session: SessionDep, today: TodayDep,
                                   principal: Principal = Depends(STAFF)) -> RecognitionRead:
    return _out(session, service.cancel_for_conflict(session, rec_id=rec_id, principal=principal, today=today,
                                                     traceparent=traceparent(request)))


@router.post("/spot-check-draws", status_code=201, response_model=SpotCheckDrawRead,
             summary="地局抽查抽样并留存（种子、比例、总体、样本可复现；同县同年再抽须写明理由，原样本保留）")
def draw_spot_check_sample(body: SpotCheckDrawCreate, session: SessionDep, today: TodayDep,
                           principal: Principal = Depends(PREFECTURE)) -> SpotCheckDrawRead:
    return SpotCheckDrawRead.model_validate(spot_check_draws.draw(session, data=body, principal=principal, today=today))


@router.get("/spot-check-draws", response_model=Page[SpotCheckDrawRead], summary="历次抽查样本及每户抽查结果")
def list_spot_check_draws(region_code: RegionCode, session: SessionDep, page: PageDep, year: YearQuery = None,
                          principal: Principal = Depends(PREFECTURE)) -> Page[SpotCheckDrawRead]:
    items, nxt = spot_check_draws.listed(session, region_code=region_code, year=year, principal=principal, page=page)
    return Page[SpotCheckDrawRead](items=[SpotCheckDrawRead.model_validate(i) for i in items], next_cursor=nxt)


@router.get("/spot-check-draws/{draw_id}", response_model=SpotCheckDrawRead, summary="一次抽查样本及每户抽查结果")
def get_spot_check_draw(draw_id: Text, session: SessionDep,
                        principal: Principal = Depends(PREFECTURE)) -> SpotCheckDrawRead:
    return SpotCheckDrawRead.model_validate(spot_check_draws.get(session, draw_id=draw_id, principal=principal))


@router.get("/worklist", response_model=Worklist, summary="县级工作清单：一人多户待取消、经营者变更待报告、待评估、待审核的信息报告、抽查补充材料")
def get_worklist(region_code: RegionCode, session: SessionDep, today: TodayDep,
                 principal: Principal = Depends(STAFF)) -> Worklist:
    return service.worklist(session, region_code=region_code, principal=principal, today=today)


@router.post("/confirmations", summary="年度确认（不再符合标准的取消认定）")
def confirm_recognitions(body: Confirmation, request: Request, session: SessionDep, today: TodayDep,
            principal: Principal = Depends(STAFF)) -> dict:
    return service.confirm(session, data=body, principal=principal, today=today, traceparent=traceparent(request))


@router.post("/recognitions/{rec_id}/department-consent", response_model=RecognitionRead, summary="推荐部门对延期的意见")
def record_department_consent(rec_id: Text, body: DepartmentConsent, session: SessionDep,
                       principal: Principal = Depends(DEPARTMENT)) -> RecognitionRead:
    return _out(session, service.department_consent(session, rec_id=rec_id, data=body, principal=principal))


@router.post("/recognitions/{rec_id}/evaluation", summary="有效期最后一年评估（符合 A–D 之一延长3年）")
def evaluate_recognition(rec_id: Text, request: Request, session: SessionDep, today: TodayDep,
             principal: Principal = Depends(STAFF)) -> dict:
    return service.evaluate(session, rec_id=rec_id, principal=principal, today=today, traceparent=traceparent(request))


@router.post("/recognitions/{rec_id}/revoke", response_model=RecognitionRead, summary="撤销认定（弄虚作假，5年内不得再申报）")
def revoke_recognition(rec_id: Text, body: Revocation, request: Request, session: SessionDep, today: TodayDep,
           principal: Principal = Depends(STAFF)) -> RecognitionRead:
    return _out(session, service.revoke(session, rec_id=rec_id, data=body, principal=principal, today=today,
                                        traceparent=traceparent(request)))
