"""Event handlers of monitoring-svc: the projections the analysis is built from."""
from __future__ import annotations

from getihu_kit.consumer import Subscription
from getihu_kit.events import APPEAL, CULTIVATION, REGISTRY_BUSINESS, TYPING_RESULTS
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from getihu_kit.schemas.cultivation import RecognitionChanged
from getihu_kit.schemas.registry import BusinessState
from getihu_kit.schemas.typing import TypingResultPublished
from monitoring_svc.projections import (apply_appeals_decided, apply_appeals_filed, apply_business_states,
                                        apply_recognitions, apply_typing_results)


def subscriptions(name: str = "monitoring-projections") -> list[Subscription]:
    return [Subscription(name=name, topics=[REGISTRY_BUSINESS, TYPING_RESULTS, CULTIVATION, APPEAL], batch_handlers={
        BusinessState.event_type: apply_business_states,
        TypingResultPublished.event_type: apply_typing_results,
        RecognitionChanged.event_type: apply_recognitions,
        AppealFiled.event_type: apply_appeals_filed,
        AppealDecided.event_type: apply_appeals_decided,
    })]
