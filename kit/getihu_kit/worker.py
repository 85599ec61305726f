"""The second process of every service: its outbox relay and its consumers, one thread each.

SIGTERM/SIGINT set the stop flag: consumers stop polling, finish the batch in hand, commit their
offsets and close; the relay finishes its batch. Either process of a service can be restarted alone.
"""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Table

from getihu_kit import logs
from getihu_kit.bus import ensure_topics, make_producer
from getihu_kit.consumer import ConsumerRunner, Subscription
from getihu_kit.db import make_engine, make_sessionmaker, run_migrations
from getihu_kit.outbox import OutboxRelay
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


class Worker:
    def __init__(self, spec: WorkerSpec):
        self.spec = spec
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.runners: list[ConsumerRunner] = []
        self.relay: OutboxRelay | None = None

    def start(self) -> None:
        s = self.spec.settings
        url = s.resolved_database_url()
        if self.spec.migrations_dir is not None:
            run_migrations(url, self.spec.migrations_dir)
        self.engine = make_engine(url)
        self.sessions = make_sessionmaker(self.engine)
        ensure_topics(s.kafka_bootstrap, s.topic_prefix)
        self.producer = make_producer(s.kafka_bootstrap)
        if self.spec.outbox is not None:
            self.relay = OutboxRelay(self.engine, self.spec.outbox, self.producer, topic_prefix=s.topic_prefix)
            self._spawn("outbox-relay", self.relay.run, self.stop)
        for sub in self.spec.subscriptions:
            runner = ConsumerRunner(sub, sessions=self.sessions, inbox=self.spec.inbox,
                                    bootstrap=s.kafka_bootstrap, topic_prefix=s.topic_prefix,
                                    producer=self.producer)
            self.runners.append(runner)
            self._spawn(f"consumer-{sub.name}", runner.run, self.stop)
        for loop in self.spec.loops:
            self._spawn(getattr(loop, "__name__", "loop"), loop, self.engine, self.sessions, self.stop)

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

    def shutdown(self, timeout: float = 30.0) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout)
        self.producer.flush(timeout=10)
        self.producer.close(timeout=10)
        self.engine.dispose()


def run_forever(spec: WorkerSpec) -> None:
    logs.configure(f"{spec.settings.service_name}-worker", spec.settings.log_level)
    worker = Worker(spec)
    signal.signal(signal.SIGTERM, lambda *_: worker.stop.set())
    signal.signal(signal.SIGINT, lambda *_: worker.stop.set())
    worker.start()
    log.info("worker started: %d consumer(s), relay=%s", len(worker.runners), worker.relay is not None)
    while not worker.stop.wait(1.0):
        pass
    log.info("stopping")
    worker.shutdown()
