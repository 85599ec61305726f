"""Projections typing-svc keeps of other services' state (fed by events, rebuilt by replay)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import case
from sqlalchemy.orm import Session

from getihu_kit.db import is_postgres
from getihu_kit.events import CloudEvent
from typing_svc.models import BusinessProjection


def apply_business_states(session: Session, events: list[CloudEvent]) -> None:
    """Set-based upsert of business snapshots; an older version never overwrites a newer one."""
    latest: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for e in events:
        d = e.data
        counts[d["uscc"]] = counts.get(d["uscc"], 0) + 1
        if d["uscc"] not in latest or d.get("version", 0) >= latest[d["uscc"]].get("version", 0):
            latest[d["uscc"]] = d
    if not latest:
        return
    rows = [{"uscc": u, "region_code": d["region_code"], "established_on": dt.date.fromisoformat(d["established_on"]),
             "state": d, "version": d.get("version", 0), "applied_events": counts[u]} for u, d in latest.items()]
    table = BusinessProjection.__table__
    if is_postgres(session.get_bind()):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    newer = stmt.excluded.version >= table.c.version
    stmt = stmt.on_conflict_do_update(index_elements=["uscc"], set_={
        "region_code": case((newer, stmt.excluded.region_code), else_=table.c.region_code),
        "established_on": case((newer, stmt.excluded.established_on), else_=table.c.established_on),
        "state": case((newer, stmt.excluded.state), else_=table.c.state),
        "version": case((newer, stmt.excluded.version), else_=table.c.version),
        "applied_events": table.c.applied_events + stmt.excluded.applied_events,
    })
    session.execute(stmt, rows)
