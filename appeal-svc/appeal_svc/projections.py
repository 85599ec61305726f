"""Projections appeal-svc keeps of what can be objected to (fed by events, rebuilt by replay)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit.events import CloudEvent
from appeal_svc import repository


def apply_typing_results(session: Session, events: list[CloudEvent]) -> None:
    """TypingResultPublished: the published type per business and year; keep the newest version."""
    latest: dict[tuple[str, int], dict] = {}
    for e in events:
        d = e.data
        key = (d["uscc"], int(d["year"]))
        if key not in latest or d.get("version", 1) >= latest[key]["version"]:
            latest[key] = {"uscc": d["uscc"], "year": int(d["year"]), "type": d["type"],
                           "region_code": d.get("region_code"), "ruleset": d["ruleset"],
                           "version": int(d.get("version", 1)),
                           "published_at": dt.datetime.fromisoformat(d["published_at"])}
    repository.upsert_typing_results(session, list(latest.values()))


def apply_application_changes(session: Session, events: list[CloudEvent]) -> None:
    """ApplicationChanged: status public_notice (with notice_ends_on) opens a notice, on_hold (an
    objection arrived) keeps it within its period; any other status closes it."""
    latest: dict[str, dict] = {}
    for e in events:
        d = e.data
        changed_at = dt.datetime.fromisoformat(d["changed_at"])
        if d["application_id"] in latest and latest[d["application_id"]]["changed_at"] > changed_at:
            continue
        ends = d.get("notice_ends_on")
        latest[d["application_id"]] = {
            "application_id": d["application_id"], "uscc": d["uscc"], "region_code": d["region_code"],
            "year": int(d["year"]), "category": d["category"], "status": d["status"],
            "notice_ends_on": dt.date.fromisoformat(ends) if ends else None, "changed_at": changed_at}
    repository.upsert_notices(session, list(latest.values()))
