"""Use cases of the policy catalog (惠企政策, 二(八)) and the contact points (联系点, 二(七)).

Keyword-only functions, session first; they flush, never commit (the request's unit of work does).
"""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal, require_region, scoped_region
from getihu_kit.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from getihu_kit.pagination import PageRequest
from monitoring_svc import analysis as tables, repository, rules
from monitoring_svc.models import ContactPoint, Policy, PolicyPublication
from monitoring_svc.schemas import (CONTACT_POINT_STATUS_LABELS, AnalysisRead, POLICY_STATUS_LABELS, ContactPointCreate,
                                    ContactPointPage, ContactPointRead, ContactPointReview, ContactPointSummary,
                                    ContactPointUpdate, PolicyCreate, PolicyPage, PolicyRead, PolicySummary,
                                    PolicyUpdate, Publication)

POLICY_EDITORS = ("prefecture_staff", "admin")
STAFF = ("county_staff", "prefecture_staff", "admin")


# --- 惠企政策 ----------------------------------------------------------------------------------------
def _policy_read(session: Session, p: Policy) -> PolicyRead:
    pubs = [Publication(revision=x.revision, action=x.action, at=x.at) for x in repository.publications(session, p.id)]
    return PolicyRead(id=p.id, title=p.title, content=p.content, conditions=p.conditions, procedure=p.procedure,
                      department=p.department, in_force_from=p.in_force_from, in_force_to=p.in_force_to,
                      in_force_today=rules.policy_in_force(p.in_force_from, p.in_force_to, clock.today()).ok,
                      channels=p.channels, measure_codes=p.measure_codes, status=p.status,
                      status_label=POLICY_STATUS_LABELS[p.status], revision=p.revision,
                      first_published_at=p.first_published_at, last_published_at=p.last_published_at,
                      publications=pubs)


def _check_period(in_force_from, in_force_to) -> None:
    check = rules.policy_period_valid(in_force_from, in_force_to)
    if not check.ok:
        raise InvalidInput(check.detail + "，请核对", field="in_force_to")


def create_policy(session: Session, *, data: PolicyCreate, principal: Principal) -> PolicyRead:
    _check_period(data.in_force_from, data.in_force_to)
    now = clock.now()
    p = Policy(id=f"pol-{uuid.uuid4().hex[:16]}", status="draft", revision=1, created_by=principal.audit_name(),
               created_at=now, updated_at=now, **data.model_dump(mode="json", exclude={"in_force_from", "in_force_to"}),
               in_force_from=data.in_force_from, in_force_to=data.in_force_to)
    session.add(p)
    session.flush()
    return _policy_read(session, p)


def _editable(session: Session, policy_id: str) -> Policy:
    p = repository.get_policy(session, policy_id, for_update=True)
    if p is None:
        raise NotFound(f"政策“{policy_id}”不存在", code="policy_not_found")
    return p


def update_policy(session: Session, *, policy_id: str, data: PolicyUpdate, principal: Principal) -> PolicyRead:
    """An edit is a new revision; a published policy is public at once in its new wording, and that
    publication is kept with its date (二(八): 及时公示)."""
    p = _editable(session, policy_id)
    changes = data.model_dump(mode="json", exclude_unset=True)
    for k in ("in_force_from", "in_force_to"):
        if k in changes:
            changes[k] = getattr(data, k)
    period = rules.policy_period_valid(changes.get("in_force_from", p.in_force_from),
                                       changes.get("in_force_to", p.in_force_to))
    if not period.ok:  # the new bound against the one on file: a conflict with the stored policy
        raise RuleViolation(f"{period.detail}（现有效期 {p.in_force_from}—{p.in_force_to or '长期'}），请核对",
                            field="in_force_to")
    for k, v in changes.items():
        setattr(p, k, v)
    now = clock.now()
    p.revision += 1
    p.updated_at = now
    if p.status == "published":
        p.last_published_at = now
        session.add(PolicyPublication(policy_id=p.id, revision=p.revision, action="republished", at=now,
                                      by=principal.audit_name()))
    session.flush()
    return _policy_read(session, p)


