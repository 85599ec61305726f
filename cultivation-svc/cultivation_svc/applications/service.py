"""Use cases of applications (自主申报) and recommendations (部门推荐), up to the public notice.

附件1 二(三)、二(五)2：自主申报……县级市场监管部门通过培育平台进行审核，并对拟认定的个体工商户进行走访核实……
部门推荐……需要事先征得经营者本人同意。Steps: county review → site visit (走访核实) → opinion solicitation
(征求意见) → public notice (信息公示, objections go to appeal-svc and hold the case) → recognition.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.clock import add_years
from getihu_kit.auth import Principal, readable_by, require_region, scoped_region
from getihu_kit.domain import masking
from getihu_kit.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from getihu_kit.labels import CATEGORY_LABELS
from getihu_kit.pagination import PageRequest, scalars_page
from cultivation_svc import events
from cultivation_svc.applications import repository
from cultivation_svc.applications.models import Application, ApplicationStep
from cultivation_svc.applications.schemas import ApplicationCreate, Consent, Opinions, RecommendationCreate, Review, SiteVisit
from cultivation_svc.criteria import repository as criteria_repo
from cultivation_svc.projections import repository as proj
from cultivation_svc.recognitions import repository as rec_repo
from cultivation_svc.regional.service import rules_in
from cultivation_svc.rules import eligibility, limits, scoring
from cultivation_svc.windows import repository as windows_repo


def subject_for(session: Session, *, uscc: str, on: dt.date, source: str, relaxed_group: str | None,
                applied_on: dt.date | None = None, relaxed_confirmed: bool | None = None, rules=None):
    """The facts the eligibility rules read, from this service's projections (`on`: the day of the check;
    `applied_on`: the application's date, which the penalty window counts back from)."""
    business = proj.business(session, uscc)
    if business is None:
        raise NotFound(f"未找到个体工商户 {uscc} 的登记信息（登记信息同步后再试）", field="uscc")
    rules = rules or rules_in(session, business.region_code, on)
    latest = proj.latest_type(session, uscc)
    subject = eligibility.Subject(
        uscc=uscc, on=on, source=source, relaxed_group=relaxed_group, relaxed_confirmed=relaxed_confirmed,
        relaxed_groups=rules.relaxed_group_labels(), applied_on=applied_on, business_status=business.status,
        latest_type=latest.type if latest else None, latest_type_year=latest.year if latest else None,
        marks=tuple(business.state.get("marks") or ()), operator_id_number=business.operator_id_number,
        debtor_listings=tuple(proj.debtor_listings(session, business.operator_id_number)),
        revocations_for_fraud=tuple(r.revoked_on for r in rec_repo.fraud_revocations(session, uscc)))
    return subject, business, latest


def refuse_if_ineligible(refusals: list[eligibility.Refusal], ruleset: str) -> None:
    if refusals:
        raise RuleViolation("不符合“名特优新”申报（推荐）条件：" + "；".join(r.message for r in refusals),
                            code="not_eligible", refusals=[r.as_dict() for r in refusals], ruleset=ruleset)


def record_step(session: Session, app: Application, *, step: str, status: str, actor: str, detail: dict | None = None,
            reason: str | None = None, due_on: dt.date | None = None, traceparent: str | None = None) -> None:
    app.status = status
    if reason is not None:
        app.reason = reason
    app.updated_at = clock.now()
    session.add(ApplicationStep(application_id=app.id, step=step, status_after=status, actor=actor,
                                detail=detail or {}, at=app.updated_at))
    session.flush()
    events.application_changed(session, app, reason=reason, due_on=due_on, traceparent=traceparent,
                               ruleset=rules_in(session, app.region_code, app.applied_on).version)


def _open_window(session: Session, region_code: str, today: dt.date):
    w = windows_repo.open_on(session, region_code, today)
    if w is None:
        raise RuleViolation("本县“名特优新”申报窗口未开放（每年分型结果公布后开放，至截止日期关闭）", code="window_closed")
    return w


