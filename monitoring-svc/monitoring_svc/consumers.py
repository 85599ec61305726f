"""Event handlers of monitoring-svc."""
from __future__ import annotations

from getihu_kit.consumer import Subscription
from getihu_kit.events import REGISTRY_BUSINESS, TYPING_RESULTS
from getihu_kit.schemas.registry import BusinessState
from getihu_kit.schemas.typing import TypingResultPublished
from monitoring_svc.projections import apply_business_states, apply_typing_results


def subscriptions(name: str = "monitoring-projections") -> list[Subscription]:
    return [Subscription(name=name, topics=[REGISTRY_BUSINESS, TYPING_RESULTS], batch_handlers={
        BusinessState.event_type: apply_business_states,
        TypingResultPublished.event_type: apply_typing_results,
    })]
