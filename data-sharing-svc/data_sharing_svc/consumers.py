"""Event handlers of data-sharing-svc."""
from __future__ import annotations

from getihu_kit.consumer import Subscription
from getihu_kit.events import REGISTRY_BUSINESS
from getihu_kit.schemas.registry import BusinessState
from data_sharing_svc import projections


def subscriptions() -> list[Subscription]:
    return [
        Subscription(
            name="data-sharing.business-projection",
            topics=[REGISTRY_BUSINESS],
            batch_handlers={BusinessState.event_type: projections.apply_business_states},
        ),
    ]
