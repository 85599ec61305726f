"""Event handlers of registry-svc: the 名录 labels come from typing and cultivation events.

附件1 一(四)1.分型周期：将分型结果在“个体工商户名录”中分别标注; recognitions (名特优新) are labelled
while valid and the label goes when cultivation reports them cancelled, revoked or expired.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from getihu_kit.clock import as_utc
from getihu_kit.consumer import Subscription
from getihu_kit.events import CULTIVATION, TYPING_RESULTS, CloudEvent
from getihu_kit.schemas.cultivation import RecognitionChanged
from getihu_kit.schemas.typing import TypingResultPublished
from getihu_kit.upserts import newest_per_key
from registry_svc import repository

SUBSCRIPTION = "registry-directory"


def apply_typing_results(session: Session, events: list[CloudEvent]) -> None:
    """Label each business with its published type per typing year (a correction is a newer version)."""
    rows = [{"uscc": p.uscc, "year": p.year, "type": p.type, "reasons": p.reasons, "ruleset": p.ruleset,
             "run_id": p.run_id, "version": p.version, "published_at": p.published_at}
            for p in (TypingResultPublished.model_validate(e.data) for e in events)]
    latest, _ = newest_per_key(rows, key=lambda r: (r["uscc"], r["year"]), version=lambda r: r["version"])
    repository.upsert_types(session, list(latest.values()))


def apply_recognitions(session: Session, events: list[CloudEvent]) -> None:
    """Keep each recognition's newest status; the 名录 shows it only while granted/extended and valid."""
    rows = [{"recognition_id": r.recognition_id, "uscc": r.uscc, "category": r.category, "status": r.status,
             "recognised_on": r.recognised_on, "valid_until": r.valid_until, "changed_at": as_utc(r.changed_at)}
            for r in (RecognitionChanged.model_validate(e.data) for e in events)]
    latest, _ = newest_per_key(rows, key=lambda r: r["recognition_id"], version=lambda r: r["changed_at"])
    repository.upsert_recognitions(session, list(latest.values()))


def subscriptions() -> list[Subscription]:
    return [Subscription(
        name=SUBSCRIPTION, topics=[TYPING_RESULTS, CULTIVATION],
        batch_handlers={TypingResultPublished.event_type: apply_typing_results,
                        RecognitionChanged.event_type: apply_recognitions})]
