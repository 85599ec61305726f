"""Event handlers of cultivation-svc."""
from __future__ import annotations

from getihu_kit.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return []
