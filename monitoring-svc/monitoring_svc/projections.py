"""Projections monitoring-svc keeps of the other services' state (fed by events, rebuilt by replay)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit.events import CloudEvent
from getihu_kit.upserts import newest_per_key
from monitoring_svc import repository


def apply_business_states(session: Session, events: list[CloudEvent]) -> None:
    """BusinessState: where each business is (its county) and its industry, for scope and analysis."""
    latest, _ = newest_per_key((e.data for e in events), key=lambda d: d["uscc"],
                               version=lambda d: int(d.get("version", 1)))
    repository.upsert_businesses(session, [
        {"uscc": d["uscc"], "name": d.get("name"), "region_code": d["region_code"],
         "industry_code": d.get("industry_code"), "status": d.get("status", "registered"),
         "version": int(d.get("version", 1))} for d in latest.values()])


def apply_typing_results(session: Session, events: list[CloudEvent]) -> None:
    """TypingResultPublished: the published type per business and year; the newest version wins."""
    latest, _ = newest_per_key((e.data for e in events), key=lambda d: (d["uscc"], int(d["year"])),
                               version=lambda d: int(d.get("version", 1)))
    repository.upsert_typing_results(session, [
        {"uscc": d["uscc"], "year": int(d["year"]), "type": d["type"], "region_code": d.get("region_code"),
         "industry_code": d.get("industry_code"), "ruleset": d["ruleset"], "version": int(d.get("version", 1)),
         "published_at": dt.datetime.fromisoformat(d["published_at"])} for d in latest.values()])
