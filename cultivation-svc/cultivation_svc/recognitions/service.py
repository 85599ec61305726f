"""Recognition (认定) and its life: quota, report upward, spot-checks, reports, confirmation, extension, revocation.

附件1 二(四)3, 二(五)2, 二(六).
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal, readable_by, require_region
from getihu_kit.domain import masking
from getihu_kit.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from getihu_kit.clock import add_years
from getihu_kit.labels import APPEAL_TARGET_LABELS, CATEGORY_LABELS
from getihu_kit.pagination import PageRequest, scalars_page
from cultivation_svc import events
from cultivation_svc.applications import repository as app_repo
from cultivation_svc.applications import service as applications
from cultivation_svc.projections import repository as proj
from cultivation_svc.recognitions import repository, spot_check_draws
from cultivation_svc.recognitions.models import InfoReport, Recognition
from cultivation_svc.recognitions.schemas import (Confirmation, DepartmentConsent, InfoReportCreate, Recognise,
                                                  Revocation, SpotCheck, SupplementaryMaterial)
from cultivation_svc.regional.service import county, rules_in
from cultivation_svc.rules import eligibility, lifecycle, limits, spot_checks
from cultivation_svc.rules.parameters import ratio_text


def quota(session: Session, *, region_code: str, year: int, on: dt.date) -> limits.Quota:
    """二(四)3: the county's limit for `year` (its published 成长型+发展型 count) and what is in force."""
    counts = proj.typing_count(session, region_code, year)
    rules = rules_in(session, region_code, on)
    base = (counts.growth + counts.development) if counts else 0
    limit = limits.quota_limit(counts.growth, counts.development, rules.quota_ratio) if counts else 0
    return limits.Quota(base_count=base, limit=limit, in_force=repository.in_force_count(session, region_code, on))


def quota_view(session: Session, *, region_code: str, year: int, principal: Principal, on: dt.date,
               base_ready: Callable[[], dict | None]) -> dict:
    """The quota as a clerk sees it, counted once the base holds what typing had committed (`base_ready`: the data
    barrier; what it waited for is in `data_barrier`)."""
    region_code = county(region_code)
    require_region(principal, region_code)
    waited = base_ready()
    q = quota(session, region_code=region_code, year=year, on=on)
    return {"region_code": region_code, "year": year, "base_count": q.base_count, "limit": q.limit,
            "in_force": q.in_force, "left": q.left, "ratio": ratio_text(rules_in(session, region_code, on).quota_ratio),
            "data_barrier": waited}


def _fail(refusals: list[eligibility.Refusal], ruleset: str) -> None:
    if refusals:
        raise RuleViolation("不能认定：" + "；".join(r.message for r in refusals), code="not_recognisable",
                            refusals=[r.as_dict() for r in refusals], ruleset=ruleset)


def recognisable(session: Session, *, app, today: dt.date, restored: bool = False):
    """Every rule a recognition must meet on `today`, run under the county's quota lock: who may be recognised
    (二(四)1, re-checked now; the penalty window still counts back from the application date), one category and one
    person (二(四)3), the 5% (二(四)3) and the calendar (二(五)1; 三(四) for a restored case)."""
    repository.lock_county_quota(session, app.region_code, app.year)
    rules = rules_in(session, app.region_code, today)
    subject, business, latest = applications.subject_for(
        session, uscc=app.uscc, on=today, source=app.source, relaxed_group=app.relaxed_group,
        relaxed_confirmed=bool(app.relaxed_confirmed) if app.relaxed_group else None, applied_on=app.applied_on,
        rules=rules)
    refusals = eligibility.check(subject, rules)
    active = repository.active_for_uscc(session, app.uscc, today)
    other = repository.active_for_person(session, app.region_code, business.operator_id_number, today, app.uscc)
    q = quota(session, region_code=app.region_code, year=app.year, on=today)
    refusals += [r for r in (
        limits.one_category_per_business(app.uscc, CATEGORY_LABELS.get(active.category) if active else None),
        limits.one_per_person_per_county(masking.mask_name(business.operator_name), other.uscc if other else None),
        limits.quota_check(q), limits.calendar_check(app.year, today, rules, restored=restored)) if r]
    return refusals, rules, business, latest, q


