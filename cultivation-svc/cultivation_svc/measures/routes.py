"""HTTP of the support-measure catalog."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from getihu_kit.auth import Principal
from getihu_kit.web import ANYONE, SessionDep
from getihu_kit.fields import USCC, CategoryCode, TypeCode
from cultivation_svc.dependencies import TodayDep
from cultivation_svc.measures import service

router = APIRouter(tags=["cultivation: measures"])


@router.get("/measures", summary="帮扶措施目录（按分型 type、分类 category 筛选）", dependencies=[Depends(ANYONE)])
def list_measures(type: TypeCode | None = None, category: CategoryCode | None = None) -> dict:
    return {"items": service.listing(type_code=type, category=category)}


@router.get("/businesses/{uscc}/measures", summary="某户可享受的帮扶措施（免申即享）")
def list_measures_of_business(uscc: USCC, session: SessionDep, today: TodayDep, principal: Principal = Depends(ANYONE)) -> dict:
    return service.for_business(session, uscc=uscc, principal=principal, today=today)
