"""Use cases of appeal-svc: keyword-only, session first, never commit."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import ANONYMOUS, Principal, require_readable, require_region, require_roles, scoped_region
from getihu_kit.domain.masking import mask_name, mask_phone
from getihu_kit.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation, Unauthorized
from getihu_kit.outbox import Outbox
from getihu_kit.labels import APPEAL_TARGET_LABELS, type_label
from getihu_kit.pagination import PageRequest
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from appeal_svc import list_exports, repository
from appeal_svc.models import Appeal, AppealStep, outbox as outbox_table
from appeal_svc.rules import workflow as wf
from appeal_svc.rules.deadlines import is_overdue, reply_due_on
from appeal_svc.rules.evidence import MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES, CheckedFile, check_evidence
from appeal_svc.schemas import (AppealPage, AppealRead, CultivationObjectionCreate, Decision, EvidenceIn, EvidenceRead, MaterialRequest,
                                MaterialSupply, NoticeObjectionCreate, StepRead, TypingObjectionCreate,
                                Withdrawal)
from appeal_svc.settings import Settings

outbox = Outbox(outbox_table, source="/getihu/appeal")
STAFF = ("county_staff", "prefecture_staff", "admin")
NOTICE_STATUSES = ("public_notice", "on_hold")


def anonymous_appellant(phone: str, *, secret: str) -> str:
    """A stable id for an objector without a token: keyed hash of the phone, so the phone itself
    never leaves this service and the same person is recognised across objections."""
    digest = hmac.new(secret.encode(), f"phone:{phone}".encode(), hashlib.sha256).hexdigest()
    return f"anon-{digest[:24]}"


# --- reading ------------------------------------------------------------------------------------
def to_read(session: Session, appeals: list[Appeal], *, today: dt.date, reveal_contact: bool = False,
            with_trail: bool = False) -> list[AppealRead]:
    evidence = repository.evidence_meta(session, [a.id for a in appeals])
    out = []
    for a in appeals:
        trail = None
        if with_trail:
            trail = [StepRead(at=s.at, actor=s.actor, actor_role=s.actor_role, action=s.action,
                              status_from=s.status_from, status_to=s.status_to, note=s.note,
                              details=s.details or {}) for s in repository.trail(session, a.id)]
        out.append(AppealRead(
            id=a.id, target_kind=a.target_kind, target_id=a.target_id, uscc=a.uscc, year=a.year,
            region_code=a.region_code, ruleset=a.ruleset, original_type=a.original_type,
            requested_type=a.requested_type, appellant=a.appellant, appellant_kind=a.appellant_kind,
            objector_name=a.objector_name if reveal_contact else mask_name(a.objector_name),
            objector_phone=a.objector_phone if reveal_contact else mask_phone(a.objector_phone),
            grounds=a.grounds, status=a.status, status_label=wf.STATUS_LABELS[a.status],
            filed_at=a.filed_at, due_on=a.due_on, overdue=is_overdue(a.due_on, today, open_=wf.is_open(a.status)),
            material_request=a.material_request, material_due_on=a.material_due_on, decision=a.decision,
            corrected_type=a.corrected_type, reason=a.reason, decided_by=a.decided_by, decided_at=a.decided_at,
            evidence=[EvidenceRead(id=e.id, stage=e.stage, filename=e.filename, content_type=e.content_type,
                                   size=e.size, sha256=e.sha256, uploaded_at=e.uploaded_at)
                      for e in evidence[a.id]],
            trail=trail))
    return out


def has_token(principal: Principal) -> bool:
    """A caller with any token (even a public citizen's) is known by its sub; without one, by phone."""
    return principal != ANONYMOUS


def _is_appellant(principal: Principal, appeal: Appeal) -> bool:
    return has_token(principal) and appeal.appellant_kind == "user" and principal.sub == appeal.appellant


def _acting_appellant(principal: Principal, appeal: Appeal, *, phone: str | None, secret: str, what: str) -> str:
    """The appellant acting: by token, or — for a notice objector without one — by the phone they
    gave (with the objection's id, which only they were told). Anyone else is refused."""
    if _is_appellant(principal, appeal):
        return principal.sub
    if phone is not None:
        if appeal.appellant_kind == "anonymous" and hmac.compare_digest(
                anonymous_appellant(phone, secret=secret), appeal.appellant):
            return appeal.appellant
        raise Forbidden(f"联系电话与该异议登记的不符，只有异议人本人可以{what}", field="objector_phone")
    _require_login(principal)
    raise Forbidden(f"只有异议申请人本人可以{what}")


def _require_login(principal: Principal) -> None:
    if not has_token(principal):
        raise Unauthorized("需要登录：请在请求头 Authorization 中携带有效的令牌")


def _load(session: Session, appeal_id: str, *, for_update: bool = False) -> Appeal:
    appeal = repository.get_appeal(session, appeal_id, for_update=for_update)
    if appeal is None:
        raise NotFound(f"异议“{appeal_id}”不存在，请核对异议编号", code="appeal_not_found")
    return appeal


def _require_staff_for(principal: Principal, appeal: Appeal) -> None:
    """County staff act only in the business's region; prefecture staff (and admins) anywhere."""
    require_roles(principal, *STAFF)
    require_region(principal, appeal.region_code)


def get_appeal(session: Session, *, appeal_id: str, principal: Principal) -> AppealRead:
    """Staff of the region see the objector's contact in full; the appellant sees their own, masked."""
    appeal = _load(session, appeal_id)
    today = clock.today()
    if _is_appellant(principal, appeal):
        return to_read(session, [appeal], today=today, with_trail=True)[0]
    _require_login(principal)
    require_readable(principal, region_code=appeal.region_code, message="只能查看本人提出的异议或本辖区的异议")
    return to_read(session, [appeal], today=today, reveal_contact=True, with_trail=True)[0]


def get_notice_objection(session: Session, *, appeal_id: str, phone: str, principal: Principal,
                         settings: Settings) -> AppealRead:
    """How an objector without a token learns the progress and the reply: the objection's id and
    the phone they gave (masked view; the contact is never echoed in full)."""
    appeal = _load(session, appeal_id)
    _acting_appellant(principal, appeal, phone=phone, secret=settings.jwt_secret, what="查询办理情况")
    return to_read(session, [appeal], today=clock.today(), with_trail=True)[0]


def evidence_file(session: Session, *, appeal_id: str, file_id: str, principal: Principal):
    appeal = _load(session, appeal_id)
    if not _is_appellant(principal, appeal):
        _require_staff_for(principal, appeal)
    f = repository.get_evidence(session, appeal_id, file_id)
    if f is None:
        raise NotFound(f"证明材料“{file_id}”不存在", code="evidence_not_found")
    return f


def _page(session: Session, page: tuple[list[Appeal], str | None], today: dt.date) -> AppealPage:
    rows, next_cursor = page
    return AppealPage(items=to_read(session, rows, today=today), next_cursor=next_cursor)


def _statuses(status: list[str] | None) -> list[str] | None:
    if not status:
        return None
    wanted = [s.strip() for item in status for s in item.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in wf.STATUSES]
    if unknown:
        raise InvalidInput(f"状态“{'、'.join(unknown)}”无效，可选：{'、'.join(wf.STATUSES)}", field="status")
    return wanted


def _staff_filters(principal: Principal, *, status: list[str] | None, region_code: str | None,
                   target_kind: str | None) -> tuple[list[str] | None, str | None]:
    require_roles(principal, *STAFF)
    region_code = scoped_region(principal, region_code)
    if target_kind is not None and target_kind not in wf.TARGET_KINDS:
        raise InvalidInput(f"异议对象类型应为：{'、'.join(wf.TARGET_KINDS)}", field="target_kind")
    return _statuses(status), region_code


def list_for_staff(session: Session, *, principal: Principal, page: PageRequest, status: list[str] | None = None,
                   region_code: str | None = None, target_kind: str | None = None,
                   due_before: dt.date | None = None, overdue: bool = False) -> AppealPage:
    """What is due first comes first; county staff see their own region only."""
    statuses, region_code = _staff_filters(principal, status=status, region_code=region_code, target_kind=target_kind)
    today = clock.today()
    rows = repository.list_appeals(session, statuses=statuses, region_code=region_code,
                                   target_kind=target_kind, appellant=None, due_before=due_before,
                                   overdue_on=today if overdue else None, open_statuses=wf.OPEN, page=page)
    return _page(session, rows, today)


def export_for_staff(*, engine, principal: Principal, fmt: str, status: list[str] | None = None,
                     region_code: str | None = None, target_kind: str | None = None,
                     due_before: dt.date | None = None, overdue: bool = False):
    """The staff list, whole, as CSV or XLSX (the same filters and order)."""
    statuses, region_code = _staff_filters(principal, status=status, region_code=region_code, target_kind=target_kind)
    return list_exports.APPEALS.stream(engine, fmt, {
        "statuses": statuses, "region_code": region_code, "target_kind": target_kind, "overdue": overdue,
        "due_before": due_before.isoformat() if due_before else None, "today": clock.today().isoformat()})


def list_mine(session: Session, *, principal: Principal, page: PageRequest,
              status: list[str] | None = None) -> AppealPage:
    _require_login(principal)
    rows = repository.list_appeals(session, statuses=_statuses(status), region_code=None, target_kind=None,
                                   appellant=principal.sub, due_before=None, overdue_on=None,
                                   open_statuses=wf.OPEN, page=page)
    return _page(session, rows, clock.today())


# --- filing ---------------------------------------------------------------------------------------
def _checked(files: list[EvidenceIn], settings: Settings) -> list[CheckedFile]:
    today = clock.today()
    return check_evidence([(f.filename, f.content_type, f.content_base64) for f in files], field="evidence",
                          max_bytes=settings.evidence_max_bytes or MAX_EVIDENCE_BYTES.on(today),
                          max_files=settings.evidence_max_files or MAX_EVIDENCE_FILES.on(today))


def _store_evidence(session: Session, appeal_id: str, checked: list[CheckedFile], *, stage: str, by: str,
                    at: dt.datetime) -> list[dict]:
    rows = [{"id": f"evd-{uuid.uuid4().hex[:16]}", "appeal_id": appeal_id, "stage": stage, "filename": c.filename,
             "content_type": c.content_type, "size": len(c.content), "sha256": c.sha256, "content": c.content,
             "uploaded_by": by, "uploaded_at": at} for c in checked]
    repository.add_evidence(session, rows)
    return [{"id": r["id"], "filename": r["filename"], "sha256": r["sha256"], "size": r["size"]} for r in rows]


def _file(session: Session, appeal: Appeal, *, evidence: list[EvidenceIn], settings: Settings,
          traceparent: str | None) -> AppealRead:
    checked = _checked(evidence, settings)  # before anything is written: a bad file refuses the whole filing
    if repository.open_appeal_by_key(session, appeal.open_key) is not None or not repository.add_appeal(session, appeal):
        existing = repository.open_appeal_by_key(session, appeal.open_key)
        raise Conflict("您对该对象已有一件未办结的异议，请等待处理结果或先撤回原异议",
                       code="appeal_already_open", appeal_id=existing.id if existing else None)
    stored = _store_evidence(session, appeal.id, checked, stage="filing", by=appeal.appellant, at=appeal.filed_at)
    repository.add_step(session, AppealStep(
        appeal_id=appeal.id, at=appeal.filed_at, actor=appeal.appellant, actor_role="appellant", action="filed",
        status_from=None, status_to=wf.FILED, note=appeal.grounds,
        details={"evidence": stored, "due_on": appeal.due_on.isoformat()}))
    outbox.emit(session, AppealFiled(
        appeal_id=appeal.id, target_kind=appeal.target_kind, target_id=appeal.target_id, uscc=appeal.uscc,
        year=appeal.year, region_code=appeal.region_code, appellant=appeal.appellant, grounds=appeal.grounds,
        filed_at=appeal.filed_at, due_on=appeal.due_on, appellant_kind=appeal.appellant_kind,
        ruleset=appeal.ruleset, original_type=appeal.original_type), key=appeal.uscc, traceparent=traceparent)
    session.flush()
    return to_read(session, [appeal], today=clock.local_date(appeal.filed_at), with_trail=True)[0]


def _new_appeal(*, settings: Settings, now: dt.datetime, **fields) -> Appeal:
    due = reply_due_on(clock.local_date(now), calendar=settings.calendar(),
                       working_days=settings.reply_due_working_days)
    return Appeal(id=f"apl-{uuid.uuid4().hex[:16]}", status=wf.FILED, filed_at=now, due_on=due, **fields)


def file_typing_objection(session: Session, *, data: TypingObjectionCreate, principal: Principal,
                          settings: Settings, traceparent: str | None = None) -> AppealRead:
    """附件1 一(三)3：“对分型结果存在异议的，个体工商户经营者可以通过…异议申诉模块提出。”"""
    require_roles(principal, "operator")
    if not principal.owns(data.uscc):
        raise Forbidden("只能对本人经营的个体工商户的分型结果提出异议", field="uscc")
    result = repository.typing_result(session, data.uscc, data.year)
    if result is None:
        raise NotFound(f"该户{data.year}年度尚无已公布的分型结果，无法提出异议", code="no_published_result",
                       field="year")
    if data.requested_type is not None and data.requested_type == result.type:
        raise InvalidInput(f"申请类型与已公布的分型结果（{type_label(result.type)}）相同", field="requested_type")
    appeal = _new_appeal(
        settings=settings, now=clock.now(), target_kind=wf.TYPING_RESULT, target_id=None, uscc=data.uscc,
        year=data.year, region_code=result.region_code, ruleset=result.ruleset, original_type=result.type,
        appellant=principal.sub, appellant_kind="user", objector_name=None, objector_phone=None,
        grounds=data.grounds, requested_type=data.requested_type,
        open_key=wf.open_key(wf.TYPING_RESULT, f"{data.uscc}:{data.year}", principal.sub))
    return _file(session, appeal, evidence=data.evidence, settings=settings, traceparent=traceparent)


def notice_is_open(status: str, notice_ends_on: dt.date | None, today: dt.date) -> bool:
    """附件1 二(三)1：“市场监管部门经走访核实、征求意见、信息公示等步骤后，认定为‘名特优新’个体工商户”——
    公示期（至 notice_ends_on，含当日）内任何人可对公示对象提出异议。

    A case put on hold by an earlier objection is still on notice: the period keeps running and
    others may object too (cultivation-svc lists on_hold cases within their period as current notices)."""
    return status in NOTICE_STATUSES and notice_ends_on is not None and today <= notice_ends_on


def file_notice_objection(session: Session, *, data: NoticeObjectionCreate, principal: Principal,
                          settings: Settings, traceparent: str | None = None) -> AppealRead:
    """附件1 二(三)1 信息公示；四(四)“建立申诉机制，及时受理个体工商户对分型分类结果异议”：
    公示期内对“名特优新”公示对象的异议，按同一异议程序受理、答复。"""
    now = clock.now()
    notice = repository.notice(session, data.application_id)
    if notice is None:
        raise NotFound(f"未找到公示中的申报“{data.application_id}”，请核对公示编号", code="notice_not_found",
                       field="application_id")
    if not notice_is_open(notice.status, notice.notice_ends_on, clock.local_date(now)):
        ended = f"（公示期至 {notice.notice_ends_on.isoformat()}）" if notice.notice_ends_on else ""
        raise RuleViolation(f"该申报当前不在公示期内{ended}，不能提出公示异议", code="notice_closed",
                            field="application_id")
    if not has_token(principal):
        appellant, kind = anonymous_appellant(data.objector_phone, secret=settings.jwt_secret), "anonymous"
    else:
        appellant, kind = principal.sub, "user"
    appeal = _new_appeal(
        settings=settings, now=now, target_kind=wf.CULTIVATION_NOTICE, target_id=notice.application_id,
        uscc=notice.uscc, year=notice.year, region_code=notice.region_code, ruleset=None, original_type=None,
        appellant=appellant, appellant_kind=kind, objector_name=data.objector_name,
        objector_phone=data.objector_phone, grounds=data.grounds, requested_type=None,
        open_key=wf.open_key(wf.CULTIVATION_NOTICE, notice.application_id, appellant))
    return _file(session, appeal, evidence=data.evidence, settings=settings, traceparent=traceparent)


def file_cultivation_objection(session: Session, *, data: CultivationObjectionCreate, principal: Principal,
                               settings: Settings, traceparent: str | None = None) -> AppealRead:
    """四(四)：建立申诉机制，及时受理个体工商户对分型分类结果异议 — the operator objects to a cultivation result of
    their own business (a refusal, a cancellation, a spot-check refusal, a revocation), with the same deadlines,
    reply and trail as a typing objection; upheld, cultivation-svc reopens or restores the case."""
    require_roles(principal, "operator")
    result = repository.cultivation_result(session, data.target_kind, data.target_id)
    if result is None or not principal.owns(result.uscc):
        raise NotFound(f"未找到本户可提出异议的结果“{data.target_id}”（{wf_target_label(data.target_kind)}），请核对编号",
                       code="cultivation_result_not_found", field="target_id")
    if not result.open:
        raise RuleViolation("该结果已不再有效（案件已重新办理或认定已恢复），无需提出异议", code="result_superseded",
                            field="target_id")
    appeal = _new_appeal(
        settings=settings, now=clock.now(), target_kind=data.target_kind, target_id=data.target_id, uscc=result.uscc,
        year=result.year, region_code=result.region_code, ruleset=None, original_type=None,
        appellant=principal.sub, appellant_kind="user", objector_name=None, objector_phone=None,
        grounds=data.grounds, requested_type=None,
        open_key=wf.open_key(data.target_kind, data.target_id, principal.sub))
    return _file(session, appeal, evidence=data.evidence, settings=settings, traceparent=traceparent)


def wf_target_label(kind: str) -> str:
    return APPEAL_TARGET_LABELS.get(kind, kind)


# --- handling -------------------------------------------------------------------------------------
def _step(session: Session, appeal: Appeal, *, action: str, actor: str, role: str, status_from: str,
          at: dt.datetime, note: str | None = None, details: dict | None = None,
          principal: Principal | None = None) -> None:
    details = dict(details or {})
    if principal is not None and role == "staff":  # which office acted, for the record
        details.update(roles=sorted(principal.roles), region_code=principal.region_code)
    repository.add_step(session, AppealStep(appeal_id=appeal.id, at=at, actor=actor, actor_role=role,
                                            action=action, status_from=status_from, status_to=appeal.status,
                                            note=note, details=details))


def _result(session: Session, appeal: Appeal) -> AppealRead:
    session.flush()
    return to_read(session, [appeal], today=clock.today(), reveal_contact=True, with_trail=True)[0]


def take_in_review(session: Session, *, appeal_id: str, principal: Principal) -> AppealRead:
    appeal = _load(session, appeal_id, for_update=True)
    _require_staff_for(principal, appeal)
    before, now = appeal.status, clock.now()
    appeal.status = wf.next_status(before, "take_in_review")
    _step(session, appeal, action="take_in_review", actor=principal.sub, role="staff", status_from=before, at=now,
          principal=principal)
    return _result(session, appeal)


def request_material(session: Session, *, appeal_id: str, data: MaterialRequest, principal: Principal) -> AppealRead:
    appeal = _load(session, appeal_id, for_update=True)
    _require_staff_for(principal, appeal)
    now = clock.now()
    if data.deadline <= clock.local_date(now):
        raise InvalidInput("补充材料截止日期应晚于今天", field="deadline")
    before = appeal.status
    appeal.status = wf.next_status(before, "request_material")
    appeal.material_request, appeal.material_due_on = data.request, data.deadline
    _step(session, appeal, action="request_material", actor=principal.sub, role="staff", status_from=before,
          at=now, note=data.request, details={"deadline": data.deadline.isoformat()}, principal=principal)
    return _result(session, appeal)


def supply_material(session: Session, *, appeal_id: str, data: MaterialSupply, principal: Principal,
                    settings: Settings, phone: str | None = None) -> AppealRead:
    appeal = _load(session, appeal_id, for_update=True)
    actor = _acting_appellant(principal, appeal, phone=phone, secret=settings.jwt_secret, what="补充材料")
    now = clock.now()
    before = appeal.status
    status = wf.next_status(before, "supply_material")
    if appeal.material_due_on is not None and clock.local_date(now) > appeal.material_due_on:
        raise RuleViolation(f"补充材料期限（{appeal.material_due_on.isoformat()}）已过，不能再补充",
                            code="material_deadline_passed")
    if not data.evidence and not data.note.strip():
        raise InvalidInput("请上传补充材料或填写补充说明", field="evidence")
    stored = _store_evidence(session, appeal.id, _checked(data.evidence, settings), stage="supplement", by=actor,
                             at=now)
    appeal.status = status
    _step(session, appeal, action="supply_material", actor=actor, role="appellant", status_from=before,
          at=now, note=data.note or None, details={"evidence": stored})
    session.flush()
    return to_read(session, [appeal], today=clock.local_date(now), with_trail=True)[0]


def _emit_decided(session: Session, appeal: Appeal, traceparent: str | None) -> None:
    outbox.emit(session, AppealDecided(
        appeal_id=appeal.id, target_kind=appeal.target_kind, target_id=appeal.target_id, uscc=appeal.uscc,
        year=appeal.year, region_code=appeal.region_code, appellant=appeal.appellant, decision=appeal.decision,
        corrected_type=appeal.corrected_type, reason=appeal.reason, decided_by=appeal.decided_by,
        decided_at=appeal.decided_at, appellant_kind=appeal.appellant_kind, ruleset=appeal.ruleset,
        original_type=appeal.original_type, filed_at=appeal.filed_at, due_on=appeal.due_on),
        key=appeal.uscc, traceparent=traceparent)


def decide(session: Session, *, appeal_id: str, data: Decision, principal: Principal,
           traceparent: str | None = None) -> AppealRead:
    """附件1 一(三)3：“对符合标准的，及时调整分型结果，并答复申诉人”；不成立的做好解释工作。"""
    appeal = _load(session, appeal_id, for_update=True)
    _require_staff_for(principal, appeal)
    before, now = appeal.status, clock.now()
    status = wf.next_status(before, "decide", data.decision)
    if appeal.target_kind == wf.TYPING_RESULT and data.decision == wf.UPHELD:
        if data.corrected_type is None:
            raise InvalidInput("分型异议成立时须写明更正后的类型（survival、growth、development 或 excluded）",
                               field="corrected_type")
        current = repository.typing_result(session, appeal.uscc, appeal.year)
        if current is not None and current.type == data.corrected_type:
            raise InvalidInput(f"更正后的类型与现行分型结果（{type_label(current.type)}）相同", field="corrected_type")
    elif data.corrected_type is not None:
        raise InvalidInput("只有分型异议成立时才填写更正后的类型", field="corrected_type")
    appeal.status, appeal.decision, appeal.reason = status, data.decision, data.reason
    appeal.corrected_type, appeal.decided_by, appeal.decided_at = data.corrected_type, principal.sub, now
    appeal.open_key = None
    _step(session, appeal, action="decide", actor=principal.sub, role="staff", status_from=before, at=now,
          note=data.reason, details={"decision": data.decision, "corrected_type": data.corrected_type},
          principal=principal)
    _emit_decided(session, appeal, traceparent)
    return _result(session, appeal)


def withdraw(session: Session, *, appeal_id: str, data: Withdrawal, principal: Principal, settings: Settings,
             phone: str | None = None, traceparent: str | None = None) -> AppealRead:
    """The appellant may withdraw before a decision; the reply (and cultivation-svc) hear of it."""
    appeal = _load(session, appeal_id, for_update=True)
    actor = _acting_appellant(principal, appeal, phone=phone, secret=settings.jwt_secret, what="撤回异议")
    before, now = appeal.status, clock.now()
    appeal.status = wf.next_status(before, "withdraw")
    appeal.decision, appeal.reason = wf.WITHDRAWN, data.reason.strip() or "申请人撤回异议"
    appeal.decided_by, appeal.decided_at, appeal.open_key = actor, now, None
    _step(session, appeal, action="withdraw", actor=actor, role="appellant", status_from=before, at=now,
          note=data.reason or None)
    _emit_decided(session, appeal, traceparent)
    session.flush()
    return to_read(session, [appeal], today=clock.local_date(now), with_trail=True)[0]