def recognise(session: Session, *, app_id: str, data: Recognise, principal: Principal, today: dt.date,
              base_ready: Callable[[], dict | None], traceparent: str | None = None) -> Recognition:
    """认定并标注具体分类: after the notice period with no open objection; eligibility re-checked; limits held.

    The 5 % is counted on typing's published counts as cultivation projects them: `base_ready` (the data barrier)
    first waits until that projection applied all typing had committed — before any lock is taken — and fails the
    recognition with 503 data_not_ready rather than count a stale base; the recognition keeps what it waited for."""
    waited = base_ready()
    app = app_repo.get(session, app_id, lock=True)
    if app is None:
        raise NotFound(f"申报 {app_id} 不存在")
    require_region(principal, app.region_code)
    if app.status == "on_hold":
        raise Conflict("公示期内有未办结的异议，待异议处理完毕后再认定", code="objection_open")
    if app.status != "public_notice":
        raise Conflict(f"申报当前状态为“{app.status}”，只有公示中的申报可以认定", code="invalid_state")
    if today <= app.notice_ends_on:
        raise Conflict(f"公示期至 {app.notice_ends_on.isoformat()} 结束，公示期满后方可认定", code="notice_running")
    refusals, rules, business, latest, q = recognisable(session, app=app, today=today, restored=bool(app.reopened_by))
    _fail(refusals, rules.version)
    rec = _grant(session, app=app, business=business, latest=latest, rules=rules, today=today)
    rec.data_barrier = waited
    applications.record_step(session, app, step="recognised", status="recognised", actor=principal.audit_name(),
                         detail={"recognition_id": rec.id, "note": data.note, "quota_left_before": q.left,
                                 "quota_base": q.base_count},
                         traceparent=traceparent)
    events.recognition_changed(session, rec, traceparent=traceparent)
    events.category_measures_granted(session, rec, traceparent=traceparent)
    return rec


def _grant(session: Session, *, app, business, latest, rules, today: dt.date, restored_from: str | None = None) -> Recognition:
    rec = Recognition(
        id=f"rec_{uuid.uuid4().hex[:20]}", application_id=app.id, uscc=app.uscc, region_code=app.region_code,
        operator_id_number=business.operator_id_number, category=app.category, source=app.source,
        department=app.department,
        # 二(四)1: only a claim staff confirmed at review is the recognition's relaxed source.
        relaxed_group=app.relaxed_group if app.relaxed_confirmed else None,
        type_at_recognition=latest.type if latest else None, year=app.year,
        recognised_on=today, recognised_at=clock.now(), valid_until=lifecycle.valid_until(today, rules.validity_years),
        benefits_from=lifecycle.benefits_from(app.year, rules), status="granted", criteria_id=app.criteria_id,
        ruleset=rules.version, extensions=[], changed_at=clock.now(), restored_from=restored_from)
    session.add(rec)
    session.flush()
    return rec


def _get(session: Session, rec_id: str, *, lock: bool = True) -> Recognition:
    rec = repository.get(session, rec_id, lock=lock)
    if rec is None:
        raise NotFound(f"认定记录 {rec_id} 不存在")
    return rec


def get(session: Session, *, rec_id: str, principal: Principal) -> Recognition:
    rec = _get(session, rec_id, lock=False)
    if not (readable_by(principal, uscc=rec.uscc, region_code=rec.region_code)
            or applications.recommended_by(principal, rec.department)):
        raise NotFound(f"认定记录 {rec_id} 不存在或无权查看")
    return rec


def _end(session: Session, rec: Recognition, *, status: str, on: dt.date, reason: str, traceparent: str | None) -> None:
    rec.status, rec.ended_on, rec.end_reason, rec.changed_at = status, on, reason, clock.now()
    session.flush()
    events.recognition_changed(session, rec, reason=reason, traceparent=traceparent)


def report_upward(session: Session, *, rec_id: str, principal: Principal, traceparent: str | None = None) -> Recognition:
    """报上级市场监管部门."""
    rec = _get(session, rec_id)
    require_region(principal, rec.region_code)
    if rec.reported_at is None:
        rec.reported_at = clock.now()
    return rec


