"""Every query of registry-svc."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry_svc.models import Business, Operator


def get_business(session: Session, uscc: str) -> Business | None:
    return session.get(Business, uscc)


def current_operator(session: Session, uscc: str) -> Operator | None:
    return session.execute(
        select(Operator).where(Operator.uscc == uscc, Operator.to_on.is_(None)).order_by(Operator.id.desc())
    ).scalars().first()


def operator_history(session: Session, uscc: str) -> list[Operator]:
    return list(session.execute(select(Operator).where(Operator.uscc == uscc).order_by(Operator.id)).scalars())
