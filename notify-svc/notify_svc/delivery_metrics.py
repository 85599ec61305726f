"""notify's metric families for the worker's /metrics (kit.metrics): deliveries by channel and state,
and the attempts and failed attempts behind them, read from the deliveries table at scrape time."""
from __future__ import annotations

from sqlalchemy import case, func, select

from getihu_kit.metrics import counter_family, gauge_family
from notify_svc.models import Delivery


def delivery_metrics(conn):
    t = Delivery.__table__
    by_state = gauge_family("getihu_notify_deliveries", ["channel", "state"])
    attempts = counter_family("getihu_notify_delivery_attempts_total", ["channel"])
    failures = counter_family("getihu_notify_delivery_failures_total", ["channel"])
    totals: dict[str, list[int]] = {}
    rows = conn.execute(select(t.c.channel, t.c.status, func.count(), func.coalesce(func.sum(t.c.attempts), 0),
                               func.count(case((t.c.status == "sent", 1))))
                        .group_by(t.c.channel, t.c.status))
    for channel, state, n, tried, sent in rows:
        by_state.add_metric([channel, state], n)
        acc = totals.setdefault(channel, [0, 0])
        acc[0] += int(tried)
        acc[1] += int(tried) - int(sent)  # a sent delivery's last attempt succeeded; every other one failed
    for channel, (tried, failed) in sorted(totals.items()):
        attempts.add_metric([channel], tried)
        failures.add_metric([channel], max(0, failed))
    yield by_state
    yield attempts
    yield failures