def spot_check(session: Session, *, rec_id: str, data: SpotCheck, principal: Principal, today: dt.date,
               traceparent: str | None = None) -> Recognition:
    """二(五)2：上级市场监管部门可以通过抽查方式进行监督，对认为不符合认定条件的个体工商户，可以要求限期补充材料
    或者不予认定。"""
    if not principal.has("prefecture_staff", "admin"):
        raise Forbidden("抽查由地区市场监管局办理")
    rec = _get(session, rec_id)
    if rec.status not in repository.ACTIVE:
        raise Conflict(f"认定当前状态为“{rec.status}”，不能抽查", code="invalid_state")
    app = app_repo.get(session, rec.application_id, lock=True)
    if data.action == "request_material":
        if data.due_on <= today:
            raise InvalidInput("补充材料期限应晚于今天", field="due_on")
        rec.spot_check, rec.spot_check_due_on, rec.spot_check_note = "material_requested", data.due_on, data.note
        applications.record_step(session, app, step="spot_check", status="material_requested",
                             actor=principal.audit_name(), detail={"due_on": data.due_on.isoformat(), "note": data.note},
                             reason=data.note, due_on=data.due_on, traceparent=traceparent)
    elif data.action == "accept":
        rec.spot_check, rec.spot_check_note = "passed", data.note
        if app.status == "material_requested":
            applications.record_step(session, app, step="spot_check", status="recognised", actor=principal.audit_name(),
                                 detail={"note": data.note}, traceparent=traceparent)
    else:
        rec.spot_check, rec.spot_check_note = "refused", data.note
        applications.record_step(session, app, step="spot_check", status="refused", actor=principal.audit_name(),
                             detail={"note": data.note}, reason=f"地局抽查不予认定：{data.note}", traceparent=traceparent)
        _end(session, rec, status="cancelled", on=today, reason=f"spot_check_refused: {data.note}",
             traceparent=traceparent)
    rec.changed_at = clock.now()
    spot_check_draws.record_outcome(session, rec, by=principal.audit_name())
    return rec


def supplement(session: Session, *, rec_id: str, data: SupplementaryMaterial, principal: Principal, today: dt.date,
               traceparent: str | None = None) -> Recognition:
    rec = _get(session, rec_id)
    if not principal.owns(rec.uscc):
        raise Forbidden("只有经营者本人可以补充材料")
    if rec.spot_check != "material_requested":
        raise Conflict("地局未要求补充材料", code="invalid_state")
    if rec.spot_check_due_on and today > rec.spot_check_due_on:
        raise RuleViolation(f"补充材料期限 {rec.spot_check_due_on.isoformat()} 已过", code="deadline_passed")
    app = app_repo.get(session, rec.application_id, lock=True)
    app.materials = list(app.materials or []) + data.materials
    rec.spot_check = "material_submitted"
    spot_check_draws.record_outcome(session, rec, by=principal.audit_name())
    applications.record_step(session, app, step="material_submitted", status="material_requested",
                         actor=principal.audit_name(), detail={"count": len(data.materials), "note": data.note},
                         traceparent=traceparent)
    return rec


def info_report(session: Session, *, rec_id: str, data: InfoReportCreate, principal: Principal, today: dt.date) -> InfoReport:
    """二(六)：于每年7月底前完成信息报告。个体工商户变更经营者的，要在变更后及时报告。"""
    rec = _get(session, rec_id)
    if not principal.owns(rec.uscc):
        raise Forbidden("信息报告由经营者本人通过培育平台提交")
    if rec.status not in repository.ACTIVE:
        raise Conflict(f"认定当前状态为“{rec.status}”，无需报告", code="invalid_state")
    rules = rules_in(session, rec.region_code, today)
    if data.kind == "yearly" and repository.has_yearly_report(session, rec.id, data.year):
        raise Conflict(f"{data.year} 年度信息报告已提交", code="duplicate_report")
    late = data.kind == "yearly" and today > lifecycle.info_report_due(data.year, rules)
    r = InfoReport(recognition_id=rec.id, year=data.year, kind=data.kind,
                   content=data.model_dump(mode="json", exclude={"year", "kind"}), submitted_on=today, late=late,
                   submitted_by=principal.audit_name())
    session.add(r)
    if data.kind == "operator_change":
        if rec.operator_change_pending:  # the due report is in: no reminder any more
            events.info_reports_due(session, [{"id": rec.id, "uscc": rec.uscc, "region_code": rec.region_code,
                                               "due_on": rec.operator_change_due_on}], status="filed")
        rec.operator_change_pending, rec.operator_change_due_on = False, None
        business = proj.business(session, rec.uscc)
        if business is not None:
            rec.operator_id_number = business.operator_id_number
    session.flush()
    return r


