"""The business state event: the whole business after every change (marks, reports, history).

A bulk chunk and a single request take the same path and emit the same snapshot. On PostgreSQL the
snapshots are built by the database and written to the outbox by one INSERT … SELECT
(Outbox.emit_select): no business travels through Python, which was half the CPU of an import.
Elsewhere (SQLite) they are built here with one query per table and written with emit_many;
`states` is also the reference the SQL is tested against.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from getihu_kit.db import is_postgres
from getihu_kit.outbox import Outbox
from getihu_kit.schemas.registry import BusinessState
from registry_svc import repository, rules
from registry_svc.models import outbox as outbox_table

outbox = Outbox(outbox_table, source="/getihu/registry")


def states(session: Session, usccs: Iterable[str]) -> list[BusinessState]:
    keys = sorted(set(usccs))
    heads = repository.businesses(session, keys)
    ops = repository.operators_of(session, keys)
    history = repository.status_history_of(session, keys)
    reports = repository.annual_reports_of(session, keys)
    marks = repository.marks_of(session, keys)
    now = dt.datetime.now(dt.timezone.utc)
    out = []
    for k in keys:
        b = heads.get(k)
        if b is None:
            continue
        periods = ops.get(k, [])
        current = next((o for o in reversed(periods) if o.to_on is None), periods[-1])
        # One validation call per business (nested values as plain dicts): the bulk path's hot loop.
        out.append(BusinessState.model_validate({
            "uscc": b.uscc, "name": b.name, "region_code": b.region_code, "industry_code": b.industry_code,
            "established_on": b.established_on, "seasonal": b.seasonal, "address": b.address,
            "business_scope": b.business_scope, "status": b.status, "status_effective_on": b.status_effective_on,
            "status_history": [{"status": s.status, "effective_on": s.effective_on} for s in history.get(k, [])],
            "operator": {"name": current.name, "id_number": current.id_number, "phone": current.phone,
                         "email": current.email, "since": current.from_on},
            "operator_history": [{"name": o.name, "id_number": o.id_number, "from_on": o.from_on, "to_on": o.to_on}
                                 for o in periods],
            "annual_reports": [{"year": r.year, "submitted_on": r.submitted_on, "employees": r.employees,
                                "revenue": r.revenue, "tax_paid": r.tax_paid} for r in reports.get(k, [])],
            "marks": [{"id": m.id, "kind": m.kind, "start_on": m.start_on, "end_on": m.end_on,
                       "penalty_kind": m.penalty_kind, "amount": m.amount, "publicized_on": m.publicized_on,
                       "level": m.level, "reason": m.reason,
                       "legal_max_end_on": rules.suspension_legal_end(m.start_on) if m.kind == "suspension" else None}
                      for m in marks.get(k, [])],
            "version": b.version, "changed_at": now,
        }))
    return out


def publish(session: Session, usccs: Iterable[str], traceparent: str | None = None) -> int:
    """One snapshot per business in `usccs`, all in the caller's transaction (one statement)."""
    session.flush()
    if is_postgres(session.get_bind()):
        keys = sorted(set(usccs))
        if not keys:
            return 0
        return outbox.emit_select(session, BusinessState,
                                  repository.states_select_pg(keys, rules.SUSPENSION_MAX_YEARS),
                                  traceparent=traceparent)
    snapshot = states(session, usccs)
    return outbox.emit_many(session, [(s, s.uscc) for s in snapshot], traceparent=traceparent)


def publish_registered(session: Session, usccs: Iterable[str], traceparent: str | None = None) -> int:
    """publish() for businesses repository.register_staged has just registered (PostgreSQL): the same
    snapshots, read off the staging rows."""
    keys = sorted(set(usccs))
    if not keys:
        return 0
    return outbox.emit_select(session, BusinessState, repository.new_states_select_pg(keys), traceparent=traceparent)
