"""Prometheus metrics of the workers (and the gateway), served on a port of their own that no
public port exposes (GETIHU_METRICS_PORT, per service <PREFIX>METRICS_PORT; 0 = off).

Two kinds: counters the process keeps (events relayed, applied, dead-lettered; consumer lag as seen
by its last poll), and values read from the service's own database at scrape time (outbox backlog
and the age of its oldest row, jobs by state and progress, dead-lettered inbox rows, and whatever a
service adds, e.g. notify's delivery attempts), so they hold across restarts and replicas.
The names are listed in the README (Metrics) and tested (kit/tests/test_metrics.py).
"""
from __future__ import annotations

import http.server
import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

# One family per line of the README table; a test checks both agree.
NAMES = {
    "getihu_outbox_relayed_events_total": "events the outbox relay published",
    "getihu_outbox_backlog": "outbox rows not yet published",
    "getihu_outbox_oldest_age_seconds": "age of the oldest unpublished outbox row (0 when empty)",
    "getihu_consumer_events_total": "events a consumer group applied (outcome: applied, duplicate or dead_lettered)",
    "getihu_consumer_lag": "records behind the partition's end, per consumer group and partition, at its last poll",
    "getihu_dlq_events_total": "events this process sent to a dead-letter topic, per consumer group and topic",
    "getihu_inbox_dead_lettered": "dead-lettered events recorded in the inbox, per consumer group",
    "getihu_jobs": "jobs by kind and state",
    "getihu_job_progress": "progress (0..1) of each running job",
    "getihu_notify_delivery_attempts_total": "e-mail and SMS delivery attempts, per channel",
    "getihu_notify_delivery_failures_total": "failed delivery attempts, per channel",
    "getihu_notify_deliveries": "deliveries by channel and state (the deliveries table's status: pending, sent, dead, …)",
    "getihu_worker_up": "1 while every loop of the worker runs",
}


class WorkerMetrics:
    """The counters a worker's relay and consumers update; one registry per worker."""

    def __init__(self, service: str, *, relay_child_total: Path | None = None):
        self.service = service
        self.registry = CollectorRegistry()
        r = self.registry
        if relay_child_total is None:
            self.relayed = Counter("getihu_outbox_relayed_events", NAMES["getihu_outbox_relayed_events_total"],
                                   registry=r)
        else:  # the relay runs in a child process, which reports its total through this file
            self.relayed = None
            r.register(RelayChildCounter(relay_child_total))
        self.consumed = Counter("getihu_consumer_events", NAMES["getihu_consumer_events_total"],
                                ["group", "outcome"], registry=r)
        self.lag = Gauge("getihu_consumer_lag", NAMES["getihu_consumer_lag"], ["group", "topic", "partition"],
                         registry=r)
        self.dead_lettered = Counter("getihu_dlq_events", NAMES["getihu_dlq_events_total"], ["group", "topic"],
                                     registry=r)

    def observe_lag(self, group: str, consumer) -> None:
        """From what the consumer already knows (its fetch positions and the high-water marks the
        broker sent with the last fetch): no extra request to the broker."""
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            if end is None:
                continue
            try:
                position = consumer.position(tp, timeout_ms=0)
            except Exception:  # noqa: BLE001 - not known yet (a fresh assignment): skip this round
                continue
            if position is not None:
                self.lag.labels(group, tp.topic, str(tp.partition)).set(max(0, end - position))


class RelayChildCounter(Collector):
    """The events a relay child process (WorkerSpec.relay_process) published: it writes its running
    total to a file after each batch, the worker serves it as getihu_outbox_relayed_events_total."""

    def __init__(self, path: Path):
        self.path = path

    def collect(self):
        try:
            child = int(self.path.read_text() or 0)
        except (OSError, ValueError):  # not written yet
            child = 0
        total = CounterMetricFamily("getihu_outbox_relayed_events", NAMES["getihu_outbox_relayed_events_total"])
        total.add_metric([], child)  # a restarted child starts again from 0: Prometheus reads that as a reset
        yield total