def publish_policy(session: Session, *, policy_id: str, principal: Principal) -> PolicyRead:
    p = _editable(session, policy_id)
    if p.status == "published":
        raise Conflict("政策已公示，无需重复公示", code="policy_already_published")
    now = clock.now()
    p.status, p.updated_at, p.last_published_at = "published", now, now
    p.first_published_at = p.first_published_at or now
    session.add(PolicyPublication(policy_id=p.id, revision=p.revision, action="published", at=now,
                                  by=principal.audit_name()))
    session.flush()
    return _policy_read(session, p)


def withdraw_policy(session: Session, *, policy_id: str, principal: Principal) -> PolicyRead:
    p = _editable(session, policy_id)
    if p.status != "published":
        raise Conflict("只有已公示的政策可以撤回", code="policy_not_published")
    now = clock.now()
    p.status, p.updated_at = "withdrawn", now
    session.add(PolicyPublication(policy_id=p.id, revision=p.revision, action="withdrawn", at=now,
                                  by=principal.audit_name()))
    session.flush()
    return _policy_read(session, p)


def get_policy(session: Session, *, policy_id: str, principal: Principal) -> PolicyRead:
    p = repository.get_policy(session, policy_id)
    if p is None or (not principal.is_staff and not rules.policy_publicly_visible(p.status).ok):
        raise NotFound(f"政策“{policy_id}”不存在或未公示", code="policy_not_found")
    return _policy_read(session, p)


def list_policies(session: Session, *, principal: Principal, status: str | None, department: str | None,
                  measure_code: str | None, in_force_on, page: PageRequest) -> PolicyPage:
    """The public sees published policies only; staff every status (or the one asked for)."""
    if principal.is_staff:
        statuses = [status] if status else list(rules.POLICY_STATUSES)
    elif status not in (None, "published"):
        raise Forbidden("公众只能查看已公示的政策", field="status")
    else:
        statuses = ["published"]
    rows, nxt = repository.policies_page(session, statuses=statuses, department=department,
                                         measure_code=measure_code, in_force_on=in_force_on, page=page)
    today = clock.today()
    return PolicyPage(items=[PolicySummary(
        id=p.id, title=p.title, department=p.department, in_force_from=p.in_force_from, in_force_to=p.in_force_to,
        in_force_today=rules.policy_in_force(p.in_force_from, p.in_force_to, today).ok,
        measure_codes=p.measure_codes, status=p.status, status_label=POLICY_STATUS_LABELS[p.status],
        first_published_at=p.first_published_at, last_published_at=p.last_published_at) for p in rows],
        next_cursor=nxt)


# --- 联系点 ----------------------------------------------------------------------------------------
def _cp_read(session: Session, cp: ContactPoint) -> ContactPointRead:
    return ContactPointRead(id=cp.id, region_code=cp.region_code, name=cp.name, address=cp.address,
                            contact_person=cp.contact_person, contact_phone=cp.contact_phone, status=cp.status,
                            status_label=CONTACT_POINT_STATUS_LABELS[cp.status], version=cp.version,
                            filed_by=cp.filed_by, filed_at=cp.filed_at, reviewed_by=cp.reviewed_by,
                            reviewed_at=cp.reviewed_at, review_note=cp.review_note,
                            usccs=repository.followed(session, cp.id))


def _check_followed_in_region(session: Session, usccs: list[str], region_code: str) -> None:
    """A point follows businesses of its own county (as the registry's state, projected here, places them)."""
    known = repository.businesses(session, usccs)
    unknown = [{"field": f"usccs.{i}", "message": f"{u} 未在登记信息中找到（新登记的户稍后再试）"}
               for i, u in enumerate(usccs) if u not in known]
    if unknown:
        raise NotFound("联系的个体工商户未登记：" + "；".join(e["message"] for e in unknown[:5]),
                       code="business_not_found", errors=unknown)
    elsewhere = [{"field": f"usccs.{i}", "message": f"{u} 不属于本县（登记在 {known[u].region_code}）"}
                 for i, u in enumerate(usccs) if known[u].region_code != region_code]
    if elsewhere:
        raise Forbidden("联系点只能联系本县的个体工商户：" + "；".join(e["message"] for e in elsewhere[:5]),
                        errors=elsewhere)


