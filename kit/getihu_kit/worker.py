"""The second process of every service: its outbox relay and its consumers, one thread each.

SIGTERM/SIGINT set the stop flag: consumers stop polling, finish the batch in hand, commit their
offsets and close; the relay finishes its batch. Either process of a service can be restarted alone.

With `WorkerSpec.relay_process` the relay runs in a child process of its own
(`python -m getihu_kit.worker --relay <config>`), so a busy job loop or consumer does not starve
publishing of the interpreter lock. The child dies with the worker: the kernel sends it SIGTERM when
the thread that started it ends (PR_SET_PDEATHSIG, so also on SIGKILL of the worker), and it checks
its parent's pid as a fallback; either way it finishes the batch in hand first. A relay stopped
between send and mark republishes that batch, which consumers' inboxes drop as duplicates.
"""
from __future__ import annotations

import ctypes
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import MetaData, Table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from prometheus_client import Gauge

from getihu_kit import logs, tracing
from getihu_kit import metrics as metric_names
from getihu_kit.bus import ensure_topics, make_producer
from getihu_kit.metrics import DatabaseCollector, WorkerMetrics, write_relay_total
from getihu_kit.metrics import serve as serve_metrics
from getihu_kit.consumer import ConsumerRunner, Subscription
from getihu_kit.db import make_engine, make_sessionmaker, run_migrations
from getihu_kit.outbox import OutboxRelay, outbox_table
from getihu_kit.produce import BatchProducer
from getihu_kit.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class WorkerSpec:
    settings: ServiceSettings
    outbox: Table | None
    inbox: Table | None
    migrations_dir: Path | None
    subscriptions: list[Subscription] = field(default_factory=list)
    # Extra loops (e.g. a job runner): each is called with (engine, sessions, stop) in its own thread.
    loops: list[Callable] = field(default_factory=list)
    # Publish from a child process instead of a thread (see the module docstring).
    relay_process: bool = False
    # Extra metric families read from the service's database at scrape time: each is called with a
    # connection and yields families (kit.metrics.counter_family / gauge_family).
    collectors: list[Callable] = field(default_factory=list)


class Worker:
    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.runners: list[ConsumerRunner] = []
        self.relay: OutboxRelay | None = None
        self.relay_producer: BatchProducer | None = None
        self.relay_child: subprocess.Popen | None = None
        self.metrics_server = None
        self._relay_total: Path | None = None
        if spec.outbox is not None and spec.relay_process:
            self._relay_total = Path(tempfile.mkdtemp(prefix="getihu-relay-")) / "published"
        self.metrics = WorkerMetrics(spec.settings.service_name, relay_child_total=self._relay_total)
        Gauge("getihu_worker_up", metric_names.NAMES["getihu_worker_up"], registry=self.metrics.registry
              ).set_function(lambda: 1.0 if self.healthy() else 0.0)

    def healthy(self) -> bool:
        """Every loop still runs and no stop was asked for (a crashed loop sets the stop)."""
        return bool(self.threads) and not self.stop.is_set() and all(t.is_alive() for t in self.threads)

    def start(self) -> None:
        s = self.spec.settings
        url = s.resolved_database_url()
        if self.spec.migrations_dir is not None:
            run_migrations(url, self.spec.migrations_dir)
        self.engine = make_engine(url)
        self.sessions = make_sessionmaker(self.engine)
        self.metrics.registry.register(DatabaseCollector(self.engine, outbox=self.spec.outbox, inbox=self.spec.inbox,
                                                         extra=self.spec.collectors))
        ensure_topics(s.kafka_bootstrap, s.topic_prefix)
        self.producer = make_producer(s.kafka_bootstrap)
        if self.spec.outbox is not None:
            if self.spec.relay_process:
                started = threading.Event()
                self._spawn("outbox-relay-process", self._supervise_relay, url, started)
                started.wait(30)
            else:
                self.relay_producer = BatchProducer(s.kafka_bootstrap)
                self.relay = OutboxRelay(self.engine, self.spec.outbox, self.relay_producer,
                                         topic_prefix=s.topic_prefix, on_published=self.metrics.relayed.inc)
                self._spawn("outbox-relay", self.relay.run, self.stop)
        for sub in self.spec.subscriptions:
            runner = ConsumerRunner(sub, sessions=self.sessions, inbox=self.spec.inbox,
                                    bootstrap=s.kafka_bootstrap, topic_prefix=s.topic_prefix,
                                    producer=self.producer, metrics=self.metrics)
            self.runners.append(runner)
            self._spawn(f"consumer-{sub.name}", runner.run, self.stop)
        for loop in self.spec.loops:
            self._spawn(getattr(loop, "__name__", "loop"), loop, self.engine, self.sessions, self.stop)
        if s.metrics_port:
            self.metrics_server = serve_metrics(self.metrics.registry, host=s.metrics_host, port=s.metrics_port,
                                                healthy=self.healthy)
            log.info("metrics and health on %s:%d", s.metrics_host, self.metrics_server.server_port)

    def _spawn(self, name: str, fn, *args) -> None:
        def guarded():
            try:
                fn(*args)
            except Exception:
                log.exception("%s crashed; stopping the worker so a supervisor restarts it", name)
                self.stop.set()
        t = threading.Thread(target=guarded, name=name, daemon=True)
        t.start()
        self.threads.append(t)

    def _relay_command(self, url: str) -> list[str]:
        s, t = self.spec.settings, self.spec.outbox
        config = {"url": url, "table": t.name, "schema": t.schema, "bootstrap": s.kafka_bootstrap,
                  "topic_prefix": s.topic_prefix, "service": s.service_name, "log_level": s.log_level,
                  "parent_pid": os.getpid(), "published_total_file": str(self._relay_total)}
        return [sys.executable, "-m", "getihu_kit.worker", "--relay", json.dumps(config)]

    def _supervise_relay(self, url: str, started: threading.Event) -> None:
        """Start the relay child from this thread (its death signal is tied to the thread that
        started it, and this one lives as long as the worker) and restart it if it dies; on stop,
        SIGTERM it and wait for it to finish its batch."""
        try:
            while not self.stop.is_set():
                self.relay_child = subprocess.Popen(self._relay_command(url))
                started.set()
                while self.relay_child.poll() is None and not self.stop.wait(0.2):
                    pass
                if not self.stop.is_set():
                    log.error("outbox relay process exited with %s; restarting it", self.relay_child.returncode)
                    self.stop.wait(1.0)
        finally:
            started.set()
            child = self.relay_child
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(25)
                except subprocess.TimeoutExpired:
                    log.error("outbox relay process did not stop in time; killing it")
                    child.kill()
                    child.wait()

    def shutdown(self, timeout: float = 20.0) -> None:
        """One deadline for the whole stop, inside an orchestrator's grace period: threads finish
        their batch in hand; one stuck past the deadline (a lock wait) is abandoned — its open
        transaction rolls back with the process, and the outbox/inbox make that a plain restart."""
        self.stop.set()
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        stuck = [t.name for t in self.threads if t.is_alive()]
        if stuck:
            log.warning("threads still busy at the stop deadline, abandoned: %s", ", ".join(stuck))
        self.producer.close(timeout=max(1.0, min(5.0, deadline - time.monotonic())))
        if self.relay_producer is not None:
            self.relay_producer.close()
        if self.metrics_server is not None:
            self.metrics_server.shutdown()
            self.metrics_server.server_close()
        if self._relay_total is not None:
            shutil.rmtree(self._relay_total.parent, ignore_errors=True)
        self.engine.dispose()