def write_relay_total(path: Path, total: int) -> None:
    """The child's side of RelayChildCounter: replace the file whole, so a scrape never reads half."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(str(total))
    tmp.replace(path)


class DatabaseCollector(Collector):
    """Values read from the service's database at scrape time (short queries on small or indexed tables)."""

    def __init__(self, engine: Engine, *, outbox=None, inbox=None,
                 extra: Iterable[Callable[[object], Iterable]] = ()):
        self.engine = engine
        self.outbox = outbox
        self.inbox = inbox
        self.extra = list(extra)
        self._has_jobs: bool | None = None

    def _jobs(self, conn):
        if self._has_jobs is None:
            self._has_jobs = inspect(conn).has_table("jobs")
        if not self._has_jobs:
            return
        states = GaugeMetricFamily("getihu_jobs", NAMES["getihu_jobs"], labels=["kind", "state"])
        for kind, state, n in conn.execute(text("SELECT kind, status, count(*) FROM jobs GROUP BY kind, status")):
            states.add_metric([kind, state], n)
        yield states
        progress = GaugeMetricFamily("getihu_job_progress", NAMES["getihu_job_progress"], labels=["kind", "job_id"])
        for job_id, kind, p in conn.execute(text("SELECT id, kind, progress FROM jobs WHERE status = 'running'")):
            progress.add_metric([kind, job_id], float(p or 0))
        yield progress

    def collect(self):
        try:
            with self.engine.connect() as conn:
                out = list(self._collect(conn))
        except Exception:  # noqa: BLE001 - the database away: the process counters are still served
            log.warning("metrics: the database could not be read", exc_info=True)
            return
        yield from out

    def _collect(self, conn):
        if self.outbox is not None:
            t = self.outbox
            n, oldest = conn.execute(select(func.count(), func.min(t.c.occurred_at)).select_from(t)).one()
            yield GaugeMetricFamily("getihu_outbox_backlog", NAMES["getihu_outbox_backlog"], value=n)
            age = conn.execute(select(func.extract("epoch", func.now() - oldest))).scalar() if oldest else 0
            yield GaugeMetricFamily("getihu_outbox_oldest_age_seconds", NAMES["getihu_outbox_oldest_age_seconds"],
                                    value=max(0.0, float(age or 0)))
        if self.inbox is not None:
            t = self.inbox
            dead = GaugeMetricFamily("getihu_inbox_dead_lettered", NAMES["getihu_inbox_dead_lettered"],
                                     labels=["group"])
            for group, n in conn.execute(select(t.c.consumer, func.count()).where(t.c.status == "dead_lettered")
                                         .group_by(t.c.consumer)):
                dead.add_metric([group], n)
            yield dead
        yield from self._jobs(conn)
        for collect in self.extra:
            yield from collect(conn)


def counter_family(name: str, labels: list[str]) -> CounterMetricFamily:
    """A counter read from the database (its name without _total, as prometheus_client wants)."""
    return CounterMetricFamily(name.removesuffix("_total"), NAMES[name], labels=labels)


def gauge_family(name: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, NAMES[name], labels=labels)


class _Handler(http.server.BaseHTTPRequestHandler):
    registry: CollectorRegistry
    healthy: Callable[[], bool]

    def do_GET(self):  # noqa: N802 - the http.server protocol
        if self.path.split("?")[0] == "/metrics":
            body, ctype, status = generate_latest(self.registry), CONTENT_TYPE_LATEST, 200
        elif self.path.split("?")[0] == "/healthz":
            ok = self.healthy()
            body, ctype, status = (b'{"status":"ok"}' if ok else b'{"status":"stopped"}'), "application/json", (
                200 if ok else 503)
        else:
            body, ctype, status = b"not found", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # scrapes every few seconds are not log lines
        pass


def serve(registry: CollectorRegistry, *, host: str, port: int,
          healthy: Callable[[], bool] = lambda: True) -> http.server.ThreadingHTTPServer:
    """/metrics and /healthz on host:port in a daemon thread (port 0: the system picks one)."""
    handler = type("MetricsHandler", (_Handler,), {"registry": registry, "healthy": staticmethod(healthy)})
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    return server
