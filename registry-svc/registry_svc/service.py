"""Use cases of registry-svc: keyword-only, session first, never commit.

Every change goes through a set-based `apply_*` function that takes a list of validated items, so a
single request and a bulk-import chunk follow the same rules, write with the same multi-row
statements and emit one snapshot per changed business. A single request raises the first
rejection as a DomainError; an import reports every rejection against its row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal, readable_by, require_region
from getihu_kit.domain import regions
from getihu_kit.domain.masking import mask_name
from getihu_kit.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, RuleViolation
from getihu_kit.labels import category_label, type_label
from getihu_kit.pagination import PageRequest
from getihu_kit.read_pool import ReadPool
from getihu_kit.schemas.registry import AnnualReportClosed, AnnualReportWindowOpened
from registry_svc import directory_query, directory_reads, repository, rules, snapshots
from registry_svc.models import AnnualReportWindow, Operator
from registry_svc.schemas import (AnnualReportIn, AnnualReportRead, AnnualReportRow, BusinessCreate, BusinessRead,
                                  CategoryLabel, DirectoryEntry, DirectoryPage, MarkIn, MarkRead, MarkRow,
                                  OperatorChange, OperatorPeriodRead, OperatorRead, StatusChangeIn, StatusPeriodRead,
                                  StatusRow, TypeLabel, WindowClose, WindowOpen, WindowRead)


# --- outcomes of a set-based apply -------------------------------------------------------------------
@dataclass
class Rejection:
    index: int
    problems: list[tuple[str | None, str]]
    error: type[DomainError] = InvalidInput
    code: str | None = None


@dataclass
class Outcome:
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    published: int = 0

    def reject(self, index: int, field_name: str | None, message: str, error: type[DomainError] = InvalidInput,
               code: str | None = None) -> None:
        self.rejected.append(Rejection(index, [(field_name, message)], error, code))

    def raise_first(self) -> None:
        if self.rejected:
            r = self.rejected[0]
            raise r.error("；".join(m for _, m in r.problems), code=r.code,
                          errors=[{"field": f, "message": m} for f, m in r.problems])


def _not_found(uscc: str) -> str:
    return f"未找到统一社会信用代码为“{uscc}”的个体工商户，请先登记"


def _check_access(out: Outcome, i: int, principal: Principal, uscc: str, region_code: str,
                  operator_may: bool = False) -> bool:
    """Staff of the business's region; with operator_may also the operator who owns it."""
    if readable_by(principal, uscc=uscc if operator_may else None, region_code=region_code):
        return True
    out.reject(i, "uscc", f"无权办理该个体工商户的业务：它属于{regions.name(region_code)}（{region_code}），"
                          f"不在本辖区（{principal.region_code or '未绑定辖区'}）", Forbidden)
    return False


# --- registration ------------------------------------------------------------------------------------
def _business_fields(d: BusinessCreate) -> tuple:
    return (d.name, d.region_code, d.industry_code, d.established_on, d.seasonal, d.address, d.business_scope,
            d.operator.name, d.operator.id_number, d.operator.phone, d.operator.email)


