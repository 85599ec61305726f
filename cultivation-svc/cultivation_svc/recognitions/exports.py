"""The recognised list as staff take it to Excel (CONTRACT: Exports): the public list's rows and
filters, with the operator's name in full (the public sees it masked) and the codes' labels. No ID
number or phone is in it, so it is not a confidential read."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, select

from getihu_kit.auth import Principal, scoped_region
from getihu_kit.domain import regions
from getihu_kit.export_jobs import ExportList
from getihu_kit.labels import APPLICATION_SOURCE_LABELS, CATEGORY_LABELS, RECOGNITION_STATUS_LABELS, type_label
from cultivation_svc.projections.models import BusinessProjection
from cultivation_svc.recognitions import repository
from cultivation_svc.regional.service import county

HEADER = ("认定编号", "统一社会信用代码", "名称", "经营者", "区划代码", "区划名称", "类别", "认定年度", "认定日期",
          "有效期至", "状态", "认定时分型", "来源", "推荐部门")


def _query(f: dict) -> Select:
    rec = repository.public(region_code=f["region_code"], category=f["category"],
                            on=dt.date.fromisoformat(f["on"])).subquery()
    b = BusinessProjection.__table__
    return (select(rec.c.id, rec.c.uscc, b.c.name, b.c.operator_name, rec.c.region_code, rec.c.category, rec.c.year,
                   rec.c.recognised_on, rec.c.valid_until, rec.c.status, rec.c.type_at_recognition, rec.c.source,
                   rec.c.department)
            .select_from(rec).outerjoin(b, b.c.uscc == rec.c.uscc).order_by(rec.c.id))


def _shape(f: dict):
    def row(r) -> tuple:
        return (r.id, r.uscc, r.name, r.operator_name, r.region_code, regions.name(r.region_code),
                CATEGORY_LABELS.get(r.category, r.category), r.year, r.recognised_on, r.valid_until,
                RECOGNITION_STATUS_LABELS.get(r.status, r.status),
                type_label(r.type_at_recognition) if r.type_at_recognition else None,
                APPLICATION_SOURCE_LABELS.get(r.source, r.source), r.department)
    return row


RECOGNITIONS = ExportList(title="名特优新认定名单", header=HEADER, query=_query, shape=_shape)


def export(*, engine, principal: Principal, fmt: str, region_code: str | None, category: str | None, on: dt.date):
    region = scoped_region(principal, county(region_code) if region_code else None)
    return RECOGNITIONS.stream(engine, fmt, {"region_code": region, "category": category, "on": on.isoformat()})
