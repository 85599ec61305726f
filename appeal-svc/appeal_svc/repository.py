"""Every query of appeal-svc."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from getihu_kit.pagination import PageRequest, scalars_page
from getihu_kit.upserts import upsert_newest, upsert_newest_json
from appeal_svc.models import (Appeal, AppealStep, CultivationResultProjection, EvidenceFile, NoticeProjection,
                               TypingResultProjection)


# --- objections ----------------------------------------------------------------------------------
def get_appeal(session: Session, appeal_id: str, *, for_update: bool = False) -> Appeal | None:
    stmt = select(Appeal).where(Appeal.id == appeal_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def open_appeal_by_key(session: Session, open_key: str) -> Appeal | None:
    return session.execute(select(Appeal).where(Appeal.open_key == open_key)).scalar_one_or_none()


def add_appeal(session: Session, appeal: Appeal) -> bool:
    """Insert; False when another open objection holds the same open_key (a race lost)."""
    try:
        with session.begin_nested():
            session.add(appeal)
            session.flush()
    except IntegrityError:
        return False
    return True


def add_step(session: Session, step: AppealStep) -> None:
    session.add(step)


def add_evidence(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(insert(EvidenceFile), rows)


_EVIDENCE_META = (EvidenceFile.id, EvidenceFile.appeal_id, EvidenceFile.stage, EvidenceFile.filename,
                  EvidenceFile.content_type, EvidenceFile.size, EvidenceFile.sha256, EvidenceFile.uploaded_at)


def evidence_meta(session: Session, appeal_ids: list[str]) -> dict[str, list]:
    """Evidence metadata (never the content) of several objections in one query."""
    out: dict[str, list] = {a: [] for a in appeal_ids}
    if not appeal_ids:
        return out
    rows = session.execute(select(*_EVIDENCE_META).where(EvidenceFile.appeal_id.in_(appeal_ids))
                           .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)).all()
    for r in rows:
        out[r.appeal_id].append(r)
    return out


def get_evidence(session: Session, appeal_id: str, file_id: str) -> EvidenceFile | None:
    return session.execute(select(EvidenceFile).where(EvidenceFile.id == file_id,
                                                      EvidenceFile.appeal_id == appeal_id)).scalar_one_or_none()


def trail(session: Session, appeal_id: str) -> list[AppealStep]:
    return list(session.execute(select(AppealStep).where(AppealStep.appeal_id == appeal_id)
                                .order_by(AppealStep.seq)).scalars())


def appeals_query(*, statuses: list[str] | None, region_code: str | None, target_kind: str | None,
                  appellant: str | None, due_before: dt.date | None, overdue_on: dt.date | None,
                  open_statuses: tuple[str, ...]) -> Select:
    """The objections under a list's filters (paged or exported by the caller, by (due_on, id))."""
    stmt = select(Appeal)
    if statuses:
        stmt = stmt.where(Appeal.status.in_(statuses))
    if region_code:
        stmt = stmt.where(Appeal.region_code == region_code)
    if target_kind:
        stmt = stmt.where(Appeal.target_kind == target_kind)
    if appellant:
        stmt = stmt.where(Appeal.appellant == appellant)
    if due_before:
        stmt = stmt.where(Appeal.due_on <= due_before, Appeal.status.in_(open_statuses))
    if overdue_on:
        stmt = stmt.where(Appeal.due_on < overdue_on, Appeal.status.in_(open_statuses))
    return stmt


def list_appeals(session: Session, *, page: PageRequest, **filters) -> tuple[list[Appeal], str | None]:
    """One page ordered by (due_on, id): what is due first comes first."""
    return scalars_page(session, appeals_query(**filters), keys=[Appeal.due_on, Appeal.id], page=page)


# --- projections -----------------------------------------------------------------------------------
def typing_result(session: Session, uscc: str, year: int) -> TypingResultProjection | None:
    return session.get(TypingResultProjection, (uscc, year))


def notice(session: Session, application_id: str) -> NoticeProjection | None:
    return session.get(NoticeProjection, application_id)


_TYPING_COLUMNS = ("type", "region_code", "ruleset", "version", "published_at")
_NOTICE_COLUMNS = ("uscc", "region_code", "year", "category", "status", "notice_ends_on", "changed_at")


def upsert_typing_results(session: Session, rows: list[dict]) -> None:
    """Set-based upsert; an older version never overwrites a newer one (a correction is newer).
    The whole batch is one statement with one JSON parameter (a year's publication arrives as tens
    of thousands of events)."""
    upsert_newest_json(session, TypingResultProjection.__table__, rows, keys=("uscc", "year"),
                       columns=_TYPING_COLUMNS, version="version")


def upsert_notices(session: Session, rows: list[dict]) -> None:
    """Set-based upsert of application steps; an older change never overwrites a newer one."""
    if rows:
        session.execute(upsert_newest(NoticeProjection.__table__, ("application_id",), _NOTICE_COLUMNS,
                                      version="changed_at"), rows)


_RESULT_COLUMNS = ("uscc", "region_code", "year", "open", "reason", "changed_at")


def upsert_cultivation_results(session: Session, rows: list[dict]) -> None:
    """Set-based upsert of the results objectionable or no longer standing; an older change never overwrites a newer."""
    if rows:
        session.execute(upsert_newest(CultivationResultProjection.__table__, ("target_kind", "target_id"),
                                      _RESULT_COLUMNS, version="changed_at"), rows)


def close_cultivation_results(session: Session, changed_at_by_id: dict[str, dt.datetime]) -> None:
    """The results of these targets no longer stand (the case was reopened, the recognition restored): one statement
    for the batch; a change older than what the row holds leaves it as it is."""
    if not changed_at_by_id:
        return
    ids = list(changed_at_by_id)
    session.execute(text(
        "UPDATE cultivation_result_projection AS p SET open = false, changed_at = v.changed_at "
        "FROM unnest(CAST(:ids AS text[]), CAST(:ats AS timestamptz[])) AS v(target_id, changed_at) "
        "WHERE p.target_id = v.target_id AND p.open AND p.changed_at < v.changed_at"),
        {"ids": ids, "ats": [changed_at_by_id[i] for i in ids]})


def cultivation_result(session: Session, target_kind: str, target_id: str) -> CultivationResultProjection | None:
    return session.get(CultivationResultProjection, (target_kind, target_id))