def check_relaxed_claim(rules, relaxed_group: str | None, relaxed_basis: str | None) -> None:
    """二(四)1 放宽分类来源 is no free self-declaration: the group must be one in force in the county (the seed's or
    a county's dated addition) and the claim names what shows it, for the reviewing staff to confirm."""
    if relaxed_group is None:
        if relaxed_basis:
            raise InvalidInput("未选择放宽来源的群体（relaxed_group），不应填写其依据", field="relaxed_basis")
        return
    groups = rules.relaxed_group_labels()
    if relaxed_group not in groups:
        raise InvalidInput(f"“{relaxed_group}”不是本县放宽分类来源的群体；可选：" +
                           "、".join(f"{k}（{v}）" for k, v in groups.items()), field="relaxed_group")
    if not (relaxed_basis or "").strip():
        raise InvalidInput(f"称属“{groups[relaxed_group]}”的，应写明依据（证件名称及编号或证明出具单位），供县级审核确认",
                           field="relaxed_basis")


def _start(session: Session, *, uscc: str, category: str, source: str, relaxed_group: str | None, today: dt.date,
           materials: list, indicator_values: dict, relaxed_basis: str | None = None) -> tuple[Application, object]:
    business = proj.business(session, uscc)
    if business is None:
        raise NotFound(f"未找到个体工商户 {uscc} 的登记信息（登记信息同步后再试）", field="uscc")
    rules = rules_in(session, business.region_code, today)
    check_relaxed_claim(rules, relaxed_group, relaxed_basis)
    subject, business, latest = subject_for(session, uscc=uscc, on=today, source=source, relaxed_group=relaxed_group,
                                            rules=rules)
    window = _open_window(session, business.region_code, today)
    refuse_if_ineligible(eligibility.check(subject, rules), rules.version)
    active = rec_repo.active_for_uscc(session, uscc, today)
    refusal = limits.one_category_per_business(uscc, CATEGORY_LABELS.get(active.category) if active else None)
    if refusal:
        raise RuleViolation(refusal.message, code="one_category", refusals=[refusal.as_dict()])
    if repository.open_for(session, uscc, window.year):
        raise Conflict(f"该户 {window.year} 年度已有办理中的申报（推荐），不能重复提交", code="duplicate_application")
    criteria = criteria_repo.published(session, business.region_code, window.year, category)
    if criteria is None:
        raise RuleViolation(f"本县尚未公示 {window.year} 年度“{CATEGORY_LABELS[category]}”类分类标准，暂不能申报",
                            code="criteria_not_published", field="category")
    # 四(四)：能够通过政府部门之间信息共享获得的……不得要求个体工商户另行提供
    again = scoring.asked_again(criteria.indicators, indicator_values)
    if again:
        raise InvalidInput("以下指标由部门共享数据提供，无需填写：" + "、".join(again), field="indicator_values",
                           indicators=again)
    now = clock.now()
    app = Application(
        id=f"app_{uuid.uuid4().hex[:20]}", uscc=uscc, region_code=business.region_code, year=window.year,
        category=category, source=source, relaxed_group=relaxed_group, relaxed_basis=relaxed_basis, status="new",
        materials=materials,
        indicator_values={k: str(v) for k, v in indicator_values.items()}, criteria_id=criteria.id,
        type_at_application=latest.type if latest else None, applied_on=today, created_by="", created_at=now,
        updated_at=now)
    total, detail = scoring.score(criteria.indicators, indicator_values, proj.certificates(session, uscc), today,
                                  shared=proj.shared_figures(session, uscc))
    app.score, app.score_detail = total, detail
    return app, business


def submit(session: Session, *, data: ApplicationCreate, principal: Principal, today: dt.date,
           traceparent: str | None = None) -> Application:
    """自主申报 by the operator, checked against every bar on the day of application."""
    if not principal.owns(data.uscc):
        raise Forbidden("只有该个体工商户的经营者可以自主申报")
    app, _ = _start(session, uscc=data.uscc, category=data.category, source="self", relaxed_group=data.relaxed_group,
                    relaxed_basis=data.relaxed_basis, today=today, materials=[m.model_dump() for m in data.materials],
                    indicator_values=data.indicator_values)
    app.created_by = principal.audit_name()
    session.add(app)
    session.flush()
    record_step(session, app, step="submitted", status="submitted", actor=principal.audit_name(),
            detail={"score": str(app.score)}, traceparent=traceparent)
    return app