def confirm(session: Session, *, data: Confirmation, principal: Principal, today: dt.date,
            traceparent: str | None = None) -> dict:
    """二(六)：认定部门应当审核信息报告，并对是否继续符合分型和分类基础标准进行确认。对已不符合标准的，取消认定.

    One county at a time; the recognitions of a county are few (≤5% of its 成长型+发展型), the facts are read
    for all of them at once."""
    region = county(data.region_code)
    require_region(principal, region)
    rules = rules_in(session, region, today)
    recs = repository.active_in_region(session, region, today)
    businesses = proj.businesses(session, [r.uscc for r in recs])
    types = proj.latest_types(session, [r.uscc for r in recs])
    debtors = proj.debtor_listings_many(session, [b.operator_id_number for b in businesses.values()])
    due = lifecycle.info_report_due(data.year, rules)
    kept, cancelled, expired, missing_reports = [], [], [], []
    for rec in recs:
        if rec.valid_until < today:
            _end(session, rec, status="expired", on=rec.valid_until + dt.timedelta(days=1), reason="有效期届满",
                 traceparent=traceparent)
            expired.append(rec.id)
            continue
        b = businesses.get(rec.uscc)
        t = types.get(rec.uscc)
        subject = eligibility.Subject(
            uscc=rec.uscc, on=today, source=rec.source, relaxed_group=rec.relaxed_group,
            relaxed_confirmed=True if rec.relaxed_group else None, relaxed_groups=rules.relaxed_group_labels(),
            business_status=b.status if b else "registered", latest_type=t.type if t else None,
            latest_type_year=t.year if t else None, marks=tuple((b.state.get("marks") or ()) if b else ()),
            operator_id_number=b.operator_id_number if b else None,
            debtor_listings=tuple(debtors.get(b.operator_id_number, ()) if b else ()))
        # 二(六) 是否继续符合分型和分类基础标准: registered, not 不符合分型条件, the type or its relaxation, the bars.
        refusals = eligibility.check(subject, rules)
        if refusals:
            _end(session, rec, status="cancelled", on=today, reason="；".join(r.message for r in refusals),
                 traceparent=traceparent)
            cancelled.append({"recognition_id": rec.id, "uscc": rec.uscc, "refusals": [r.as_dict() for r in refusals]})
            continue
        if today > due and not repository.has_yearly_report(session, rec.id, data.year):
            missing_reports.append(rec.id)
        kept.append(rec.id)
    return {"region_code": region, "year": data.year, "ruleset": rules.version, "confirmed": kept,
            "cancelled": cancelled, "expired": expired, "missing_reports": missing_reports}


def department_consent(session: Session, *, rec_id: str, data: DepartmentConsent, principal: Principal) -> Recognition:
    """二(六) D: the recommending department agrees to an extension."""
    rec = _get(session, rec_id)
    if rec.source != "recommendation" or not principal.has("department") or principal.department != rec.department:
        raise Forbidden("只有原推荐部门可以就推荐认定的延期表示意见")
    rec.department_consented = data.agree
    rec.changed_at = clock.now()
    return rec


