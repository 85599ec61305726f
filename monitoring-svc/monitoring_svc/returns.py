"""Use cases of the quarterly operating returns (二(七)：定期收集个体工商户的经营数据……).

Who gives a return: the operator online, a contact point for a business it follows, or the county
by import (imports.py). Returns are confidential like agency facts: never public, the operator sees
its own, staff of the business's county (or the prefecture) see them and every staff read is audited.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from getihu_kit import clock, exports
from getihu_kit.auth import Principal, scoped_region
from getihu_kit.errors import Forbidden, NotFound, RuleViolation
from getihu_kit.pagination import PageRequest
from monitoring_svc import repository, rules
from monitoring_svc.models import OperatingReturn
from monitoring_svc.schemas import (OUTLOOK_LABELS, ReturnCreate, ReturnFigures, ReturnPage, ReturnRead,
                                    ReturnReadAudit, ReturnReadAuditPage)

AUDITORS = ("prefecture_staff", "admin")


def _read(r: OperatingReturn) -> ReturnRead:
    return ReturnRead(uscc=r.uscc, year=r.year, quarter=r.quarter, region_code=r.region_code, sales=r.sales,
                      costs=r.costs, profit=r.profit, employees=r.employees, new_hires=r.new_hires,
                      loans_outstanding=r.loans_outstanding, loans_obtained=r.loans_obtained,
                      financing_need=r.financing_need, outlook=r.outlook, outlook_label=OUTLOOK_LABELS[r.outlook],
                      difficulties=r.difficulties, source=r.source, contact_point_id=r.contact_point_id,
                      submitted_by=r.submitted_by, submitted_at=r.submitted_at, revision=r.revision)


def return_row(figures: ReturnFigures, *, uscc: str, year: int, quarter: int, region_code: str, source: str,
               contact_point_id: str | None, submitted_by: str) -> dict:
    """The stored row of a return, whichever way it came."""
    return {"uscc": uscc, "year": year, "quarter": quarter, "region_code": region_code,
            **figures.model_dump(include=set(ReturnFigures.model_fields)), "source": source,
            "contact_point_id": contact_point_id, "submitted_by": submitted_by, "submitted_at": clock.now()}


def _period_open(year: int, quarter: int) -> None:
    check = rules.return_period_open(year, quarter, clock.today())
    if not check.ok:
        raise RuleViolation(check.detail, code="return_period_closed", field="quarter")


def submit(session: Session, *, data: ReturnCreate, principal: Principal) -> ReturnRead:
    _period_open(data.year, data.quarter)
    business = repository.business(session, data.uscc)
    if business is None:
        raise NotFound(f"未找到个体工商户 {data.uscc} 的登记信息（新登记的户稍后再试）", code="business_not_found",
                       field="uscc")
    if data.contact_point_id is None:
        if not principal.owns(data.uscc):
            raise Forbidden("经营者只能报送本户的经营数据；联系点代报请填写 contact_point_id")
        source = "operator"
    else:
        cp = repository.get_contact_point(session, data.contact_point_id)
        if cp is None or not (principal.is_staff and principal.can_act_in_region(cp.region_code)):
            raise NotFound(f"联系点“{data.contact_point_id}”不存在", code="contact_point_not_found",
                           field="contact_point_id")
        for check in (rules.contact_point_may_report(cp.status, clock.today()),
                      rules.contact_point_follows({data.uscc} if repository.follows(session, cp.id, data.uscc)
                                                  else set(), data.uscc)):
            if not check.ok:
                raise RuleViolation(check.detail, code="contact_point_cannot_report", field="contact_point_id")
        source = "contact_point"
    repository.upsert_returns(session, [return_row(
        data, uscc=data.uscc, year=data.year, quarter=data.quarter, region_code=business.region_code, source=source,
        contact_point_id=data.contact_point_id, submitted_by=principal.audit_name())])
    session.flush()
    stored = repository.get_return(session, data.uscc, data.year, data.quarter)
    session.refresh(stored)
    return _read(stored)


def _audit(session: Session, principal: Principal, *, uscc: str | None, query: dict, rows: int) -> None:
    repository.audit_read(session, [{"reader": principal.sub, "roles": ",".join(sorted(principal.roles)),
                                     "reader_region": principal.region_code, "uscc": uscc, "query": query,
                                     "rows": rows, "at": clock.now()}])


def get(session: Session, *, uscc: str, year: int, quarter: int, principal: Principal) -> ReturnRead:
    r = repository.get_return(session, uscc, year, quarter)
    visible = r is not None and (principal.owns(uscc) or principal.can_act_in_region(r.region_code))
    if not visible:
        if not (principal.owns(uscc) or principal.is_staff):
            raise Forbidden("经营数据属于保密信息，只有本户经营者和辖区工作人员可以查看")
        raise NotFound(f"未找到 {uscc} {year}年第{quarter}季度的经营数据", code="return_not_found")
    if principal.is_staff:
        _audit(session, principal, uscc=uscc, query={"year": year, "quarter": quarter}, rows=1)
    return _read(r)


def list_returns(session: Session, *, principal: Principal, region_code: str | None, uscc: str | None,
                 year: int | None, quarter: int | None, page: PageRequest) -> ReturnPage:
    """Operators list their own business's returns; staff their county's (audited, one entry per page)."""
    if principal.is_staff:
        region = scoped_region(principal, region_code)
    elif uscc is not None and principal.owns(uscc):
        region = None
    else:
        raise Forbidden("经营数据属于保密信息：经营者请按本户统一社会信用代码（uscc）查询", field="uscc")
    rows, nxt = repository.returns_page(session, region_code=region, uscc=uscc, year=year, quarter=quarter,
                                        page=page)
    if principal.is_staff:
        _audit(session, principal, uscc=uscc, rows=len(rows), query={
            k: v for k, v in (("region_code", region), ("year", year), ("quarter", quarter),
                              ("cursor", page.cursor)) if v is not None})
    return ReturnPage(items=[_read(r) for r in rows], next_cursor=nxt)


EXPORT_COLUMNS = (("uscc", "统一社会信用代码"), ("year", "年度"), ("quarter", "季度"), ("region_code", "区划代码"),
                  ("sales", "销售额（元）"), ("costs", "成本（元）"), ("profit", "利润（元）"), ("employees", "从业人数"),
                  ("new_hires", "新增就业"), ("loans_outstanding", "贷款余额（元）"), ("loans_obtained", "新获贷款（元）"),
                  ("financing_need", "融资需求"), ("outlook", "经营预期"), ("difficulties", "困难诉求"),
                  ("source", "来源"), ("contact_point_id", "联系点"), ("submitted_at", "报送时间"), ("revision", "报送次数"))


def export(session: Session, *, engine, principal: Principal, fmt: str, region_code: str | None,
           uscc: str | None, year: int | None, quarter: int | None):
    """The staff list as a streamed CSV or XLSX (kit.exports), in constant memory; the export is
    audited like any read, with the number of rows it carries."""
    region = scoped_region(principal, region_code)
    stmt = repository.returns_export(region_code=region, uscc=uscc, year=year, quarter=quarter,
                                     columns=[c for c, _ in EXPORT_COLUMNS])
    rows = repository.count_of(session, stmt)
    _audit(session, principal, uscc=uscc, rows=rows, query={
        k: v for k, v in (("region_code", region), ("year", year), ("quarter", quarter), ("format", fmt))
        if v is not None})
    return exports.stream(fmt, [label for _, label in EXPORT_COLUMNS], exports.export_rows(engine, stmt))


def list_audit(session: Session, *, uscc: str | None, page: PageRequest) -> ReturnReadAuditPage:
    rows, nxt = repository.audit_page(session, uscc=uscc, page=page)
    return ReturnReadAuditPage(items=[ReturnReadAudit(
        id=r.id, reader=r.reader, roles=r.roles.split(","), reader_region=r.reader_region, uscc=r.uscc,
        query=r.query, rows=r.rows, at=r.at) for r in rows], next_cursor=nxt)
