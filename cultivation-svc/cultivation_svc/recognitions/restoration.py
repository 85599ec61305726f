"""Objections to cultivation results (附件1 四(四)：及时受理个体工商户对分型分类结果异议): appeal-svc files and decides
them; an upheld one reopens a refused case or restores a cancelled, spot-check refused or revoked recognition.

A restored recognition is in force again, so it takes its place in the county's 5 % under the same lock as a
recognition (二(四)3); a reopened case, recognised later, may fall in December of its cycle (三(四)) and counts
against that cycle's quota."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit import clock
from cultivation_svc import events
from cultivation_svc.applications import repository as app_repo
from cultivation_svc.applications import service as applications
from cultivation_svc.projections import repository as proj
from cultivation_svc.recognitions import repository
from cultivation_svc.recognitions import service as recognitions
from cultivation_svc.recognitions.models import Recognition
from cultivation_svc.rules import limits

# appeal-svc's target kinds of cultivation results (target: the application for a refusal, else the recognition).
REFUSAL, CANCELLATION, SPOT_CHECK, REVOCATION = ("cultivation_refusal", "cultivation_cancellation",
                                                 "cultivation_spot_check", "cultivation_revocation")
RESULT_KINDS = (REFUSAL, CANCELLATION, SPOT_CHECK, REVOCATION)
RESULT_LABELS = {REFUSAL: "不予认定", CANCELLATION: "取消认定", SPOT_CHECK: "抽查不予认定", REVOCATION: "撤销认定"}


def _case(session: Session, target_kind: str, target_id: str):
    """The application and (if any) the recognition an objection is about, both locked."""
    if target_kind == REFUSAL:
        app = app_repo.get(session, target_id, lock=True)
        rec = repository.for_application(session, target_id, lock=True) if app else None
    else:
        rec = repository.get(session, target_id, lock=True)
        app = app_repo.get(session, rec.application_id, lock=True) if rec else None
    return app, rec


def objection_filed(session: Session, *, appeal_id: str, target_kind: str, target_id: str, filed_at: dt.datetime,
                    due_on: dt.date | None = None, traceparent: str | None = None) -> None:
    """The case records the objection (its trail and open objections); nothing is held: the result stands until
    appeal-svc decides."""
    app, _ = _case(session, target_kind, target_id)
    if app is None:
        return
    proj.record_appeal(session, appeal_id=appeal_id, application_id=app.id, status="filed", filed_at=filed_at,
                       about=applications.objection_about(app, target_kind, target_id, due_on))
    applications.record_step(session, app, step="result_objection_filed", status=app.status, actor="appeal-svc",
                             detail={"appeal_id": appeal_id, "target_kind": target_kind, "target_id": target_id},
                             traceparent=traceparent)


def objection_decided(session: Session, *, appeal_id: str, target_kind: str, target_id: str, decision: str,
                      reason: str, decided_at: dt.datetime, traceparent: str | None = None) -> None:
    app, rec = _case(session, target_kind, target_id)
    if app is None:
        return
    proj.record_appeal(session, appeal_id=appeal_id, application_id=app.id, status=decision, decided_at=decided_at)
    detail = {"appeal_id": appeal_id, "target_kind": target_kind, "decision": decision, "reason": reason}
    if decision != "upheld":
        applications.record_step(session, app, step="result_objection_decided", status=app.status,
                                 actor="appeal-svc", detail=detail, traceparent=traceparent)
        return
    on = clock.local_date(decided_at)
    label = RESULT_LABELS.get(target_kind, target_kind)
    if rec is not None and rec.status not in repository.ACTIVE:
        restore(session, rec=rec, app=app, on=on, detail=detail, label=label, traceparent=traceparent)
    elif rec is None and app.status == "refused":
        reopen(session, app=app, detail=detail, appeal_id=appeal_id, label=label, traceparent=traceparent)
    else:  # the result no longer stands (already reopened or restored): the trail says so
        applications.record_step(session, app, step="result_objection_decided", status=app.status,
                                 actor="appeal-svc", detail={**detail, "nothing_to_restore": True},
                                 traceparent=traceparent)


def status_before_refusal(steps) -> str:
    """The step a refused case goes back to: the status it had when it was last refused (a case refused on an upheld
    notice objection goes back to its notice, already served)."""
    before, previous = "submitted", None
    for s in steps:
        if s.status_after == "refused" and previous not in (None, "refused"):
            before = previous
        previous = s.status_after
    return "public_notice" if before == "on_hold" else before


def reopen(session: Session, *, app, detail: dict, appeal_id: str, label: str, traceparent: str | None) -> None:
    """四(四): an upheld objection to a refusal reopens the case at the step it was refused in."""
    back_to = status_before_refusal(app_repo.steps(session, app.id))
    app.reopened_by = appeal_id
    applications.record_step(session, app, step="objection_upheld", status=back_to, actor="appeal-svc",
                             detail={**detail, "reopened_at": back_to},
                             reason=f"对{label}的异议成立（{appeal_id}）：{detail['reason']}，案件恢复办理",
                             traceparent=traceparent)


def restore(session: Session, *, rec: Recognition, app, on: dt.date, detail: dict, label: str,
            traceparent: str | None) -> None:
    """An upheld objection to a cancellation, a spot-check refusal or a revocation restores the recognition as it was
    — in force again only within its term and the county's 5 % (二(四)3, under the county's lock)."""
    was = rec.revoked_from if rec.status == "revoked" else "granted"
    if rec.status == "revoked" and was not in repository.ACTIVE:
        # revoked after it had ended: the revocation (and its 5-year bar) goes, the earlier end stays
        rec.status, rec.revoked_on, rec.revoked_from = was, None, None
        rec.restored_from, rec.changed_at = detail["appeal_id"], clock.now()
        session.flush()
        events.recognition_changed(session, rec, reason=f"撤销认定的异议成立：{detail['reason']}", traceparent=traceparent)
        applications.record_step(session, app, step="objection_upheld", status=app.status, actor="appeal-svc",
                                 detail={**detail, "restored": was}, traceparent=traceparent)
        return
    if rec.valid_until < on:
        applications.record_step(session, app, step="objection_upheld", status=app.status, actor="appeal-svc",
                                 detail={**detail, "restored": False},
                                 reason=f"对{label}的异议成立，但认定有效期已于 {rec.valid_until.isoformat()} 届满，不再恢复",
                                 traceparent=traceparent)
        return
    repository.lock_county_quota(session, rec.region_code, rec.year)
    refusal = limits.quota_check(recognitions.quota(session, region_code=rec.region_code, year=rec.year, on=on))
    if refusal is not None:
        applications.record_step(session, app, step="restore_blocked", status=app.status, actor="appeal-svc",
                                 detail={**detail, "refusals": [refusal.as_dict()]},
                                 reason=f"对{label}的异议成立，但{refusal.message}，待县级处理", traceparent=traceparent)
        return
    rec.status = "extended" if rec.extensions else "granted"
    rec.ended_on = rec.end_reason = rec.revoked_on = rec.revoked_from = None
    if rec.spot_check == "refused":
        rec.spot_check = "passed"
    rec.restored_from, rec.changed_at = detail["appeal_id"], clock.now()
    session.flush()
    events.recognition_changed(session, rec, reason=f"对{label}的异议成立，恢复认定：{detail['reason']}",
                               traceparent=traceparent)
    applications.record_step(session, app, step="objection_upheld", status="recognised", actor="appeal-svc",
                             detail={**detail, "restored": rec.status},
                             reason=f"对{label}的异议成立（{detail['appeal_id']}），恢复认定", traceparent=traceparent)