def evaluate(session: Session, *, rec_id: str, principal: Principal, today: dt.date,
             traceparent: str | None = None) -> dict:
    """二(六)：在分类有效期的最后一年……进行评估。符合以下情形之一的，有效期延长3年（A–D）。"""
    rec = _get(session, rec_id)
    require_region(principal, rec.region_code)
    if rec.status not in repository.ACTIVE:
        raise Conflict(f"认定当前状态为“{rec.status}”，不能评估", code="invalid_state")
    if not lifecycle.in_last_year(rec.valid_until, today):
        raise RuleViolation(f"有效期至 {rec.valid_until.isoformat()}，评估在有效期的最后一年进行", code="not_last_year")
    rules = rules_in(session, rec.region_code, today)
    business = proj.business(session, rec.uscc)
    latest = proj.latest_type(session, rec.uscc)
    # Judged on the term being evaluated: an extended recognition on its latest 3 years, against the type it had
    # when that term began (C), with the department's consent given for that term (D).
    term_start = add_years(rec.valid_until + dt.timedelta(days=1), -rules.validity_years) \
        if rec.extensions else rec.recognised_on
    if rec.extensions:
        at_start = proj.type_as_of(session, rec.uscc, dt.datetime.combine(term_start, dt.time.max, dt.timezone.utc))
        type_at_start = at_start.type if at_start else rec.type_at_recognition
    else:
        type_at_start = rec.type_at_recognition
    # 二(六) A from the agencies' data and the info reports as well as the annual reports (四(四)).
    reports = lifecycle.indicators_by_year(
        annual_reports=(business.state.get("annual_reports") or []) if business else [],
        info_reports=[{"year": r.year, **(r.content or {})} for r in repository.reports(session, rec.id)
                      if r.kind == "yearly" and r.reviewed != "correction_requested"],
        facts={y: {"tax_paid": f.tax_paid, "insured_employees": f.insured_employees}
               for y, f in proj.facts_by_year(session, rec.uscc).items()})
    grounds = lifecycle.extension_grounds(
        reports=reports, marks=(business.state.get("marks") or []) if business else [], recognised_on=term_start,
        on=today, type_at_recognition=type_at_start, latest_type=latest.type if latest else None, source=rec.source,
        department_consented=rec.department_consented, rules=rules)
    result = {"recognition_id": rec.id, "grounds": grounds, "extended": bool(grounds), "ruleset": rules.version,
              "term_start": term_start, "type_at_term_start": type_at_start}
    if grounds:
        rec.valid_until = add_years(rec.valid_until, rules.extension_years)
        rec.status = "extended"
        rec.department_consented = False  # D is given for a term: the next evaluation asks the department again
        rec.extensions = list(rec.extensions or []) + [{"on": today.isoformat(), "grounds": grounds,
                                                        "valid_until": rec.valid_until.isoformat()}]
        rec.changed_at = clock.now()
        session.flush()
        events.recognition_changed(session, rec, reason="评估符合延期情形：" + "、".join(g["condition"] for g in grounds),
                                   traceparent=traceparent)
    result["valid_until"] = rec.valid_until
    return result


def revoke(session: Session, *, rec_id: str, data: Revocation, principal: Principal, today: dt.date,
           traceparent: str | None = None) -> Recognition:
    """二(六)：市场监管部门发现已认定的“名特优新”个体工商户，在自主申报过程中以欺诈、贿赂等手段隐瞒真实情况、弄虚作假
    取得认定的，应当撤销认定。个体工商户自被撤销认定之日起5年内不得再次申报 — a self-applied recognition, in force or
    already ended (cancelled, expired): the fraud is found later; the 5-year bar starts on the day of the revocation."""
    rec = _get(session, rec_id)
    require_region(principal, rec.region_code)
    if rec.source != "self":
        raise RuleViolation("撤销认定适用于自主申报取得的认定（二(六)：在自主申报过程中以欺诈、贿赂等手段……取得认定的）；"
                            "推荐认定的由推荐部门核查处理", code="revocation_self_only")
    if rec.status == "revoked":
        raise Conflict(f"该认定已于 {rec.revoked_on.isoformat() if rec.revoked_on else rec.ended_on} 撤销", code="invalid_state")
    reason = f"fraud: {data.reason}"
    rec.revoked_on, rec.revoked_from = today, rec.status
    if rec.status in repository.ACTIVE:
        _end(session, rec, status="revoked", on=today, reason=reason, traceparent=traceparent)
    else:  # ended before: it keeps the day it ended; the revocation and its bar are recorded on top
        rec.status, rec.end_reason, rec.changed_at = "revoked", reason, clock.now()
        session.flush()
        events.recognition_changed(session, rec, reason=reason, traceparent=traceparent)
    return rec


def read(session: Session, rec: Recognition) -> dict:
    return _fields(rec, proj.business(session, rec.uscc))


def of_parties(session: Session, *, principal: Principal, page: PageRequest) -> tuple[list[dict], str | None]:
    """The caller's own recognitions: an operator's businesses', a department's recommended ones (二(六) D: it
    gives its consent to their extension; the operator files their info reports)."""
    usccs = sorted(principal.usccs) if principal.has("operator") else []
    department = principal.department if principal.has("department") else None
    rows, nxt = scalars_page(session, repository.of_parties(usccs=usccs, department=department),
                             keys=[Recognition.id], page=page)
    names = proj.businesses(session, [r.uscc for r in rows])
    return [_fields(r, names.get(r.uscc)) for r in rows], nxt


