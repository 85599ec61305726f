"""HTTP of per-region settings."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from getihu_kit.auth import Principal
from getihu_kit.web import SessionDep
from getihu_kit.fields import RegionCode
from cultivation_svc.dependencies import PREFECTURE, STAFF, TodayDep
from cultivation_svc.regional import service
from cultivation_svc.regional.schemas import RegionOverrides

router = APIRouter(tags=["cultivation: region settings"])


@router.get("/region-settings/{region_code}", summary="地区参数（本地窗口与限制情形，缺省为文件规定值）")
def get_region_settings(region_code: RegionCode, session: SessionDep, today: TodayDep, principal: Principal = Depends(STAFF)) -> dict:
    return service.view(session, region_code=region_code, on=today)


@router.put("/region-settings/{region_code}", summary="设置地区参数（地区市场监管局）")
def put_region_settings(region_code: RegionCode, body: RegionOverrides, session: SessionDep, today: TodayDep,
                 principal: Principal = Depends(PREFECTURE)) -> dict:
    row = service.put_settings(session, region_code=region_code, overrides=body.model_dump(mode="json", exclude_unset=True), principal=principal,
                               today=today)
    return service.view(session, region_code=row.region_code, on=today)