def apply_registrations(session: Session, *, items: list[BusinessCreate], principal: Principal,
                        same_is_unchanged: bool, traceparent: str | None = None) -> Outcome:
    """Register businesses. With same_is_unchanged (imports) a business already registered with
    exactly the same data is left as it is; otherwise a known USCC is a conflict (409)."""
    out = Outcome()
    first: dict[str, int] = {}
    copy_of: dict[int, int] = {}  # an identical repeat in the same batch → its first occurrence
    today = clock.today()  # once per batch: the bureau's date costs a time-zone conversion
    for i, d in enumerate(items):
        if not principal.can_act_in_region(d.region_code):
            out.reject(i, "region_code", f"只能登记本辖区（{principal.region_code or '未绑定辖区'}）的个体工商户", Forbidden)
            continue
        if (m := rules.not_in_future(d.established_on, "成立日期", today)):
            out.reject(i, "established_on", m)
            continue
        if d.uscc in first:
            if _business_fields(items[first[d.uscc]]) == _business_fields(d):
                copy_of[i] = first[d.uscc]
            else:
                out.reject(i, "uscc", f"统一社会信用代码“{d.uscc}”在本文件中重复出现且内容不同", Conflict, "duplicate_row")
            continue
        first[d.uscc] = i
    existing = repository.businesses(session, first)
    if existing:
        ops = repository.operators_of(session, list(existing))
        for u, b in existing.items():
            i = first.pop(u)
            cur = next((o for o in reversed(ops.get(u, [])) if o.to_on is None), None)
            stored = (b.name, b.region_code, b.industry_code, b.established_on, b.seasonal, b.address,
                      b.business_scope, cur and cur.name, cur and cur.id_number, cur and cur.phone, cur and cur.email)
            if same_is_unchanged and stored == _business_fields(items[i]):
                out.unchanged.append(i)
            else:
                out.reject(i, "uscc", f"统一社会信用代码“{u}”已登记，不能重复登记；变更请使用相应的变更业务",
                           Conflict, "business_exists")
    # A bulk chunk: the business, operator and status rows from one staging COPY and one statement, and
    # snapshots read off the staging rows (a new business has no history to aggregate). A few rows (a
    # single request) cost less as plain INSERTs: a speed choice, both paths write the same rows.
    staged = len(first) >= repository.COPY_MIN_ROWS
    if staged:
        landed = repository.register_staged(session, [
            (d.uscc, d.name, d.region_code, d.industry_code, d.established_on, d.seasonal, d.address,
             d.business_scope, o.name, o.id_number, o.phone, o.email)
            for d in (items[i] for i in first.values()) for o in (d.operator,)])
    else:
        landed = repository.insert_businesses(session, [
            {"uscc": d.uscc, "name": d.name, "region_code": d.region_code, "industry_code": d.industry_code,
             "established_on": d.established_on, "seasonal": d.seasonal, "address": d.address,
             "business_scope": d.business_scope, "status": "registered", "status_effective_on": d.established_on,
             "version": 1} for d in (items[i] for i in first.values())])
    for u, i in first.items():
        if u not in landed:  # registered by someone else between our read and our insert
            out.reject(i, "uscc", f"统一社会信用代码“{u}”已登记，不能重复登记", Conflict, "business_exists")
    new = [(i, items[i]) for u, i in first.items() if u in landed]
    if not staged:
        repository.insert_operators(session, [
            {"uscc": d.uscc, "name": d.operator.name, "id_number": d.operator.id_number, "phone": d.operator.phone,
             "email": d.operator.email, "from_on": d.established_on, "to_on": None} for _, d in new])
        repository.insert_status_changes(session, [
            {"uscc": d.uscc, "status": "registered", "effective_on": d.established_on} for _, d in new])
    out.changed.extend(i for i, _ in new)
    refused = {r.index: r for r in out.rejected}
    for i, original in copy_of.items():  # a repeat shares the fate of the row it repeats
        if original in refused:
            out.rejected.append(Rejection(i, refused[original].problems, refused[original].error,
                                          refused[original].code))
        else:
            out.unchanged.append(i)
    out.published = (snapshots.publish_registered(session, landed, traceparent) if staged
                     else snapshots.publish(session, landed, traceparent))
    return out


def register_business(session: Session, *, data: BusinessCreate, principal: Principal,
                      traceparent: str | None = None) -> BusinessRead:
    require_region(principal, data.region_code)
    apply_registrations(session, items=[data], principal=principal, same_is_unchanged=False,
                        traceparent=traceparent).raise_first()
    return read_business(session, repository.get_business(session, data.uscc))