def periodic(name: str, every_s: float | Callable[[], float], round_: Callable[[Engine, sessionmaker], object]):
    """A worker loop (WorkerSpec.loops) that runs `round_(engine, sessions)` at once and then every
    `every_s` seconds until the worker stops. A round that fails (the database or a provider away)
    is logged and tried again next time; the round owns its units of work."""
    def loop(engine: Engine, sessions: sessionmaker, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                round_(engine, sessions)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("%s: round failed; will retry", name)
            stop.wait(every_s() if callable(every_s) else every_s)
    loop.__name__ = name
    return loop


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM/SIGINT set `stop` from a new thread. Setting it in the handler itself can deadlock:
    the handler runs on the main thread, possibly while that thread holds the event's lock inside
    `stop.wait()`, or inside an earlier handler's `set()` when a second signal arrives."""
    def handler(*_):
        threading.Thread(target=stop.set, name="stop-signal", daemon=True).start()
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def run_forever(spec: WorkerSpec) -> None:
    spec.settings.check_auth()  # the same settings as the API: a worker of an unsafe install does not run either
    logs.configure(f"{spec.settings.service_name}-worker", spec.settings.log_level)
    tracing.configure(f"{spec.settings.service_name}-worker")
    worker = Worker(spec)
    stop_on_signals(worker.stop)
    worker.start()
    log.info("worker started: %d consumer(s), relay=%s", len(worker.runners), worker.relay is not None)
    while not worker.stop.wait(1.0):
        pass
    log.info("stopping")
    worker.shutdown()


# --- the relay child process --------------------------------------------------------------------------
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int, stop: threading.Event) -> None:
    """SIGTERM from the kernel when the starting thread of the parent ends (Linux), and a pid check
    for other systems and for a parent that died before the request was made."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        log.warning("PR_SET_PDEATHSIG unavailable; the relay relies on its parent-pid check")

    def watch() -> None:
        while not stop.wait(0.5):
            if os.getppid() != parent_pid:
                log.warning("worker %s is gone; the relay stops after its batch", parent_pid)
                stop.set()
    if os.getppid() != parent_pid:
        stop.set()
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def relay_main(config: dict) -> None:
    stop = threading.Event()
    stop_on_signals(stop)
    logs.configure(f"{config['service']}-relay", config["log_level"])
    tracing.configure(f"{config['service']}-relay")
    _die_with_parent(int(config["parent_pid"]), stop)
    table = outbox_table(MetaData()).to_metadata(MetaData(), name=config["table"], schema=config["schema"])
    engine = make_engine(config["url"])
    producer = BatchProducer(config["bootstrap"])
    total_file, published = config.get("published_total_file"), 0

    def report(n: int) -> None:  # the worker serves this total (kit.metrics.RelayChildCounter)
        nonlocal published
        published += n
        if total_file:
            write_relay_total(Path(total_file), published)
    try:
        OutboxRelay(engine, table, producer, topic_prefix=config["topic_prefix"], on_published=report).run(stop)
    finally:
        producer.close()
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--relay":
        relay_main(json.loads(sys.argv[2]))
    else:
        sys.exit("usage: python -m getihu_kit.worker --relay <json config>")
