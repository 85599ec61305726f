"""Consumer runner with an idempotent inbox, retries and a dead-letter topic.

One poll's records are applied in one transaction together with their inbox rows; offsets are
committed only after that transaction. A redelivered event finds its id in the inbox and changes
nothing. When a batch fails, its events are retried one by one; an event that still fails after
the retries goes to `<topic>.dlq` with the error, so one poison message never stops the stream.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kafka import KafkaConsumer
from kafka.errors import CommitFailedError
from sqlalchemy import Column, DateTime, MetaData, String, Table, func, select
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import logs, tracing
from getihu_kit.db import unit_of_work
from getihu_kit.kafka_security import client_config
from getihu_kit.upserts import insert_ignore
from getihu_kit.events import CloudEvent, dead_letter_topic, kafka_headers, logical, physical

log = logging.getLogger(__name__)

EventHandler = Callable[[Session, CloudEvent], None]
BatchHandler = Callable[[Session, list[CloudEvent]], None]


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox", metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("status", String(20), nullable=False, server_default="applied"),  # applied | dead_lettered
    )


@dataclass
class Subscription:
    """What one consumer group listens to and how it applies each event type."""
    name: str                                   # consumer group id (before the prefix)
    topics: list[str]                           # logical topics
    handlers: dict[str, EventHandler] = field(default_factory=dict)
    batch_handlers: dict[str, BatchHandler] = field(default_factory=dict)

    def handles(self, event_type: str) -> bool:
        return event_type in self.handlers or event_type in self.batch_handlers


@contextlib.contextmanager
def handling(event: CloudEvent | None):
    """The context of one event's handling: the request that caused it (its `requestid`, else the
    event's own id) for the log lines, and a new span of its trace (kit.tracing), which the events
    the handler emits carry on."""
    if event is None:
        with logs.bound(request_id=None, traceparent=None):
            yield
        return
    with tracing.span(f"handle {event.type}", parent=event.traceparent, kind=tracing.CONSUMER,
                      attributes={"messaging.message.id": event.id}) as tp, \
            logs.bound(request_id=event.requestid or event.id, traceparent=tp):
        yield


class ConsumerRunner:
    def __init__(self, sub: Subscription, *, sessions: sessionmaker[Session], inbox: Table,
                 bootstrap: str, topic_prefix: str = "", producer=None, max_records: int = 500,
                 retries: int = 3, backoff_s: float = 0.2, metrics=None):
        self.metrics = metrics  # kit.metrics.WorkerMetrics, or None
        self.sub = sub
        self.sessions = sessions
        self.inbox = inbox
        self.bootstrap = bootstrap
        self.prefix = topic_prefix
        self.producer = producer
        self.max_records = max_records
        self.retries = retries
        self.backoff_s = backoff_s
        self.applied = 0
        self._topic_of: dict[str, str] = {}
        self._key_of: dict[str, bytes | None] = {}

    # --- applying ---------------------------------------------------------------------------
    def _claim(self, session: Session, events: list[CloudEvent]) -> list[CloudEvent]:
        """Record the events in the inbox; return only those not seen before."""
        if not events:
            return []
        rows = [{"consumer": self.sub.name, "event_id": e.id, "event_type": e.type} for e in events]
        stmt = insert_ignore(self.inbox).returning(self.inbox.c.event_id)
        fresh = set(session.execute(stmt, rows).scalars().all())
        seen: set[str] = set()
        out = []
        for e in events:  # the same id twice inside one poll counts once
            if e.id in fresh and e.id not in seen:
                seen.add(e.id)
                out.append(e)
        return out

    def _dispatch(self, session: Session, events: list[CloudEvent]) -> None:
        i = 0
        while i < len(events):
            e = events[i]
            if e.type in self.sub.batch_handlers:
                j = i
                while j < len(events) and events[j].type == e.type:
                    j += 1
                with handling(events[i]):  # a batch runs in the context of its first event
                    self.sub.batch_handlers[e.type](session, events[i:j])
                i = j
            else:
                with handling(e):
                    self.sub.handlers[e.type](session, e)
                i += 1

    def _count(self, outcome: str, n: int) -> None:
        if self.metrics is not None and n:
            self.metrics.consumed.labels(self.sub.name, outcome).inc(n)

    def apply(self, events: list[CloudEvent]) -> int:
        """Apply a batch in one transaction; on failure fall back to one event at a time."""
        events = [e for e in events if self.sub.handles(e.type)]
        if not events:
            return 0
        applied = self._apply(events)
        self._count("applied", applied)
        return applied

    def _apply(self, events: list[CloudEvent]) -> int:
        try:
            with unit_of_work(self.sessions) as session:
                fresh = self._claim(session, events)
                self._dispatch(session, fresh)
            self.applied += len(fresh)
            self._count("duplicate", len(events) - len(fresh))
            return len(fresh)
        except Exception:
            if len(events) == 1:
                return self._apply_one_with_retries(events[0])
            log.warning("batch of %d failed; applying one by one", len(events), exc_info=True)
            return sum(self._apply_one_with_retries(e) for e in events)

    def _apply_one_with_retries(self, event: CloudEvent) -> int:
        last: Exception | None = None
        for attempt in range(self.retries):
            try:
                with unit_of_work(self.sessions) as session:
                    fresh = self._claim(session, [event])
                    self._dispatch(session, fresh)
                self.applied += len(fresh)
                return len(fresh)
            except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then dead-lettered
                last = exc
                time.sleep(self.backoff_s * (2 ** attempt))
        self._dead_letter(event, last)
        return 0

    def _dead_letter(self, event: CloudEvent, error: Exception | None, raw: bytes | None = None,
                     topic: str | None = None) -> None:
        with handling(event):
            log.error("dead-lettering event %s (%s): %r", event.id if event else "?", event.type if event else "?",
                      error)
        if self.metrics is not None:
            where = topic or (self._topic_of.get(event.id, self.sub.topics[0]) if event else self.sub.topics[0])
            self.metrics.dead_lettered.labels(self.sub.name, where).inc()
            self._count("dead_lettered", 1)
        if self.producer is not None:
            value = raw if raw is not None else event.model_dump_json().encode()
            dlq = physical(dead_letter_topic(topic or self._topic_of.get(event.id, self.sub.topics[0])), self.prefix)
            ct = list(kafka_headers()) if raw is None else []  # a re-sent event stays a structured CloudEvent
            # under the record's own key: the DLQ keeps the key's partition and order, and an operator
            # replaying it puts the event back where it came from
            key = self._key_of.get(event.id) if event is not None else None
            self.producer.send(dlq, key=key, value=value, headers=ct + [
                ("error", repr(error).encode()[:1000]), ("consumer", self.sub.name.encode())]).get(timeout=30)
        if event is not None:
            with unit_of_work(self.sessions) as session:
                session.execute(insert_ignore(self.inbox).values(
                    consumer=self.sub.name, event_id=event.id, event_type=event.type, status="dead_lettered"))

    # --- the poll loop ------------------------------------------------------------------------
    def parse(self, records) -> list[CloudEvent]:
        events = []
        self._topic_of, self._key_of = {}, {}
        for r in records:
            topic = logical(r.topic, self.prefix)
            try:
                e = CloudEvent.model_validate_json(r.value)  # pydantic-core parses and validates in one pass
            except Exception as exc:  # noqa: BLE001 - not an event at all: straight to the DLQ
                if self.producer is not None:
                    self.producer.send(physical(dead_letter_topic(topic), self.prefix), key=r.key, value=r.value,
                                       headers=[("error", repr(exc).encode()[:1000]),
                                                ("consumer", self.sub.name.encode())]).get(timeout=30)
                if self.metrics is not None:
                    self.metrics.dead_lettered.labels(self.sub.name, topic).inc()
                continue
            self._topic_of[e.id], self._key_of[e.id] = topic, r.key
            events.append(e)
        return events

    def make_consumer(self, metadata_wait_s: float = 30.0) -> KafkaConsumer:
        consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=physical(self.sub.name, self.prefix),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self.max_records,
            client_id=self.sub.name,
            **client_config(),
        )
        topics = [physical(t, self.prefix) for t in self.sub.topics]
        # Join the group only once this client knows every topic's partitions: a group leader that
        # assigns without them gives that topic to no one until its next metadata refresh (minutes
        # later), and a topic created a moment ago is often not in the first metadata answer.
        deadline = time.monotonic() + metadata_wait_s
        missing = topics
        while missing:
            missing = [t for t in missing if not consumer.partitions_for_topic(t)]
            if missing and time.monotonic() > deadline:
                log.warning("joining %s without partition metadata for %s", self.sub.name, ", ".join(missing))
                break
            if missing:
                time.sleep(0.2)
        consumer.subscribe(topics)
        return consumer

    def run(self, stop: threading.Event) -> None:
        consumer = self.make_consumer()
        try:
            while not stop.is_set():
                polled = consumer.poll(timeout_ms=500)
                records = [r for rs in polled.values() for r in rs]
                if self.metrics is not None:
                    self.metrics.observe_lag(self.sub.name, consumer)
                if not records:
                    continue
                # The batch in hand is finished even if a stop arrives meanwhile, then committed.
                self.apply(self.parse(records))
                try:
                    consumer.commit()
                except CommitFailedError:
                    # The group rebalanced meanwhile (a missed heartbeat under load): the batch is
                    # applied and recorded in the inbox, whoever gets these partitions next reads it
                    # again and the inbox drops it. Stopping the worker for this would stop its jobs.
                    log.warning("%s: offsets not committed (the group rebalanced); the inbox drops the redelivery",
                                self.sub.name)
        finally:
            consumer.close(autocommit=False)

    def count_applied(self) -> int:
        with self.sessions() as s:
            return s.execute(select(func.count()).select_from(self.inbox)
                             .where(self.inbox.c.consumer == self.sub.name)).scalar_one()
