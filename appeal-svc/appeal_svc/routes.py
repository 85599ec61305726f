"""HTTP of appeal-svc: parse, call the service, shape the response."""
from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import StringConstraints

from getihu_kit import export_jobs, exports
from getihu_kit.auth import Principal
from getihu_kit.pagination import page_params
from getihu_kit.web import ANYONE, SessionDep, requires, traceparent
from getihu_kit.fields import Date, RegionCode, Text
from appeal_svc import service
from appeal_svc.schemas import (STATUS_LIST_PATTERN, TargetKind, AnonymousMaterialSupply, CultivationObjectionCreate, AnonymousProof, AnonymousWithdrawal, AppealPage, AppealRead, Decision,
                                MaterialRequest, MaterialSupply, NoticeObjectionCreate, TypingObjectionCreate,
                                Withdrawal)

router = APIRouter(prefix="/api/v1/appeals", tags=["appeal"])
OPERATOR = requires("operator")
STAFF = requires(*service.STAFF)
# Appellants: an operator, a citizen with a token, or a notice objector without one (proved by phone);
# the service checks it is the appellant (or staff of the region).
APPELLANT = ANYONE
AppealPageDep = page_params(500)


def _settings(request: Request):
    return request.app.state.settings


StatusQuery = Annotated[list[Annotated[str, StringConstraints(pattern=STATUS_LIST_PATTERN)]] | None,
                        Query(description="状态，可多个（重复参数或逗号分隔）")]


@router.post("", status_code=201, response_model=AppealRead, summary="经营者对本户分型结果提出异议")
def file_typing_objection(body: TypingObjectionCreate, request: Request, session: SessionDep,
                          principal: Principal = Depends(OPERATOR)) -> AppealRead:
    return service.file_typing_objection(session, data=body, principal=principal, settings=_settings(request),
                                         traceparent=traceparent(request))


@router.post("/cultivation-objections", status_code=201, response_model=AppealRead,
             summary="经营者对本户“名特优新”不予认定、取消认定、抽查不予认定或撤销认定提出异议")
def file_cultivation_objection(body: CultivationObjectionCreate, request: Request, session: SessionDep,
                               principal: Principal = Depends(OPERATOR)) -> AppealRead:
    return service.file_cultivation_objection(session, data=body, principal=principal, settings=_settings(request),
                                              traceparent=traceparent(request))


@router.post("/notice-objections", status_code=201, response_model=AppealRead,
             summary="公示期内对“名特优新”公示对象提出异议（可不登录）")
def file_notice_objection(body: NoticeObjectionCreate, request: Request, session: SessionDep,
                          principal: Principal = Depends(ANYONE)) -> AppealRead:
    return service.file_notice_objection(session, data=body, principal=principal, settings=_settings(request),
                                         traceparent=traceparent(request))


@router.post("/notice-objections/{appeal_id}/status", response_model=AppealRead,
             summary="未登录的公示异议人查询办理情况与答复（以联系电话证明本人）")
def query_notice_objection_status(appeal_id: Text, body: AnonymousProof, request: Request, session: SessionDep,
                            principal: Principal = Depends(APPELLANT)) -> AppealRead:
    return service.get_notice_objection(session, appeal_id=appeal_id, phone=body.objector_phone,
                                        principal=principal, settings=_settings(request))


@router.post("/notice-objections/{appeal_id}/material", response_model=AppealRead,
             summary="未登录的公示异议人补充材料（以联系电话证明本人）")
def supply_notice_objection_material(appeal_id: Text, body: AnonymousMaterialSupply, request: Request,
                                session: SessionDep, principal: Principal = Depends(APPELLANT)) -> AppealRead:
    return service.supply_material(session, appeal_id=appeal_id, data=body, principal=principal,
                                   settings=_settings(request), phone=body.objector_phone)


@router.post("/notice-objections/{appeal_id}/withdrawal", response_model=AppealRead,
             summary="未登录的公示异议人撤回异议（以联系电话证明本人）")
def withdraw_notice_objection(appeal_id: Text, body: AnonymousWithdrawal, request: Request, session: SessionDep,
                         principal: Principal = Depends(APPELLANT)) -> AppealRead:
    return service.withdraw(session, appeal_id=appeal_id, data=body, principal=principal,
                            settings=_settings(request), phone=body.objector_phone,
                            traceparent=traceparent(request))