def recommend(session: Session, *, data: RecommendationCreate, principal: Principal, today: dt.date,
              traceparent: str | None = None) -> Application:
    """部门推荐: waits for the operator's consent (拟推荐的，需要事先征得经营者本人同意)."""
    if not principal.department:
        raise Forbidden("推荐部门的令牌缺少 department（部门名称）声明")
    app, _ = _start(session, uscc=data.uscc, category=data.category, source="recommendation", relaxed_group=None,
                    today=today, materials=[m.model_dump() for m in data.materials],
                    indicator_values=data.indicator_values)
    app.department, app.recommendation_reason, app.created_by = principal.department, data.reason, principal.audit_name()
    session.add(app)
    session.flush()
    record_step(session, app, step="recommended", status="awaiting_consent", actor=principal.audit_name(),
            detail={"department": principal.department, "reason": data.reason}, traceparent=traceparent)
    return app


def recommended_by(principal: Principal, department: str | None) -> bool:
    """The recommending department (部门推荐) follows the cases it recommended."""
    return principal.has("department") and department is not None and principal.department == department


def get_for(session: Session, app_id: str, principal: Principal, *, lock: bool = False) -> Application:
    app = repository.get(session, app_id, lock=lock)
    if app is None or not (readable_by(principal, uscc=app.uscc, region_code=app.region_code)
                           or recommended_by(principal, app.department)):
        raise NotFound(f"申报 {app_id} 不存在或无权查看")
    return app


def _expect(app: Application, *statuses: str, action: str) -> None:
    if app.status not in statuses:
        raise Conflict(f"申报当前状态为“{app.status}”，不能{action}", code="invalid_state", status_now=app.status)


def consent(session: Session, *, app_id: str, data: Consent, principal: Principal, today: dt.date,
            traceparent: str | None = None) -> Application:
    app = get_for(session, app_id, principal, lock=True)
    if not principal.owns(app.uscc):
        raise Forbidden("只有被推荐个体工商户的经营者本人可以表示同意或不同意")
    _expect(app, "awaiting_consent", action="确认推荐")
    if data.agree:
        record_step(session, app, step="consent", status="submitted", actor=principal.audit_name(),
                detail={"agree": True, "on": today.isoformat()}, traceparent=traceparent)
    else:
        record_step(session, app, step="consent", status="withdrawn", actor=principal.audit_name(),
                detail={"agree": False}, reason="经营者不同意被推荐", traceparent=traceparent)
    return app


def _staff(session: Session, app_id: str, principal: Principal) -> Application:
    app = repository.get(session, app_id, lock=True)
    if app is None:
        raise NotFound(f"申报 {app_id} 不存在")
    require_region(principal, app.region_code)
    return app


def review(session: Session, *, app_id: str, data: Review, principal: Principal, today: dt.date,
           traceparent: str | None = None) -> Application:
    """县级审核: the application is scored against the county's published standard."""
    app = _staff(session, app_id, principal)
    _expect(app, "submitted", action="审核")
    if data.relaxed_group_confirmed is not None and not app.relaxed_group:
        raise InvalidInput("该申报未称属放宽来源的群体，无需确认", field="relaxed_group_confirmed")
    if app.relaxed_group and data.approve and data.relaxed_group_confirmed is None:
        raise InvalidInput("申报称属放宽来源的群体，审核通过前应确认其依据是否属实（relaxed_group_confirmed）",
                           field="relaxed_group_confirmed")
    if data.relaxed_group_confirmed is not None:
        app.relaxed_confirmed = data.relaxed_group_confirmed
        # 二(四)1: a rejected claim leaves the type requirement to decide on its own.
        subject, _, _ = subject_for(session, uscc=app.uscc, on=today, source=app.source, relaxed_group=app.relaxed_group,
                                    relaxed_confirmed=app.relaxed_confirmed, applied_on=app.applied_on)
        refusal = eligibility.type_requirement(subject)
        if refusal is not None:
            record_step(session, app, step="review", status="refused", actor=principal.audit_name(),
                        detail={"note": data.note, "relaxed_group_confirmed": False, "refusals": [refusal.as_dict()]},
                        reason=refusal.message, traceparent=traceparent)
            return app
    if not data.approve:
        record_step(session, app, step="review", status="refused", actor=principal.audit_name(),
                detail={"note": data.note}, reason=data.note or "县级审核未通过", traceparent=traceparent)
        return app
    criteria = criteria_repo.get(session, app.criteria_id) if app.criteria_id else None
    if criteria is not None and app.score is not None and app.score < criteria.pass_score:
        raise RuleViolation(f"申报得分 {app.score} 低于本县分类标准的认定分数 {criteria.pass_score}，不能审核通过",
                            code="below_pass_score", score=str(app.score), pass_score=str(criteria.pass_score))
    record_step(session, app, step="review", status="site_visit", actor=principal.audit_name(),
            detail={"note": data.note, "score": str(app.score), "relaxed_group_confirmed": app.relaxed_confirmed},
            traceparent=traceparent)
    return app


