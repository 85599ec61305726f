"""Use cases of credit reads: operators grant, list and withdraw consents and see who read what; a financial
institution reads under a consent in force, each read audited in its own transaction. Never commit."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal
from getihu_kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from getihu_kit.labels import CATEGORY_LABELS, CREDIT_SCOPE_LABELS, RECOGNITION_CHANGE_LABELS
from getihu_kit.pagination import PageRequest
from typing_svc import service as typing
from typing_svc.credit import repository as repo
from typing_svc.credit.rules import SCOPES, permit, status


def _consent_read(row, today: dt.date) -> dict:
    scope = [s for s in SCOPES if s in row.scope]
    return {"id": row.id, "uscc": row.uscc, "institution": row.institution, "scope": scope,
            "scope_labels": [CREDIT_SCOPE_LABELS[s] for s in scope], "expires_on": row.expires_on,
            "granted_at": row.granted_at, "granted_by": row.granted_by, "withdrawn_at": row.withdrawn_at,
            "status": status(row, today)}


def _own(principal: Principal, uscc: str) -> None:
    if not principal.owns(uscc):
        raise Forbidden("只有该个体工商户的经营者本人可以授权、查看或撤回信用查询授权", field="uscc")


def _owned(principal: Principal, uscc: str | None) -> list[str]:
    if uscc is not None:
        _own(principal, uscc)
        return [uscc]
    return sorted(principal.usccs)


def grant(session: Session, *, uscc: str, institution: str, scope: list[str], expires_on: dt.date,
          principal: Principal, today: dt.date) -> dict:
    """The operator consents, online, that one institution read `scope` until `expires_on` (inclusive)."""
    _own(principal, uscc)
    if expires_on <= today:
        raise InvalidInput(f"授权截止日期应晚于今天（{today.isoformat()}）", field="expires_on")
    if any(status(c, today) == "in_force" for c in repo.consents_of(session, uscc, institution)):
        raise Conflict("已向该机构授权且仍在有效期内；如需调整范围或期限，请先撤回原授权再重新授权",
                       code="credit_consent_exists")
    consent_id = f"cc_{uuid.uuid4().hex[:24]}"
    repo.add_consent(session, id=consent_id, uscc=uscc, institution=institution,
                     scope=[s for s in SCOPES if s in scope], expires_on=expires_on, granted_at=clock.now(),
                     granted_by=principal.audit_name())
    return _consent_read(repo.consent(session, consent_id), today)


def withdraw(session: Session, *, consent_id: str, principal: Principal, today: dt.date) -> dict:
    """Withdrawal at any time, effective at once: the next read under it (checked in its own transaction) is refused."""
    row = repo.consent(session, consent_id, lock=True)
    if row is None or not principal.owns(row.uscc):
        raise NotFound(f"授权“{consent_id}”不存在或不是本人所作", code="credit_consent_not_found")
    if row.withdrawn_at is not None:
        raise Conflict(f"该授权已于 {clock.local_date(row.withdrawn_at).isoformat()} 撤回", code="credit_consent_not_in_force")
    repo.withdraw(session, consent_id, clock.now())
    return _consent_read(repo.consent(session, consent_id), today)


def list_consents(session: Session, *, uscc: str | None, principal: Principal, page: PageRequest,
                  today: dt.date) -> dict:
    rows, nxt = repo.consents_page(session, _owned(principal, uscc), page)
    return {"items": [_consent_read(r, today) for r in rows], "next_cursor": nxt}


def list_reads(session: Session, *, uscc: str | None, principal: Principal, page: PageRequest) -> dict:
    """The operator sees every institution's read of its businesses' data, newest first."""
    rows, nxt = repo.reads_page(session, _owned(principal, uscc), page)
    return {"items": [{**r._mapping, "what_label": CREDIT_SCOPE_LABELS[r.what]} for r in rows], "next_cursor": nxt}


def _permitted(session: Session, *, uscc: str, scope: str, principal: Principal, today: dt.date, year: int | None):
    """The consent in force for this read, and its audit entry written in this same transaction."""
    consent = permit(repo.consents_of(session, uscc, principal.sub, share=True), scope=scope, today=today)
    repo.add_read(session, consent_id=consent.id, uscc=uscc, institution=principal.sub,
                  reader=principal.audit_name(), what=scope, year=year, read_at=clock.now())
    return consent


def read_result(session: Session, *, uscc: str, year: int, principal: Principal, today: dt.date) -> dict:
    """The published result with its explanation facts and their sources, under a consent to result_facts."""
    consent = _permitted(session, uscc=uscc, scope="result_facts", principal=principal, today=today, year=year)
    return {**typing.get_result(session, uscc=uscc, year=year, principal=principal, show_facts=True),
            "consent_id": consent.id}


def read_recognitions(session: Session, *, uscc: str, principal: Principal, today: dt.date) -> dict:
    """The business's 名特优新 recognitions as cultivation-svc last told them, under a consent to recognition_details."""
    consent = _permitted(session, uscc=uscc, scope="recognition_details", principal=principal, today=today, year=None)
    items = [{**r._mapping, "category_label": CATEGORY_LABELS.get(r.category, r.category),
              "status_label": RECOGNITION_CHANGE_LABELS.get(r.status, r.status)}
             for r in repo.recognitions_of(session, uscc)]
    return {"uscc": uscc, "consent_id": consent.id, "items": items}
