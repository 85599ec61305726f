"""Every query of appeal-svc."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import and_, case, insert, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from getihu_kit.db import is_postgres
from appeal_svc.models import Appeal, AppealStep, EvidenceFile, NoticeProjection, TypingResultProjection


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


def list_appeals(session: Session, *, statuses: list[str] | None, region_code: str | None,
                 target_kind: str | None, appellant: str | None, due_before: dt.date | None,
                 overdue_on: dt.date | None, open_statuses: tuple[str, ...],
                 after: tuple[dt.date, str] | None, limit: int) -> list[Appeal]:
    """One page ordered by (due_on, id): what is due first comes first (keyset pagination)."""
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
    if after:
        d, i = after
        stmt = stmt.where(or_(Appeal.due_on > d, and_(Appeal.due_on == d, Appeal.id > i)))
    return list(session.execute(stmt.order_by(Appeal.due_on, Appeal.id).limit(limit)).scalars())


# --- projections -----------------------------------------------------------------------------------
def typing_result(session: Session, uscc: str, year: int) -> TypingResultProjection | None:
    return session.get(TypingResultProjection, (uscc, year))


def notice(session: Session, application_id: str) -> NoticeProjection | None:
    return session.get(NoticeProjection, application_id)


def _insert(session: Session):
    if is_postgres(session.get_bind()):
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert


_TYPING_UPSERT_PG = text("""
    INSERT INTO typing_result_projection (uscc, year, type, region_code, ruleset, version, published_at)
    SELECT r.uscc, r.year, r.type, r.region_code, r.ruleset, r.version, r.published_at
    FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(uscc varchar, year int, type varchar, region_code varchar,
                                                      ruleset varchar, version int, published_at timestamptz)
    ON CONFLICT (uscc, year) DO UPDATE SET
        type = excluded.type, region_code = excluded.region_code, ruleset = excluded.ruleset,
        version = excluded.version, published_at = excluded.published_at
    WHERE excluded.version >= typing_result_projection.version""")


def upsert_typing_results(session: Session, rows: list[dict]) -> None:
    """Set-based upsert; an older version never overwrites a newer one (a correction is newer).

    On PostgreSQL the whole batch is one statement with one JSON parameter (a year's publication
    arrives as tens of thousands of events); SQLite takes the same upsert as executemany."""
    if not rows:
        return
    if is_postgres(session.get_bind()):
        session.execute(_TYPING_UPSERT_PG, {"rows": json.dumps(rows, default=str)})
        return
    table = TypingResultProjection.__table__
    stmt = _insert(session)(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["uscc", "year"],
        set_={c: stmt.excluded[c] for c in ("type", "region_code", "ruleset", "version", "published_at")},
        where=stmt.excluded.version >= table.c.version)
    session.execute(stmt, rows)


def upsert_notices(session: Session, rows: list[dict]) -> None:
    """Set-based upsert of application steps; an older change never overwrites a newer one."""
    if not rows:
        return
    table = NoticeProjection.__table__
    stmt = _insert(session)(table)
    newer = stmt.excluded.changed_at >= table.c.changed_at
    stmt = stmt.on_conflict_do_update(index_elements=["application_id"], set_={
        c: case((newer, stmt.excluded[c]), else_=table.c[c])
        for c in ("uscc", "region_code", "year", "category", "status", "notice_ends_on", "changed_at")})
    session.execute(stmt, rows)