# --- status ------------------------------------------------------------------------------------------
def apply_status_changes(session: Session, *, items: list[StatusRow], principal: Principal,
                         traceparent: str | None = None) -> Outcome:
    """吊销 / 注销 / 撤销 / back to registered, each with its effective date, kept as history."""
    out = Outcome()
    heads = repository.businesses(session, (d.uscc for d in items))
    history = repository.status_history_of(session, list(heads))
    timeline: dict[str, list[tuple[dt.date, int, str]]] = {
        u: [(h.effective_on, n, h.status) for n, h in enumerate(history.get(u, []))] for u in heads}
    new_rows: list[dict] = []
    for i, d in enumerate(items):
        b = heads.get(d.uscc)
        if b is None:
            out.reject(i, "uscc", _not_found(d.uscc), NotFound, "business_not_found")
            continue
        if not _check_access(out, i, principal, d.uscc, b.region_code):
            continue
        line = timeline[d.uscc]
        if any(s == d.status and on == d.effective_on for on, _, s in line):
            out.unchanged.append(i)
            continue
        if (m := rules.not_before_establishment(d.effective_on, b.established_on, "生效日期")):
            out.reject(i, "effective_on", m, RuleViolation, "before_establishment")
            continue
        on, _, current = max(line) if line else (None, 0, "registered")
        if (m := rules.status_change_allowed(current, on, d.status, d.effective_on)):
            out.reject(i, "status", m, RuleViolation, "status_unchanged")
            continue
        line.append((d.effective_on, len(line) + 10_000, d.status))
        new_rows.append({"uscc": d.uscc, "status": d.status, "effective_on": d.effective_on})
        out.changed.append(i)
    repository.insert_status_changes(session, new_rows)
    changed = {r["uscc"] for r in new_rows}
    repository.set_current_statuses(session, [
        {"k": u, "s": max(timeline[u])[2], "d": max(timeline[u])[0]} for u in changed])
    repository.bump_versions(session, changed)
    out.published = snapshots.publish(session, changed, traceparent)
    return out


def change_status(session: Session, *, uscc: str, data: StatusChangeIn, principal: Principal,
                  traceparent: str | None = None) -> BusinessRead:
    business = _business_or_404(session, uscc)
    item = StatusRow.model_construct(uscc=business.uscc, **data.model_dump())
    apply_status_changes(session, items=[item], principal=principal, traceparent=traceparent).raise_first()
    session.refresh(business)
    return read_business(session, business)


# --- annual reports ----------------------------------------------------------------------------------
def _report_fields(d) -> tuple:
    return (d.submitted_on, d.employees, None if d.revenue is None else Decimal(d.revenue),
            None if d.tax_paid is None else Decimal(d.tax_paid))


def apply_annual_reports(session: Session, *, items: list[AnnualReportRow], principal: Principal,
                         traceparent: str | None = None) -> Outcome:
    """年度报告 by year, late filings allowed; a new filing for the same year replaces the old one."""
    out = Outcome()
    heads = repository.businesses(session, (d.uscc for d in items))
    stored = {(r.uscc, r.year): r for rs in repository.annual_reports_of(session, list(heads)).values() for r in rs}
    pending: dict[tuple[str, int], int] = {}
    for i, d in enumerate(items):
        b = heads.get(d.uscc)
        if b is None:
            out.reject(i, "uscc", _not_found(d.uscc), NotFound, "business_not_found")
            continue
        if not _check_access(out, i, principal, d.uscc, b.region_code, operator_may=True):
            continue
        problems = [(f, m) for f, m in (("submitted_on", rules.annual_report_timing(d.year, d.submitted_on)),
                                        ("year", rules.annual_report_after_establishment(d.year, b.established_on)))
                    if m]
        if problems:
            out.rejected.append(Rejection(i, problems, RuleViolation, "annual_report_rule"))
            continue
        key = (d.uscc, d.year)
        if key in pending:
            if _report_fields(items[pending[key]]) == _report_fields(d):
                out.unchanged.append(i)
            else:
                out.reject(i, "year", f"{d.year}年度报告在本文件中重复出现且内容不同", Conflict, "duplicate_row")
            continue
        if key in stored and _report_fields(stored[key]) == _report_fields(d):
            out.unchanged.append(i)
            continue
        pending[key] = i
    rows = [{"uscc": items[i].uscc, "year": items[i].year, "submitted_on": items[i].submitted_on,
             "employees": items[i].employees, "revenue": items[i].revenue, "tax_paid": items[i].tax_paid}
            for i in pending.values()]
    repository.upsert_annual_reports(session, rows)
    out.changed.extend(pending.values())
    changed = {u for u, _ in pending}
    repository.bump_versions(session, changed)
    out.published = snapshots.publish(session, changed, traceparent)
    return out


def file_annual_report(session: Session, *, uscc: str, data: AnnualReportIn, principal: Principal,
                       traceparent: str | None = None) -> AnnualReportRead:
    item = AnnualReportRow.model_construct(uscc=_business_or_404(session, uscc).uscc, **data.model_dump())
    apply_annual_reports(session, items=[item], principal=principal, traceparent=traceparent).raise_first()
    r = next(r for r in repository.annual_reports_of(session, [item.uscc])[item.uscc] if r.year == item.year)
    return AnnualReportRead(year=r.year, submitted_on=r.submitted_on, employees=r.employees, revenue=r.revenue,
                            tax_paid=r.tax_paid)


