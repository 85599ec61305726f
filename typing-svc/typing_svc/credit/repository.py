"""Queries of consents, their reads and the recognition projection."""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from getihu_kit.pagination import PageRequest, keyset_page
from getihu_kit.upserts import any_of, newest_per_key, upsert_newest
from typing_svc.models import CreditConsent, CreditRead, RecognitionProjection

consents = CreditConsent.__table__
reads = CreditRead.__table__
recognitions = RecognitionProjection.__table__
RECOGNITION_COLUMNS = ("uscc", "region_code", "category", "status", "year", "recognised_on", "valid_until",
                       "benefits_from", "reason", "changed_at")


def add_consent(session: Session, **values) -> None:
    session.execute(insert(consents).values(**values))


def consent(session: Session, consent_id: str, *, lock: bool = False):
    q = select(consents).where(consents.c.id == consent_id)
    return session.execute(q.with_for_update() if lock else q).first()


def consents_of(session: Session, uscc: str, institution: str, *, share: bool = False) -> list:
    """The consents of a business to an institution; `share` locks them against a withdrawal until the read that
    relies on one commits (a withdrawal then waits for reads in flight, and every later read sees it)."""
    q = select(consents).where(consents.c.uscc == uscc, consents.c.institution == institution)
    return list(session.execute(q.with_for_update(read=True) if share else q).all())


def withdraw(session: Session, consent_id: str, at) -> None:
    session.execute(update(consents).where(consents.c.id == consent_id).values(withdrawn_at=at))


def consents_page(session: Session, usccs: list[str], page: PageRequest) -> tuple[list, str | None]:
    """The consents of these businesses, newest first."""
    q = select(consents).where(any_of(consents.c.uscc, usccs))
    return keyset_page(session, q, keys=[consents.c.granted_at, consents.c.id], page=page, descending=True,
                       key_of=lambda r: (r.granted_at, r.id))


def add_read(session: Session, **values) -> None:
    session.execute(insert(reads).values(**values))


def reads_page(session: Session, usccs: list[str], page: PageRequest) -> tuple[list, str | None]:
    """The institutions' reads of these businesses' data, newest first."""
    q = select(reads).where(any_of(reads.c.uscc, usccs))
    return keyset_page(session, q, keys=[reads.c.id], page=page, descending=True, key_of=lambda r: (r.id,))


def recognitions_of(session: Session, uscc: str) -> list:
    return list(session.execute(select(recognitions).where(recognitions.c.uscc == uscc)
                                .order_by(recognitions.c.recognised_on, recognitions.c.recognition_id)).all())


def apply_recognitions(session: Session, changes: list[dict]) -> None:
    """Upsert each recognition's newest change of the batch; an older change never overwrites a newer one."""
    latest, _ = newest_per_key(changes, lambda d: d["recognition_id"], version=lambda d: d["changed_at"])
    if latest:
        session.execute(upsert_newest(recognitions, ["recognition_id"], RECOGNITION_COLUMNS, version="changed_at"),
                        [{"recognition_id": k, **{c: d.get(c) for c in RECOGNITION_COLUMNS}} for k, d in latest.items()])