def site_visit(session: Session, *, app_id: str, data: SiteVisit, principal: Principal, today: dt.date,
               traceparent: str | None = None) -> Application:
    """走访核实."""
    app = _staff(session, app_id, principal)
    _expect(app, "site_visit", action="登记走访核实")
    if data.visited_on > today or data.visited_on < app.applied_on:
        raise InvalidInput("走访日期应在申报日期与今天之间", field="visited_on")
    detail = {"verified": data.verified, "visited_on": data.visited_on.isoformat(), "note": data.note}
    if data.verified:
        record_step(session, app, step="site_visit", status="soliciting", actor=principal.audit_name(), detail=detail,
                traceparent=traceparent)
    else:
        record_step(session, app, step="site_visit", status="refused", actor=principal.audit_name(), detail=detail,
                reason=data.note or "走访核实与申报情况不符", traceparent=traceparent)
    return app


def opinions(session: Session, *, app_id: str, data: Opinions, principal: Principal, today: dt.date,
             traceparent: str | None = None) -> Application:
    """征求意见, then 信息公示 for the region's notice period."""
    app = _staff(session, app_id, principal)
    _expect(app, "soliciting", action="登记征求意见结果")
    detail = {"opinions": [o.model_dump() for o in data.opinions], "note": data.note}
    if not data.proceed:
        record_step(session, app, step="opinions", status="refused", actor=principal.audit_name(), detail=detail,
                reason=data.note or "征求意见未通过", traceparent=traceparent)
        return app
    rules = rules_in(session, app.region_code, today)
    app.notice_starts_on = today
    # The notice runs from today through notice_ends_on inclusive (objections are taken on its last day too);
    # 0 days records a notice already held outside the platform, so it is over at once.
    app.notice_ends_on = today + dt.timedelta(days=rules.public_notice_days - 1)
    detail["notice_days"] = rules.public_notice_days
    record_step(session, app, step="public_notice", status="public_notice", actor=principal.audit_name(), detail=detail,
            traceparent=traceparent)
    return app


def withdraw(session: Session, *, app_id: str, principal: Principal, traceparent: str | None = None) -> Application:
    app = get_for(session, app_id, principal, lock=True)
    if not principal.owns(app.uscc):
        raise Forbidden("只有经营者本人可以撤回申报")
    if app.status in repository.CLOSED:
        raise Conflict(f"申报当前状态为“{app.status}”，不能撤回", code="invalid_state")
    record_step(session, app, step="withdrawn", status="withdrawn", actor=principal.audit_name(), reason="经营者撤回",
            traceparent=traceparent)
    return app


# --- objections to the public notice (appeal-svc) ----------------------------------------------
def objection_filed(session: Session, *, appeal_id: str, application_id: str, filed_at: dt.datetime,
                    due_on: dt.date | None = None, traceparent: str | None = None) -> None:
    """A filed objection holds the case until appeal-svc decides it."""
    app = repository.get(session, application_id, lock=True)
    proj.record_appeal(session, appeal_id=appeal_id, application_id=application_id, status="filed", filed_at=filed_at,
                       about=objection_about(app, "cultivation_notice", application_id, due_on))
    if app is None or app.status not in ("public_notice", "on_hold"):
        return
    if app.status == "public_notice":
        record_step(session, app, step="objection_filed", status="on_hold", actor="appeal-svc",
                detail={"appeal_id": appeal_id}, reason=f"公示期内收到异议（{appeal_id}），暂停办理", traceparent=traceparent)