# --- marks -------------------------------------------------------------------------------------------
def _mark_fields(d) -> tuple:
    return (d.end_on, None if d.amount is None else Decimal(d.amount), d.publicized_on, d.reason)


def apply_marks(session: Session, *, items: list[MarkRow], principal: Principal,
                traceparent: str | None = None) -> Outcome:
    """经营异常、严重违法失信、歇业、行政处罚、表彰, each with its period; re-filing a mark (same business,
    kind and start date) sets its end: restoration, credit repair or resumption."""
    out = Outcome()
    heads = repository.businesses(session, (d.uscc for d in items))
    ids = [rules.mark_id(d.uscc, d.kind, d.start_on, d.penalty_kind, d.level) for d in items]
    stored = repository.marks_by_id(session, ids)
    pending: dict[str, int] = {}
    for i, d in enumerate(items):
        b = heads.get(d.uscc)
        if b is None:
            out.reject(i, "uscc", _not_found(d.uscc), NotFound, "business_not_found")
            continue
        if not _check_access(out, i, principal, d.uscc, b.region_code):
            continue
        problems = rules.mark_problems(kind=d.kind, start_on=d.start_on, end_on=d.end_on,
                                       penalty_kind=d.penalty_kind, amount=d.amount, publicized_on=d.publicized_on,
                                       level=d.level)
        if (m := rules.not_before_establishment(d.start_on, b.established_on, "开始日期")):
            problems.append(("start_on", m))
        if problems:
            out.rejected.append(Rejection(i, problems, InvalidInput, "invalid_mark"))
            continue
        mid = ids[i]
        if mid in pending:
            if _mark_fields(items[pending[mid]]) == _mark_fields(d):
                out.unchanged.append(i)
            else:
                out.reject(i, "start_on", "同一标记（类型、开始日期相同）在本文件中重复出现且内容不同", Conflict,
                           "duplicate_row")
            continue
        if mid in stored and _mark_fields(stored[mid]) == _mark_fields(d):
            out.unchanged.append(i)
            continue
        pending[mid] = i
    rows = [{"id": mid, "uscc": items[i].uscc, "kind": items[i].kind, "start_on": items[i].start_on,
             "end_on": items[i].end_on, "penalty_kind": items[i].penalty_kind, "amount": items[i].amount,
             "publicized_on": items[i].publicized_on, "level": items[i].level, "reason": items[i].reason}
            for mid, i in pending.items()]
    repository.upsert_marks(session, rows)
    out.changed.extend(pending.values())
    changed = {items[i].uscc for i in pending.values()}
    repository.bump_versions(session, changed)
    out.published = snapshots.publish(session, changed, traceparent)
    return out


def record_mark(session: Session, *, uscc: str, data: MarkIn, principal: Principal,
                traceparent: str | None = None) -> MarkRead:
    item = MarkRow.model_construct(uscc=_business_or_404(session, uscc).uscc, **data.model_dump())
    apply_marks(session, items=[item], principal=principal, traceparent=traceparent).raise_first()
    mid = rules.mark_id(item.uscc, item.kind, item.start_on, item.penalty_kind, item.level)
    return _mark_read(repository.marks_by_id(session, [mid])[mid])


def _mark_read(m) -> MarkRead:
    return MarkRead(id=m.id, kind=m.kind, start_on=m.start_on, end_on=m.end_on, penalty_kind=m.penalty_kind,
                    amount=m.amount, publicized_on=m.publicized_on, level=m.level, reason=m.reason,
                    legal_max_end_on=rules.suspension_legal_end(m.start_on) if m.kind == "suspension" else None)


