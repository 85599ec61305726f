"""HTTP of registry-svc: parse, call the service, shape the response."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from getihu_kit.auth import Principal
from getihu_kit.web import PrincipalDep, SessionDep, requires, traceparent
from registry_svc import service
from registry_svc.schemas import BusinessCreate, BusinessRead

router = APIRouter(prefix="/api/v1", tags=["registry"])
STAFF = requires("county_staff", "prefecture_staff", "admin")


@router.post("/businesses", status_code=201, response_model=BusinessRead, summary="登记个体工商户")
def register_business(body: BusinessCreate, request: Request, session: SessionDep,
                      principal: Principal = Depends(STAFF)) -> BusinessRead:
    return service.register_business(session, data=body, principal=principal, traceparent=traceparent(request))


@router.get("/businesses/{uscc}", response_model=BusinessRead, summary="查询个体工商户（公众视图脱敏）")
def get_business(uscc: str, session: SessionDep, principal: PrincipalDep) -> BusinessRead:
    return service.get_business(session, uscc=uscc, principal=principal)