def objection_about(app, target_kind: str, target_id: str, due_on: dt.date | None) -> dict:
    """What the county's worklist keeps of an objection to this case (its county: the case's)."""
    return {"target_kind": target_kind, "target_id": target_id, "due_on": due_on,
            "region_code": app.region_code if app else None, "uscc": app.uscc if app else None}


def objection_decided(session: Session, *, appeal_id: str, application_id: str, decision: str, reason: str,
                      decided_at: dt.datetime, traceparent: str | None = None) -> None:
    """Upheld → refused at notice; rejected or withdrawn → the case continues once no objection is open."""
    proj.record_appeal(session, appeal_id=appeal_id, application_id=application_id, status=decision,
                       decided_at=decided_at)
    app = repository.get(session, application_id, lock=True)
    if app is None or app.status not in ("public_notice", "on_hold"):
        return
    detail = {"appeal_id": appeal_id, "decision": decision, "reason": reason}
    if decision == "upheld":
        record_step(session, app, step="objection_decided", status="refused", actor="appeal-svc", detail=detail,
                reason=f"公示异议成立：{reason}", traceparent=traceparent)
    elif app.status == "on_hold" and not proj.open_appeals(session, application_id):
        record_step(session, app, step="objection_decided", status="public_notice", actor="appeal-svc", detail=detail,
                reason="公示异议不成立，继续办理", traceparent=traceparent)


# --- reads -----------------------------------------------------------------------------------------
def read(session: Session, app: Application, *, with_steps: bool = True) -> dict:
    business = proj.business(session, app.uscc)
    out = {c: getattr(app, c) for c in ("id", "uscc", "region_code", "year", "category", "source", "department",
                                        "relaxed_group", "relaxed_basis", "relaxed_confirmed", "status", "score",
                                        "score_detail", "criteria_id", "type_at_application", "notice_starts_on",
                                        "notice_ends_on", "reason", "applied_on", "materials", "reopened_by")}
    out["name"] = business.name if business else None
    rules = rules_in(session, app.region_code, app.applied_on)
    out["relaxed_group_label"] = rules.relaxed_group_labels().get(app.relaxed_group) if app.relaxed_group else None
    out["fraud_revocations"] = [
        {"recognition_id": r.id, "revoked_on": r.revoked_on, "reason": r.end_reason,
         "applications_barred_until": add_years(r.revoked_on, rules.fraud_bar_years)}
        for r in rec_repo.fraud_revocations(session, app.uscc)]
    out["open_objections"] = proj.open_appeals(session, app.id)
    out["steps"] = [{"step": s.step, "status_after": s.status_after, "actor": s.actor, "detail": s.detail, "at": s.at}
                    for s in repository.steps(session, app.id)] if with_steps else []
    return out


def listing(session: Session, *, principal: Principal, region_code: str | None, year: int | None,
            status: str | None, page: PageRequest) -> tuple[list[Application], str | None]:
    usccs = department = None
    if principal.is_staff:
        region_code = scoped_region(principal, region_code)
    elif principal.has("department"):
        department = principal.department or "-"
    elif principal.has("operator"):
        usccs = sorted(principal.usccs)
    else:
        raise Forbidden("无权查看申报列表")
    stmt = repository.listing(region_code=region_code, usccs=usccs, department=department, year=year, status=status)
    return scalars_page(session, stmt, keys=[Application.id], page=page)


def notices(session: Session, *, region_code: str | None, on: dt.date,
            page: PageRequest) -> tuple[list[dict], str | None]:
    """Current public notices (信息公示) for anyone, with the operator's name masked."""
    rows, nxt = scalars_page(session, repository.current_notices(region_code=region_code, on=on),
                             keys=[Application.id], page=page)
    names = proj.businesses(session, [r.uscc for r in rows])
    return [{"application_id": a.id, "uscc": a.uscc, "name": names[a.uscc].name if a.uscc in names else None,
             "operator_name": masking.mask_name(names[a.uscc].operator_name) if a.uscc in names else None,
             "region_code": a.region_code, "category": a.category, "category_label": CATEGORY_LABELS[a.category],
             "notice_starts_on": a.notice_starts_on, "notice_ends_on": a.notice_ends_on, "status": a.status}
            for a in rows], nxt
