"""HTTP of application windows."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from getihu_kit.auth import Principal, require_region
from getihu_kit.pagination import Page, PageDep
from getihu_kit.web import ANYONE, SessionDep, YearPath, YearQuery
from getihu_kit.fields import RegionCode, Text
from cultivation_svc.dependencies import STAFF
from cultivation_svc.regional.service import county
from cultivation_svc.windows import repository, service

router = APIRouter(tags=["cultivation: windows"])


class WindowRead(BaseModel):
    id: str
    region_code: RegionCode
    year: int
    opens_on: dt.date
    closes_on: dt.date
    typing_run_id: Text | None = None
    eligible_count: int


class WindowChange(BaseModel):
    closes_on: dt.date


@router.get("/windows", response_model=Page[WindowRead], summary="申报窗口（公开；最新年度在前）",
            dependencies=[Depends(ANYONE)])
def list_windows(session: SessionDep, page: PageDep, year: YearQuery = None,
                 region_code: RegionCode | None = None) -> Page[WindowRead]:
    region = county(region_code) if region_code else None
    rows, nxt = repository.listing(session, year=year, region_code=region, page=page)
    return Page[WindowRead](items=[WindowRead.model_validate(w, from_attributes=True) for w in rows], next_cursor=nxt)


@router.patch("/windows/{region_code}/{year}", response_model=WindowRead, summary="调整申报截止日期")
def change_window(region_code: RegionCode, year: YearPath, body: WindowChange, session: SessionDep,
           principal: Principal = Depends(STAFF)) -> WindowRead:
    region = county(region_code)
    require_region(principal, region)
    return WindowRead.model_validate(service.change_close(session, region_code=region, year=year, closes_on=body.closes_on),
                                     from_attributes=True)
