"""HTTP of credit reads (附件1 二(七) 末段): operators' consents, and institutions' reads under them."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from getihu_kit import clock
from getihu_kit.auth import Principal
from getihu_kit.fields import USCC, Text
from getihu_kit.pagination import PageDep
from getihu_kit.web import SessionDep, requires
from typing_svc.credit import service
from typing_svc.credit.schemas import (ConsentCreate, ConsentPage, ConsentRead, CreditReadPage, CreditRecognitions,
                                       CreditResult)

router = APIRouter(prefix="/api/v1/credit", tags=["credit"])
OPERATOR = requires("operator")
INSTITUTION = requires("financial_institution")


@router.post("/consents", status_code=201, response_model=ConsentRead,
             summary="经营者授权金融机构查询本户分型结果及判定依据、“名特优新”认定信息（范围、期限）")
def grant_credit_consent(body: ConsentCreate, session: SessionDep, principal: Principal = Depends(OPERATOR)) -> dict:
    return service.grant(session, uscc=body.uscc, institution=body.institution, scope=body.scope,
                         expires_on=body.expires_on, principal=principal, today=clock.today())


@router.get("/consents", response_model=ConsentPage, summary="经营者查看本户的信用查询授权（最新在前）")
def list_credit_consents(session: SessionDep, page: PageDep, principal: Principal = Depends(OPERATOR),
                         uscc: USCC | None = Query(default=None, description="只看这一户（须为本人经营）")) -> dict:
    return service.list_consents(session, uscc=uscc, principal=principal, page=page, today=clock.today())


@router.post("/consents/{consent_id}/withdrawal", response_model=ConsentRead, summary="经营者撤回授权（立即生效）")
def withdraw_credit_consent(consent_id: Text, session: SessionDep, principal: Principal = Depends(OPERATOR)) -> dict:
    return service.withdraw(session, consent_id=consent_id, principal=principal, today=clock.today())


@router.get("/reads", response_model=CreditReadPage, summary="经营者查看金融机构对本户信息的查询记录（最新在前）")
def list_credit_reads(session: SessionDep, page: PageDep, principal: Principal = Depends(OPERATOR),
                      uscc: USCC | None = Query(default=None, description="只看这一户（须为本人经营）")) -> dict:
    return service.list_reads(session, uscc=uscc, principal=principal, page=page)


@router.get("/businesses/{uscc}/typing-result", response_model=CreditResult,
            summary="金融机构查询分型结果及判定依据（须经营者授权且在有效期内，查询留痕）")
def read_credit_typing_result(uscc: USCC, session: SessionDep, principal: Principal = Depends(INSTITUTION),
                              year: int = Query(ge=2024, le=2100, description="分型年度")) -> dict:
    return service.read_result(session, uscc=uscc, year=year, principal=principal, today=clock.today())


@router.get("/businesses/{uscc}/recognitions", response_model=CreditRecognitions,
            summary="金融机构查询“名特优新”认定信息（须经营者授权且在有效期内，查询留痕）")
def read_credit_recognitions(uscc: USCC, session: SessionDep, principal: Principal = Depends(INSTITUTION)) -> dict:
    return service.read_recognitions(session, uscc=uscc, principal=principal, today=clock.today())
