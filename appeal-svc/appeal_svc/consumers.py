"""Event handlers of appeal-svc."""
from __future__ import annotations

from getihu_kit.consumer import Subscription
from getihu_kit.events import CULTIVATION, TYPING_RESULTS
from getihu_kit.schemas.cultivation import ApplicationChanged, RecognitionChanged
from getihu_kit.schemas.typing import TypingResultPublished
from appeal_svc.projections import apply_application_changes, apply_recognition_changes, apply_typing_results


def subscriptions(name: str = "appeal-projections") -> list[Subscription]:
    return [Subscription(name=name, topics=[TYPING_RESULTS, CULTIVATION], batch_handlers={
        TypingResultPublished.event_type: apply_typing_results,
        ApplicationChanged.event_type: apply_application_changes,
        RecognitionChanged.event_type: apply_recognition_changes,
    })]
