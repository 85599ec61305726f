"""Event handlers of registry-svc (the 名录 labels come from typing and cultivation events)."""
from __future__ import annotations

from getihu_kit.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return []
