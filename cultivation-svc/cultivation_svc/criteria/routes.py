"""HTTP of county criteria."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from getihu_kit.auth import Principal
from getihu_kit.pagination import Page, PageDep
from getihu_kit.web import ANYONE, SessionDep, YearQuery
from getihu_kit.fields import RegionCode, Text
from cultivation_svc.criteria import service
from cultivation_svc.criteria.schemas import Category, CriteriaCreate, CriteriaRead
from cultivation_svc.dependencies import PREFECTURE, STAFF

router = APIRouter(tags=["cultivation: criteria"])


def _read(c) -> CriteriaRead:
    return CriteriaRead.model_validate(c, from_attributes=True)


@router.post("/criteria", status_code=201, response_model=CriteriaRead, summary="起草本县分类标准")
def create_criteria(body: CriteriaCreate, session: SessionDep, principal: Principal = Depends(STAFF)) -> CriteriaRead:
    return _read(service.create(session, data=body, principal=principal))


@router.post("/criteria/{criteria_id}/file", response_model=CriteriaRead, summary="报地局备案")
def file_criteria(criteria_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> CriteriaRead:
    return _read(service.file(session, criteria_id=criteria_id, principal=principal))


@router.post("/criteria/{criteria_id}/acknowledge", response_model=CriteriaRead, summary="地局确认备案")
def acknowledge_criteria(criteria_id: Text, session: SessionDep, principal: Principal = Depends(PREFECTURE)) -> CriteriaRead:
    return _read(service.acknowledge(session, criteria_id=criteria_id, principal=principal))


@router.post("/criteria/{criteria_id}/publish", response_model=CriteriaRead, summary="向社会公示")
def publish_criteria(criteria_id: Text, session: SessionDep, principal: Principal = Depends(STAFF)) -> CriteriaRead:
    return _read(service.publish(session, criteria_id=criteria_id, principal=principal))


@router.get("/criteria", response_model=Page[CriteriaRead], summary="分类标准（公众只见已公示；最新在前）")
def list_criteria(session: SessionDep, page: PageDep, region_code: RegionCode | None = None, year: YearQuery = None,
            category: Category | None = None, principal: Principal = Depends(ANYONE)) -> Page[CriteriaRead]:
    rows, nxt = service.listing(session, principal=principal, region_code=region_code, year=year, category=category,
                                page=page)
    return Page[CriteriaRead](items=[_read(c) for c in rows], next_cursor=nxt)


@router.get("/criteria/{criteria_id}", response_model=CriteriaRead, summary="分类标准")
def get_criteria(criteria_id: Text, session: SessionDep, principal: Principal = Depends(ANYONE)) -> CriteriaRead:
    return _read(service.get(session, criteria_id=criteria_id, principal=principal))
