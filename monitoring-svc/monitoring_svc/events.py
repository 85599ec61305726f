"""monitoring-svc's outbox: its events (kit/getihu_kit/schemas/monitoring.py) written in the caller's transaction."""
from __future__ import annotations

from getihu_kit.outbox import Outbox
from monitoring_svc.models import outbox

OUTBOX = Outbox(outbox, source="monitoring-svc")