# --- operator change ---------------------------------------------------------------------------------
def change_operator(session: Session, *, uscc: str, data: OperatorChange, principal: Principal,
                    traceparent: str | None = None) -> BusinessRead:
    """变更经营者 from `effective_on` (the old period ends the day before); the same person's new
    contact details change the current period in place."""
    business = _business_or_404(session, uscc)
    require_region(principal, business.region_code)
    current = repository.current_operator(session, business.uscc)
    if data.effective_on < business.established_on:
        raise RuleViolation(rules.not_before_establishment(data.effective_on, business.established_on, "变更日期"),
                            code="before_establishment", field="effective_on")
    if current.id_number == data.id_number:
        if (current.name, current.phone, current.email) == (data.name, data.phone, data.email):
            raise RuleViolation("经营者信息与现有登记一致，无需变更", code="operator_unchanged", field="id_number")
        current.name, current.phone, current.email = data.name, data.phone, data.email
    else:
        if current.from_on is not None and data.effective_on <= current.from_on:
            raise RuleViolation(f"变更日期应晚于现任经营者的起始日期{current.from_on.isoformat()}",
                                code="operator_change_date", field="effective_on")
        repository.close_operator(session, current.id, data.effective_on - dt.timedelta(days=1))
        session.add(Operator(uscc=business.uscc, name=data.name, id_number=data.id_number, phone=data.phone,
                             email=data.email, from_on=data.effective_on))
    repository.bump_versions(session, [business.uscc])
    snapshots.publish(session, [business.uscc], traceparent)
    session.refresh(business)
    return read_business(session, business)


# --- reading -----------------------------------------------------------------------------------------
def _business_or_404(session: Session, uscc: str):
    business = repository.get_business(session, uscc.strip().upper())
    if business is None:
        raise NotFound(_not_found(uscc), code="business_not_found")
    return business


def read_business(session: Session, business) -> BusinessRead:
    u = business.uscc
    ops = repository.operators_of(session, [u])[u]
    op = next((o for o in reversed(ops) if o.to_on is None), ops[-1])
    return BusinessRead(
        uscc=u, name=business.name, region_code=business.region_code,
        region_name=regions.name(business.region_code), industry_code=business.industry_code,
        established_on=business.established_on, seasonal=business.seasonal, address=business.address,
        business_scope=business.business_scope, status=business.status,
        status_effective_on=business.status_effective_on,
        operator=OperatorRead(name=op.name, id_number=op.id_number, phone=op.phone, email=op.email),
        version=business.version,
        status_history=[StatusPeriodRead(status=s.status, effective_on=s.effective_on)
                        for s in repository.status_history_of(session, [u]).get(u, [])],
        operator_history=[OperatorPeriodRead(name=o.name, id_number=o.id_number, phone=o.phone, email=o.email,
                                             from_on=o.from_on, to_on=o.to_on) for o in ops],
        annual_reports=[AnnualReportRead(year=r.year, submitted_on=r.submitted_on, employees=r.employees,
                                         revenue=r.revenue, tax_paid=r.tax_paid)
                        for r in repository.annual_reports_of(session, [u]).get(u, [])],
        marks=[_mark_read(m) for m in repository.marks_of(session, [u]).get(u, [])])


def get_business(session: Session, *, uscc: str, principal: Principal) -> BusinessRead:
    """Staff of the business's region and its own operator see everything; everyone else the masked view."""
    business = _business_or_404(session, uscc)
    view = read_business(session, business)
    if readable_by(principal, uscc=business.uscc, region_code=business.region_code):
        return view
    return view.public()


# --- annual-report windows ---------------------------------------------------------------------------
def default_reference_date(typing_year: int) -> dt.date:
    """DESIGN: the typing reference date defaults to 30 June of the typing year (年报结束, 附件1 一(四)1.分型周期：
    每年7月份个体工商户年度报告结束后 … 进行一次个体工商户集中分型判定)."""
    return dt.date(typing_year, 6, 30)


def _window_read(w: AnnualReportWindow) -> WindowRead:
    return WindowRead(report_year=w.report_year, status=w.status, opened_on=w.opened_on, closed_on=w.closed_on,
                      typing_year=w.report_year + 1, reference_date=w.reference_date)


