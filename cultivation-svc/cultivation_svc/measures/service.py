"""The support measures a business qualifies for: its published type's and its valid category's."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit.auth import Principal, require_readable
from getihu_kit.errors import InvalidInput
from cultivation_svc.measures import catalog
from cultivation_svc.projections import repository as proj
from cultivation_svc.recognitions import repository as rec_repo


def listing(*, type_code: str | None, category: str | None) -> list[dict]:
    if type_code is not None and type_code not in catalog.TYPES:
        raise InvalidInput(f"type 应为以下之一：{'、'.join(catalog.TYPES)}", field="type")
    if category is not None and category not in catalog.CATEGORIES:
        raise InvalidInput(f"category 应为以下之一：{'、'.join(catalog.CATEGORIES)}", field="category")
    if type_code is None and category is None:
        return [m.as_dict() for m in catalog.ALL_MEASURES]
    out = []
    if type_code:
        out += catalog.BY_BASIS[type_code]
    if category:
        out += catalog.BY_BASIS[category]
    return [m.as_dict() for m in out]


def for_business(session: Session, *, uscc: str, principal: Principal, today: dt.date) -> dict:
    business = proj.business(session, uscc)
    region = business.region_code if business else None
    require_readable(principal, uscc=uscc, region_code=region, also=("department",),
                     message="无权查看该个体工商户的帮扶措施")
    latest = proj.latest_type(session, uscc)
    rec = rec_repo.active_for_uscc(session, uscc, today)
    type_code = latest.type if latest else None
    category = rec.category if rec else None
    # 二(五)1：次年1月1日起……开始享受相关扶持政策 — the category's measures only from that day.
    benefiting = category if rec is not None and today >= rec.benefits_from else None
    return {
        "uscc": uscc, "type": type_code, "type_year": latest.year if latest else None, "category": category,
        "category_benefits_from": rec.benefits_from if rec else None,
        "catalog": catalog.CATALOG_VERSION,
        "measures": [m.as_dict() for m in catalog.qualifying(type_code, benefiting)],
    }
