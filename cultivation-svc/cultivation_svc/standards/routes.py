"""HTTP of the public cultivation standards."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from getihu_kit.auth import Principal
from getihu_kit.fields import RegionCode
from getihu_kit.web import ANYONE, SessionDep
from cultivation_svc.dependencies import TodayDep
from cultivation_svc.standards import service

router = APIRouter(tags=["cultivation: standards"])


@router.get("/standards", summary="“名特优新”现行规则参数（公开：每项参数的取值、施行日期与依据；指定县时含本地调整及理由）")
def get_cultivation_standards(session: SessionDep, today: TodayDep, region_code: RegionCode | None = None,
                              principal: Principal = Depends(ANYONE)) -> dict:
    return service.standards(session, region_code=region_code, on=today)