def _fields(rec: Recognition, b) -> dict:
    out = {c: getattr(rec, c) for c in (
        "id", "application_id", "uscc", "region_code", "category", "source", "department", "relaxed_group",
        "type_at_recognition",
        "year", "recognised_on", "valid_until", "benefits_from", "status", "ruleset", "reported_at", "spot_check",
        "spot_check_due_on", "department_consented", "operator_change_pending", "operator_change_due_on", "extensions", "ended_on",
        "end_reason", "revoked_on", "restored_from", "conflict_with", "conflict_reason", "data_barrier")}
    out["name"] = b.name if b else None
    out["category_label"] = CATEGORY_LABELS[rec.category]
    return out


def public_list(session: Session, *, region_code: str | None, category: str | None, on: dt.date,
                page: PageRequest) -> tuple[list[dict], str | None]:
    """The recognised businesses per county and category (public: the operator's name masked)."""
    region = county(region_code) if region_code else None
    rows, nxt = scalars_page(session, repository.public(region_code=region, category=category, on=on),
                             keys=[Recognition.id], page=page)
    names = proj.businesses(session, [r.uscc for r in rows])
    return [{"uscc": r.uscc, "name": names[r.uscc].name if r.uscc in names else None,
             "operator_name": masking.mask_name(names[r.uscc].operator_name) if r.uscc in names else None,
             "region_code": r.region_code, "category": r.category, "category_label": CATEGORY_LABELS[r.category],
             "recognised_on": r.recognised_on, "valid_until": r.valid_until} for r in rows], nxt


def expire_lapsed(session: Session, *, today: dt.date, limit: int = 1000) -> int:
    """二(六) 有效期3年: a recognition neither extended nor ended otherwise expires the day after its last valid day,
    and the 名录 label and the notifications follow from the event."""
    recs = repository.lapsed(session, today, limit)
    for rec in recs:
        _end(session, rec, status="expired", on=rec.valid_until + dt.timedelta(days=1), reason="有效期届满",
             traceparent=None)
    return len(recs)


def cancel_for_conflict(session: Session, *, rec_id: str, principal: Principal, today: dt.date,
                        traceparent: str | None = None) -> Recognition:
    """二(四)3 一人一户, from the county's worklist: the later of two recognitions of one person is cancelled, with the
    reason recorded when the operator change showed the conflict."""
    rec = _get(session, rec_id)
    require_region(principal, rec.region_code)
    if rec.status not in repository.ACTIVE or not rec.conflict_with:
        raise Conflict("该认定没有待处理的“同一自然人多户获认定”情形，不能按此取消", code="invalid_state")
    earlier = repository.get(session, rec.conflict_with)
    if earlier is None or earlier.status not in repository.ACTIVE:
        rec.conflict_with = rec.conflict_reason = None  # the earlier one ended meanwhile: nothing to cancel
        rec.changed_at = clock.now()
        session.flush()
        raise Conflict("先获认定的另一户已不在认定状态，本认定不再冲突，无需取消", code="invalid_state")
    app = app_repo.get(session, rec.application_id, lock=True)
    _end(session, rec, status="cancelled", on=today, reason=rec.conflict_reason, traceparent=traceparent)
    applications.record_step(session, app, step="cancelled", status="refused", actor=principal.audit_name(),
                             detail={"recognition_id": rec.id, "conflict_with": earlier.id},
                             reason=rec.conflict_reason, traceparent=traceparent)
    return rec


def review_info_report(session: Session, *, rec_id: str, report_id: int, data, principal: Principal) -> InfoReport:
    """二(六)：认定部门应当审核信息报告 — accept it, or ask for a correction (the operator then files it again)."""
    rec = _get(session, rec_id, lock=False)
    require_region(principal, rec.region_code)
    r = repository.report(session, rec_id, report_id)
    if r is None:
        raise NotFound(f"认定 {rec_id} 下没有编号为 {report_id} 的信息报告")
    if r.reviewed is not None:
        raise Conflict(f"该信息报告已审核（{r.reviewed}）", code="invalid_state")
    if data.decision == "correction_requested" and not (data.note or "").strip():
        raise InvalidInput("要求更正时须写明需更正的内容", field="note")
    r.reviewed, r.review_note, r.reviewed_by = data.decision, data.note, principal.audit_name()
    session.flush()
    return r


