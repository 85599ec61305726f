"""The business state event: the whole business after every change (marks, reports, history).

A bulk chunk and a single request take the same path and emit the same snapshot: PostgreSQL builds
the snapshots (repository.states_select, the one builder of the event) and writes them to the outbox
in one INSERT … SELECT (Outbox.emit_select), so no business travels through Python.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from getihu_kit.outbox import Outbox
from getihu_kit.schemas.registry import BusinessState
from registry_svc import repository, rules
from registry_svc.models import outbox as outbox_table

outbox = Outbox(outbox_table, source="/getihu/registry")


def publish(session: Session, usccs: Iterable[str], traceparent: str | None = None) -> int:
    """One snapshot per business in `usccs`, all in the caller's transaction (one statement)."""
    session.flush()
    keys = sorted(set(usccs))
    if not keys:
        return 0
    return outbox.emit_select(session, BusinessState, repository.states_select(keys, rules.SUSPENSION_MAX_YEARS),
                              traceparent=traceparent)


def publish_registered(session: Session, usccs: Iterable[str], traceparent: str | None = None) -> int:
    """publish() for businesses repository.register_staged has just registered: the same snapshots,
    read off the staging rows."""
    keys = sorted(set(usccs))
    if not keys:
        return 0
    return outbox.emit_select(session, BusinessState, repository.new_states_select(keys), traceparent=traceparent)
