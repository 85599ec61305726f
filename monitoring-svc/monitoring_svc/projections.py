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


def apply_recognitions(session: Session, events: list[CloudEvent]) -> None:
    """RecognitionChanged: a recognition's newest state (granted, extended, cancelled, revoked, expired)."""
    latest, _ = newest_per_key((e.data for e in events), key=lambda d: d["recognition_id"],
                               version=lambda d: dt.datetime.fromisoformat(d["changed_at"]))
    repository.upsert_recognitions(session, [
        {"recognition_id": d["recognition_id"], "uscc": d["uscc"], "region_code": d["region_code"],
         "category": d["category"], "status": d["status"], "year": d.get("year"),
         "recognised_on": dt.date.fromisoformat(d["recognised_on"]),
         "valid_until": dt.date.fromisoformat(d["valid_until"]),
         "changed_at": dt.datetime.fromisoformat(d["changed_at"])} for d in latest.values()])


def apply_appeals_filed(session: Session, events: list[CloudEvent]) -> None:
    """AppealFiled: an objection and when it was filed (a decision seen first keeps its decision)."""
    repository.record_appeals_filed(session, [
        {"appeal_id": d["appeal_id"], "target_kind": d["target_kind"], "uscc": d["uscc"], "year": d.get("year"),
         "region_code": d.get("region_code"), "filed_at": dt.datetime.fromisoformat(d["filed_at"]),
         "due_on": dt.date.fromisoformat(d["due_on"])} for d in (e.data for e in events)])


def apply_appeals_decided(session: Session, events: list[CloudEvent]) -> None:
    """AppealDecided: the objection's outcome and when it was given."""
    repository.record_appeals_decided(session, [
        {"appeal_id": d["appeal_id"], "target_kind": d["target_kind"], "uscc": d["uscc"], "year": d.get("year"),
         "region_code": d.get("region_code"),
         "filed_at": dt.datetime.fromisoformat(d["filed_at"]) if d.get("filed_at") else None,
         "due_on": dt.date.fromisoformat(d["due_on"]) if d.get("due_on") else None,
         "decision": d["decision"], "decided_at": dt.datetime.fromisoformat(d["decided_at"])}
        for d in (e.data for e in events)])