@router.get("", response_model=AppealPage, summary="工作人员异议列表（按状态、辖区、到期筛选）；可导出 CSV、XLSX",
            responses=export_jobs.list_responses("一页异议"))
def list_appeals(request: Request, session: SessionDep, page: AppealPageDep, principal: Principal = Depends(STAFF),
                 status: StatusQuery = None,
                 region_code: RegionCode | None = None, target_kind: TargetKind | None = None,
                 due_before: Annotated[Date | None, Query(description="答复期限不晚于该日的未办结异议")] = None,
                 overdue: Annotated[bool, Query(description="只看已超期未办结的异议")] = False,
                 format: Annotated[Literal["json", "csv", "xlsx"], Query(
                     description="json 分页；csv 或 xlsx 为按筛选条件的整份导出（流式）")] = "json"):
    fmt = exports.negotiated(format, request.headers.get("accept"))
    if fmt != "json":
        body, media = service.export_for_staff(engine=request.app.state.engine, principal=principal, fmt=fmt,
                                               status=status, region_code=region_code, target_kind=target_kind,
                                               due_before=due_before, overdue=overdue)
        return StreamingResponse(body, media_type=media, headers=export_jobs.attachment(f"异议处理清单.{fmt}"))
    return service.list_for_staff(session, principal=principal, page=page, status=status, region_code=region_code,
                                  target_kind=target_kind, due_before=due_before, overdue=overdue)


@router.get("/mine", response_model=AppealPage, summary="本人提出的异议")
def list_my_appeals(session: SessionDep, page: AppealPageDep, principal: Principal = Depends(APPELLANT),
              status: StatusQuery = None) -> AppealPage:
    return service.list_mine(session, principal=principal, page=page, status=status)


@router.get("/{appeal_id}", response_model=AppealRead, summary="异议详情与处理记录")
def get_appeal(appeal_id: Text, session: SessionDep, principal: Principal = Depends(APPELLANT)) -> AppealRead:
    return service.get_appeal(session, appeal_id=appeal_id, principal=principal)


EVIDENCE_FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get("/{appeal_id}/evidence/{file_id}", summary="下载证明材料", response_class=Response,
            responses={200: {"description": "证明材料文件（附件下载）", "content": {
                t: EVIDENCE_FILE for t in ("application/pdf", "image/jpeg", "image/png")}}})
def get_evidence(appeal_id: Text, file_id: Text, session: SessionDep, principal: Principal = Depends(APPELLANT)) -> Response:
    f = service.evidence_file(session, appeal_id=appeal_id, file_id=file_id, principal=principal)
    return Response(f.content, media_type=f.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(f.filename)}"})


@router.post("/{appeal_id}/review", response_model=AppealRead, summary="受理审查")
def take_appeal_in_review(appeal_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> AppealRead:
    return service.take_in_review(session, appeal_id=appeal_id, principal=principal)


@router.post("/{appeal_id}/material-requests", response_model=AppealRead, summary="要求申请人补充材料")
def request_material(appeal_id: Text, body: MaterialRequest, session: SessionDep,
                     principal: Principal = Depends(STAFF)) -> AppealRead:
    return service.request_material(session, appeal_id=appeal_id, data=body, principal=principal)


@router.post("/{appeal_id}/material", response_model=AppealRead, summary="申请人补充材料")
def supply_material(appeal_id: Text, body: MaterialSupply, request: Request, session: SessionDep,
                    principal: Principal = Depends(APPELLANT)) -> AppealRead:
    return service.supply_material(session, appeal_id=appeal_id, data=body, principal=principal,
                                   settings=_settings(request))


@router.post("/{appeal_id}/decision", response_model=AppealRead, summary="作出处理决定并答复")
def decide_appeal(appeal_id: Text, body: Decision, request: Request, session: SessionDep,
           principal: Principal = Depends(STAFF)) -> AppealRead:
    return service.decide(session, appeal_id=appeal_id, data=body, principal=principal,
                          traceparent=traceparent(request))


@router.post("/{appeal_id}/withdrawal", response_model=AppealRead, summary="申请人撤回异议")
def withdraw_appeal(appeal_id: Text, request: Request, session: SessionDep, principal: Principal = Depends(APPELLANT),
             body: Withdrawal | None = None) -> AppealRead:
    return service.withdraw(session, appeal_id=appeal_id, data=body or Withdrawal(), principal=principal,
                            settings=_settings(request), traceparent=traceparent(request))
