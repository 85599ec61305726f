"""County criteria: drafted by the county, filed with the prefecture (备案), acknowledged, published (附件1 二(四)2).

二(四)2：各县（市、区）级市场监管部门会同相关部门，研究制定本地“名特优新”四类个体工商户的分类标准，并报地局备案，
同时向社会公示。
"""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal, readable_by, require_region
from getihu_kit.errors import Conflict, NotFound
from getihu_kit.pagination import PageRequest, scalars_page
from cultivation_svc.criteria import repository
from cultivation_svc.criteria.models import CountyCriteria
from cultivation_svc.criteria.schemas import CriteriaCreate
from cultivation_svc.regional.service import county


def create(session: Session, *, data: CriteriaCreate, principal: Principal) -> CountyCriteria:
    region = county(data.region_code)
    require_region(principal, region)
    c = CountyCriteria(
        id=f"crit_{uuid.uuid4().hex[:16]}", region_code=region, year=data.year, category=data.category,
        version=repository.next_version(session, region, data.year, data.category), title=data.title, text=data.text,
        indicators=[i.model_dump(mode="json") for i in data.indicators], pass_score=data.pass_score, status="draft",
        created_by=principal.audit_name(), created_at=clock.now())
    session.add(c)
    session.flush()
    return c


def _get(session: Session, criteria_id: str) -> CountyCriteria:
    c = repository.get(session, criteria_id)
    if c is None:
        raise NotFound(f"分类标准 {criteria_id} 不存在")
    return c


def _move(c: CountyCriteria, expected: str, new: str, action: str) -> None:
    if c.status != expected:
        raise Conflict(f"分类标准当前状态为“{c.status}”，只有“{expected}”状态的标准可以{action}", code="invalid_state")
    c.status = new


def file(session: Session, *, criteria_id: str, principal: Principal) -> CountyCriteria:
    """报地局备案 — the county files the standard with the prefecture."""
    c = _get(session, criteria_id)
    require_region(principal, c.region_code)
    _move(c, "draft", "filed", "报备")
    c.filed_at = clock.now()
    return c


def acknowledge(session: Session, *, criteria_id: str, principal: Principal) -> CountyCriteria:
    """The prefecture (地局) acknowledges the filing."""
    c = _get(session, criteria_id)
    _move(c, "filed", "acknowledged", "确认备案")
    c.acknowledged_by, c.acknowledged_at = principal.audit_name(), clock.now()
    return c


def publish(session: Session, *, criteria_id: str, principal: Principal) -> CountyCriteria:
    """向社会公示 — only a standard the prefecture has acknowledged."""
    c = _get(session, criteria_id)
    require_region(principal, c.region_code)
    _move(c, "acknowledged", "published", "公示")
    c.published_at = clock.now()
    return c


def get(session: Session, *, criteria_id: str, principal: Principal) -> CountyCriteria:
    c = _get(session, criteria_id)
    if c.status != "published" and not readable_by(principal, region_code=c.region_code):
        raise NotFound(f"分类标准 {criteria_id} 不存在")
    return c


def listing(session: Session, *, principal: Principal, region_code: str | None, year: int | None,
            category: str | None, page: PageRequest) -> tuple[list[CountyCriteria], str | None]:
    """Newest first: the draft a clerk has just written, or the standard just published, leads."""
    region = county(region_code) if region_code else None
    # Drafts and filings are the county's (and the prefecture's) to see; everyone else sees published standards.
    stmt = repository.listing(region_code=region, year=year, category=category,
                              only_published=not readable_by(principal, region_code=region))
    return scalars_page(session, stmt, keys=[CountyCriteria.created_at, CountyCriteria.id], page=page,
                        descending=True)