def create_contact_point(session: Session, *, data: ContactPointCreate, principal: Principal) -> ContactPointRead:
    """二(七)：县级市场监管部门自行增加本地联系点，报地区市场监管局备案 — created by the county, filed at once."""
    if not principal.has("county_staff", "admin"):
        raise Forbidden("联系点由县级市场监管部门设立（地区局负责备案确认）")
    require_region(principal, data.region_code)
    _check_followed_in_region(session, data.usccs, data.region_code)
    now = clock.now()
    cp = ContactPoint(id=f"cp-{uuid.uuid4().hex[:16]}", region_code=data.region_code, name=data.name,
                      address=data.address, contact_person=data.contact_person, contact_phone=data.contact_phone,
                      status="filed", version=1, filed_by=principal.audit_name(), filed_at=now)
    session.add(cp)
    session.flush()
    repository.replace_followed(session, cp.id, data.usccs, now)
    return _cp_read(session, cp)


def _visible_cp(session: Session, cp_id: str, principal: Principal, *, for_update: bool = False) -> ContactPoint:
    cp = repository.get_contact_point(session, cp_id, for_update=for_update)
    if cp is None or not principal.can_act_in_region(cp.region_code):
        raise NotFound(f"联系点“{cp_id}”不存在", code="contact_point_not_found")
    return cp


def update_contact_point(session: Session, *, cp_id: str, data: ContactPointUpdate,
                         principal: Principal) -> ContactPointRead:
    """二(七)：“自行增加或调整本地联系点，报地区市场监管局备案” — an adjustment is filed again."""
    if not principal.has("county_staff", "admin"):
        raise Forbidden("联系点由县级市场监管部门调整")
    cp = _visible_cp(session, cp_id, principal, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    usccs = changes.pop("usccs", None)
    for k, v in changes.items():
        setattr(cp, k, v)
    now = clock.now()
    if usccs is not None:
        _check_followed_in_region(session, usccs, cp.region_code)
        repository.replace_followed(session, cp.id, usccs, now)
    cp.version += 1
    cp.status, cp.filed_at, cp.filed_by = "filed", now, principal.audit_name()
    cp.reviewed_by = cp.reviewed_at = cp.review_note = None
    session.flush()
    return _cp_read(session, cp)


def review_contact_point(session: Session, *, cp_id: str, data: ContactPointReview,
                         principal: Principal) -> ContactPointRead:
    """The prefecture acknowledges the filing (备案) or returns it with its note."""
    cp = _visible_cp(session, cp_id, principal, for_update=True)
    if cp.status != "filed":
        raise Conflict(f"联系点当前为“{CONTACT_POINT_STATUS_LABELS[cp.status]}”，只有已报备案的联系点可以确认或退回",
                       code="contact_point_not_filed")
    cp.status, cp.reviewed_by, cp.reviewed_at, cp.review_note = (data.decision, principal.audit_name(), clock.now(),
                                                                 data.note)
    session.flush()
    return _cp_read(session, cp)


def get_contact_point(session: Session, *, cp_id: str, principal: Principal) -> ContactPointRead:
    return _cp_read(session, _visible_cp(session, cp_id, principal))


def list_contact_points(session: Session, *, principal: Principal, region_code: str | None, status: str | None,
                        page: PageRequest) -> ContactPointPage:
    region = scoped_region(principal, region_code)
    rows, nxt = repository.contact_points_page(session, region_code=region, status=status, page=page)
    return ContactPointPage(items=[ContactPointSummary(
        id=cp.id, region_code=cp.region_code, name=cp.name, status=cp.status,
        status_label=CONTACT_POINT_STATUS_LABELS[cp.status], version=cp.version, filed_at=cp.filed_at,
        businesses=n) for _, _, cp, n in rows], next_cursor=nxt)


# --- 分析 ------------------------------------------------------------------------------------------
def analysis(session: Session, *, principal: Principal, year: int, region_code: str | None,
             quarter: int | None) -> AnalysisRead:
    """County staff see their county's figures, the prefecture every county's (or the one asked for)."""
    region = scoped_region(principal, region_code)
    quarters = (quarter,) if quarter else (1, 2, 3, 4)
    computed = tables.compute(session, year=year, region_code=region, quarters=quarters)
    return AnalysisRead.model_validate(tables.as_json(computed, year=year, region_code=region, quarters=quarters))
