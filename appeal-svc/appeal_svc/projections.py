"""Projections appeal-svc keeps of what can be objected to (fed by events, rebuilt by replay)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit.events import CloudEvent
from getihu_kit.upserts import newest_per_key
from appeal_svc import repository


def apply_typing_results(session: Session, events: list[CloudEvent]) -> None:
    """TypingResultPublished: the published type per business and year; keep the newest version."""
    latest, _ = newest_per_key((e.data for e in events), key=lambda d: (d["uscc"], int(d["year"])),
                               version=lambda d: int(d.get("version", 1)))
    repository.upsert_typing_results(session, [
        {"uscc": d["uscc"], "year": int(d["year"]), "type": d["type"], "region_code": d.get("region_code"),
         "ruleset": d["ruleset"], "version": int(d.get("version", 1)),
         "published_at": dt.datetime.fromisoformat(d["published_at"])} for d in latest.values()])


def apply_application_changes(session: Session, events: list[CloudEvent]) -> None:
    """ApplicationChanged: status public_notice (with notice_ends_on) opens a notice, on_hold (an
    objection arrived) keeps it within its period; any other status closes it."""
    latest, _ = newest_per_key((e.data for e in events), key=lambda d: d["application_id"],
                               version=lambda d: dt.datetime.fromisoformat(d["changed_at"]))
    repository.upsert_notices(session, [
        {"application_id": d["application_id"], "uscc": d["uscc"], "region_code": d["region_code"],
         "year": int(d["year"]), "category": d["category"], "status": d["status"],
         "notice_ends_on": dt.date.fromisoformat(d["notice_ends_on"]) if d.get("notice_ends_on") else None,
         "changed_at": dt.datetime.fromisoformat(d["changed_at"])} for d in latest.values()])
