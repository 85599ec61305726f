"""The applications list as staff take it to Excel (CONTRACT: Exports): the list's filters, the
business's name and operator beside each, codes as labels. No ID number or phone is in it."""
from __future__ import annotations

from sqlalchemy import Select, select

from getihu_kit.auth import Principal, scoped_region
from getihu_kit.domain import regions
from getihu_kit.export_jobs import ExportList
from getihu_kit.labels import APPLICATION_SOURCE_LABELS, APPLICATION_STATUS_LABELS, CATEGORY_LABELS, type_label
from cultivation_svc.applications import repository
from cultivation_svc.projections.models import BusinessProjection

HEADER = ("申报编号", "统一社会信用代码", "名称", "经营者", "区划代码", "区划名称", "年度", "申报类别", "来源", "推荐部门",
          "状态", "得分", "申报时分型", "公示开始", "公示结束", "申报日期", "说明")


def _query(f: dict) -> Select:
    app = repository.listing(region_code=f["region_code"], usccs=None, department=None, year=f["year"],
                             status=f["status"]).subquery()
    b = BusinessProjection.__table__
    return (select(app.c.id, app.c.uscc, b.c.name, b.c.operator_name, app.c.region_code, app.c.year, app.c.category,
                   app.c.source, app.c.department, app.c.status, app.c.score, app.c.type_at_application,
                   app.c.notice_starts_on, app.c.notice_ends_on, app.c.applied_on, app.c.reason)
            .select_from(app).outerjoin(b, b.c.uscc == app.c.uscc).order_by(app.c.id))


def _shape(f: dict):
    def row(r) -> tuple:
        return (r.id, r.uscc, r.name, r.operator_name, r.region_code, regions.name(r.region_code), r.year,
                CATEGORY_LABELS.get(r.category, r.category), APPLICATION_SOURCE_LABELS.get(r.source, r.source),
                r.department, APPLICATION_STATUS_LABELS.get(r.status, r.status), r.score,
                type_label(r.type_at_application) if r.type_at_application else None, r.notice_starts_on,
                r.notice_ends_on, r.applied_on, r.reason)
    return row


APPLICATIONS = ExportList(title="名特优新申报清单", header=HEADER, query=_query, shape=_shape)


def export(*, engine, principal: Principal, fmt: str, region_code: str | None, year: int | None, status: str | None):
    return APPLICATIONS.stream(engine, fmt, {"region_code": scoped_region(principal, region_code), "year": year,
                                             "status": status})