def worklist(session: Session, *, region_code: str, principal: Principal, today: dt.date) -> dict:
    """What a county's staff have to do now: one-person conflicts to cancel, operator changes without their report,
    evaluations due (the last year of a term), info reports to review, spot-check material requests running,
    objections awaiting their reply."""
    region = county(region_code)
    require_region(principal, region)
    recs = repository.worklist(session, region)
    objections = proj.objections_due(session, region)
    names = proj.businesses(session, {r.uscc for r in recs} | {o.uscc for o in objections if o.uscc})

    def item(r: Recognition, **extra) -> dict:
        b = names.get(r.uscc)
        return {"recognition_id": r.id, "uscc": r.uscc, "name": b.name if b else None, "category": r.category,
                "valid_until": r.valid_until, **extra}
    reports = repository.reports_to_review(session, [r.id for r in recs])
    by_id = {r.id: r for r in recs}
    return {
        "region_code": region, "on": today,
        "one_person_conflicts": [item(r, conflict_with=r.conflict_with, reason=r.conflict_reason)
                                 for r in recs if r.conflict_with],
        "operator_changes_pending": [item(r, due_on=r.operator_change_due_on,
                                          overdue=bool(r.operator_change_due_on and r.operator_change_due_on < today))
                                     for r in recs if r.operator_change_pending],
        "evaluations_due": [item(r) for r in recs if lifecycle.in_last_year(r.valid_until, today)],
        "info_reports_to_review": [item(by_id[x.recognition_id], report_id=x.id, year=x.year, kind=x.kind,
                                        submitted_on=x.submitted_on, late=x.late) for x in reports],
        "material_requests": [item(r, due_on=r.spot_check_due_on, overdue=bool(r.spot_check_due_on
                                                                               and r.spot_check_due_on < today))
                              for r in recs if r.spot_check in ("material_requested", "material_submitted")],
        # 四(四) 及时受理异议: the open objections to this county's cases (notice and results), from cultivation's
        # projection of appeal-svc's events — the reply due first on top; appeal-svc itself answers them.
        "objections_due": [{"appeal_id": o.appeal_id, "target_kind": o.target_kind,
                            "target_label": APPEAL_TARGET_LABELS.get(o.target_kind, o.target_kind),
                            "target_id": o.target_id,
                            "application_id": o.application_id, "uscc": o.uscc,
                            "name": names[o.uscc].name if o.uscc in names else None,
                            "filed_at": o.filed_at, "due_on": o.due_on,
                            "overdue": bool(o.due_on and o.due_on < today)} for o in objections],
    }


def lapse_material_requests(session: Session, *, today: dt.date, limit: int = 500) -> int:
    """二(五)2 限期补充材料: a request whose period ran out with nothing supplied has its outcome (the dated parameter
    lapsed_material_outcome: 不予认定), which the operator may object to like any spot-check refusal."""
    recs = repository.material_overdue(session, today, limit)
    # Their applications locked before the first change takes the feed's turn (kit.feeds): that lock is the last
    # this transaction waits for.
    apps = {r.id: app_repo.get(session, r.application_id, lock=True) for r in recs}
    for rec in recs:
        if not spot_checks.material_lapsed(rec.spot_check, rec.spot_check_due_on, today):
            continue
        rules = rules_in(session, rec.region_code, today)
        if rules.lapsed_material_outcome != "refuse":
            continue
        note = f"逾期未补充材料（期限 {rec.spot_check_due_on.isoformat()}）"
        app = apps[rec.id]
        rec.spot_check, rec.spot_check_note = "refused", note
        spot_check_draws.record_outcome(session, rec, by="platform")
        applications.record_step(session, app, step="spot_check", status="refused", actor="platform",
                                 detail={"lapsed": True, "due_on": rec.spot_check_due_on.isoformat()},
                                 reason=f"地局抽查不予认定：{note}")
        _end(session, rec, status="cancelled", on=today, reason=f"spot_check_refused: {note}", traceparent=None)
    return len(recs)
