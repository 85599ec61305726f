"""Projections appeal-svc keeps of what can be objected to (fed by events, rebuilt by replay)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit.events import CloudEvent
from getihu_kit.upserts import newest_per_key
from appeal_svc import repository
from appeal_svc.rules import workflow as wf


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
    objection arrived) keeps it within its period; any other status closes it. Status refused is a result the
    operator may object to (四(四)); any later status (reopened) means the refusal no longer stands."""
    latest, _ = newest_per_key((e.data for e in events), key=lambda d: d["application_id"],
                               version=lambda d: dt.datetime.fromisoformat(d["changed_at"]))
    refused = [d for d in latest.values() if d["status"] == "refused"]
    repository.upsert_cultivation_results(session, [
        {"target_kind": wf.CULTIVATION_REFUSAL, "target_id": d["application_id"], "uscc": d["uscc"],
         "region_code": d["region_code"], "year": int(d["year"]), "open": True, "reason": d.get("reason"),
         "changed_at": dt.datetime.fromisoformat(d["changed_at"])} for d in refused])
    repository.close_cultivation_results(session, {
        d["application_id"]: dt.datetime.fromisoformat(d["changed_at"]) for d in latest.values()
        if d["status"] != "refused"})
    repository.upsert_notices(session, [
        {"application_id": d["application_id"], "uscc": d["uscc"], "region_code": d["region_code"],
         "year": int(d["year"]), "category": d["category"], "status": d["status"],
         "notice_ends_on": dt.date.fromisoformat(d["notice_ends_on"]) if d.get("notice_ends_on") else None,
         "changed_at": dt.datetime.fromisoformat(d["changed_at"])} for d in latest.values()])


def apply_recognition_changes(session: Session, events: list[CloudEvent]) -> None:
    """RecognitionChanged: a cancellation, a spot-check refusal or a revocation is a result the operator may object to
    (四(四)); a recognition in force again (restored) closes them."""
    latest, _ = newest_per_key((e.data for e in events), key=lambda d: d["recognition_id"],
                               version=lambda d: dt.datetime.fromisoformat(d["changed_at"]))
    rows, closed = [], {}
    for d in latest.values():
        at = dt.datetime.fromisoformat(d["changed_at"])
        kind = wf.cultivation_result_kind(d["status"], d.get("reason"))
        if kind is not None:
            rows.append({"target_kind": kind, "target_id": d["recognition_id"], "uscc": d["uscc"],
                         "region_code": d["region_code"], "year": d.get("year"), "open": True,
                         "reason": d.get("reason"), "changed_at": at})
        elif d["status"] in ("granted", "extended"):
            closed[d["recognition_id"]] = at
    repository.upsert_cultivation_results(session, rows)
    repository.close_cultivation_results(session, closed)