def open_window(session: Session, *, report_year: int, data: WindowOpen, principal: Principal,
                traceparent: str | None = None) -> WindowRead:
    window = repository.get_window(session, report_year)
    if window is not None:
        raise Conflict(f"{report_year}年度的年报窗口已{'开启' if window.status == 'open' else '关闭'}，不能再次开启",
                       code="window_exists", field="report_year")
    opened_on = data.opened_on or clock.today()
    if opened_on.year <= report_year:
        raise InvalidInput(f"{report_year}年度的年报应在{report_year + 1}年开始报送，开启日期不正确", field="opened_on")
    window = AnnualReportWindow(report_year=report_year, status="open", opened_on=opened_on, opened_by=principal.sub)
    session.add(window)
    session.flush()
    snapshots.outbox.emit(session, AnnualReportWindowOpened(report_year=report_year, opened_on=opened_on,
                                                            opened_by=principal.sub),
                          key=f"annual-report:{report_year}", traceparent=traceparent)
    return _window_read(window)


def close_window(session: Session, *, report_year: int, data: WindowClose, principal: Principal,
                 traceparent: str | None = None) -> WindowRead:
    """Closing the report year's window starts the typing of year report_year + 1 (annual-report-closed)."""
    window = repository.get_window(session, report_year)
    if window is not None and window.status == "closed":
        raise Conflict(f"{report_year}年度的年报窗口已于{window.closed_on}关闭", code="window_closed",
                       field="report_year")
    typing_year = report_year + 1
    closed_on = data.closed_on or clock.today()
    if window is not None and window.opened_on and closed_on < window.opened_on:
        raise InvalidInput(f"关闭日期不能早于开启日期{window.opened_on.isoformat()}", field="closed_on")
    reference_date = data.reference_date or default_reference_date(typing_year)
    if reference_date.year != typing_year:
        raise InvalidInput(f"分型基准日应在分型年度{typing_year}年内", field="reference_date")
    if window is None:  # closing a window that was never opened in this system (年报 ran elsewhere)
        window = AnnualReportWindow(report_year=report_year, opened_on=None, opened_by=None)
        session.add(window)
    window.status, window.closed_on, window.closed_by, window.reference_date = (
        "closed", closed_on, principal.sub, reference_date)
    session.flush()
    snapshots.outbox.emit(session, AnnualReportClosed(report_year=report_year, typing_year=typing_year,
                                                      closed_on=closed_on, reference_date=reference_date,
                                                      closed_by=principal.sub),
                          key=f"annual-report:{report_year}", traceparent=traceparent)
    return _window_read(window)


def get_window(session: Session, *, report_year: int) -> WindowRead:
    window = repository.get_window(session, report_year)
    if window is None:
        raise NotFound(f"{report_year}年度的年报窗口尚未开启", code="window_not_found")
    return _window_read(window)


# --- the 名录 -----------------------------------------------------------------------------------------
async def directory(pool: ReadPool, *, q: str | None, page: PageRequest, today: dt.date | None = None) -> DirectoryPage:
    """附件1 一(四)2 查询公示：以个体工商户名称或统一社会信用代码为关键词查询分型结果 — partial name match or exact
    USCC; the operator's name is masked, nothing confidential is shown. A name's matches are ranked (see
    directory_reads.directory_tiers) and keyset-paged in that order. Read on the event loop."""
    query = directory_query.read_query(q)
    if isinstance(query, str):
        raise InvalidInput(query, errors=[{"field": "q", "in": "query", "message": query}])
    on = today or clock.today()

    async def read(conn):
        if query.uscc:  # one indexed statement: the row and its labels
            found = await directory_reads.line(conn, query.uscc, on) if page.cursor is None else None
            return [found] if found is not None else [], None  # nothing after the one
        if query.name_part:
            rows, by_uscc, next_cursor = await directory_reads.name_page(
                conn, query.name_part, directory_query.character_pairs(query.name_part), page, on)
        else:
            rows, by_uscc, next_cursor = await directory_reads.all_page(conn, page, on)
        return [by_uscc[r.uscc] for r in rows if r.uscc in by_uscc], next_cursor
    lines, next_cursor = await pool.read(read)
    items = [DirectoryEntry(
        uscc=r.uscc, name=r.name, region_code=r.region_code, region_name=regions.name(r.region_code),
        status=r.status, operator_name=mask_name(r.operator_name or "") or "",
        type=TypeLabel(year=r.year, type=r.type, label=type_label(r.type)) if r.type else None,
        category=CategoryLabel(category=r.category, label=category_label(r.category),
                               valid_until=r.valid_until) if r.category else None) for r in lines]
    return DirectoryPage(items=items, next_cursor=next_cursor)
