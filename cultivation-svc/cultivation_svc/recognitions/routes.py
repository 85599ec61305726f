"""HTTP of recognitions, quota, confirmation and the public list."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from getihu_kit.auth import Principal
from getihu_kit.pagination import Page
from getihu_kit.web import ANYONE, RequiredYearQuery, SessionDep, traceparent
from getihu_kit.fields import RegionCode, Text
from cultivation_svc.criteria.schemas import Category
from cultivation_svc.dependencies import (DEPARTMENT, OPERATOR, OPERATOR_OR_DEPARTMENT, PARTIES, PREFECTURE, STAFF,
                                          PageDep, TodayDep)
from cultivation_svc.recognitions import service
from cultivation_svc.recognitions.schemas import (Confirmation, DepartmentConsent, InfoReportCreate, InfoReportRead,
                                                  InfoReportReview,
                                                  PublicRecognition,
                                                  Recognise, RecognitionRead, Revocation, SpotCheck,
                                                  SupplementaryMaterial, Worklist)

router = APIRouter(tags=["cultivation: recognitions"])


def _out(session, rec) -> RecognitionRead:
    return RecognitionRead.model_validate(service.read(session, rec))


@router.get("/quota", summary="本县名额：上限、在认定状态数、剩余")
def get_quota(region_code: RegionCode, year: RequiredYearQuery, session: SessionDep, today: TodayDep,
          principal: Principal = Depends(STAFF)) -> dict:
    return service.quota_view(session, region_code=region_code, year=year, principal=principal, on=today)


@router.post("/applications/{app_id}/recognise", status_code=201, response_model=RecognitionRead, summary="认定")
def recognise_application(app_id: Text, body: Recognise, request: Request, session: SessionDep, today: TodayDep,
              principal: Principal = Depends(STAFF)) -> RecognitionRead:
    return _out(session, service.recognise(session, app_id=app_id, data=body, principal=principal, today=today,
                                           traceparent=traceparent(request)))


@router.get("/recognitions", response_model=Page[PublicRecognition], summary="已认定名单（公开，脱敏）")
def list_recognitions(session: SessionDep, today: TodayDep, page: PageDep, region_code: RegionCode | None = None,
                category: Category | None = None, principal: Principal = Depends(ANYONE)) -> Page[PublicRecognition]:
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


@router.get("/spot-check-sample", summary="地局抽查样本（可复现：同一种子、同一批认定得到同一样本）")
def draw_spot_check_sample(region_code: RegionCode, year: RequiredYearQuery, session: SessionDep, today: TodayDep,
                           seed: Text | None = None, principal: Principal = Depends(PREFECTURE)) -> dict:
    return service.spot_check_sample(session, region_code=region_code, year=year, seed=seed, principal=principal,
                                     today=today)


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
