"""Transactional outbox (Debezium outbox-router columns) and the relay that publishes it.

A state change and its event are written in one transaction (`enqueue`). The relay publishes
unpublished rows in sequence order with acks=all and marks them published. Several relays are
safe: on PostgreSQL a transaction-scoped advisory lock lets one relay publish at a time, so
order holds; a relay killed between send and mark republishes, and consumers' inboxes drop the
duplicate.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import zlib

from sqlalchemy import (BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text,
                        delete, func, insert, select, update)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from getihu_kit.events import CloudEvent, EventData, make_event, physical

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    t = Table(
        "outbox", metadata,
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("id", String(36), nullable=False, unique=True),
        Column("aggregatetype", String(200), nullable=False),  # logical topic
        Column("aggregateid", String(100), nullable=True),     # message key (USCC)
        Column("type", String(200), nullable=False),
        Column("payload", Text, nullable=False),                # the CloudEvent, serialised once
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("traceparent", String(100), nullable=True),
        Column("published_at", DateTime(timezone=True), nullable=True),
    )
    Index("ix_outbox_unpublished", t.c.seq,
          postgresql_where=t.c.published_at.is_(None), sqlite_where=t.c.published_at.is_(None))
    return t


def _row(event: CloudEvent, topic: str, key: str | None) -> dict:
    return {
        "id": event.id, "aggregatetype": topic, "aggregateid": key, "type": event.type,
        "payload": event.model_dump_json(), "occurred_at": event.time, "traceparent": event.traceparent,
    }


class Outbox:
    """Writes events into the caller's transaction. One instance per service."""

    def __init__(self, table: Table, source: str):
        self.table = table
        self.source = source

    def emit(self, session: Session, payload: EventData, *, key: str | None, subject: str | None = None,
             traceparent: str | None = None) -> CloudEvent:
        event = make_event(payload, source=self.source, subject=subject if subject is not None else key,
                           traceparent=traceparent)
        session.execute(insert(self.table).values(**_row(event, payload.topic, key)))
        return event

    def emit_many(self, session: Session, items: list[tuple[EventData, str | None]],
                  traceparent: str | None = None) -> int:
        """Bulk path: one executemany for a batch of (payload, key)."""
        if not items:
            return 0
        rows = [_row(make_event(p, source=self.source, subject=k, traceparent=traceparent), p.topic, k)
                for p, k in items]
        session.execute(insert(self.table), rows)
        return len(rows)


ADVISORY_LOCK_BASE = 0x6E7458  # + crc of the table's schema-qualified name


class OutboxRelay:
    def __init__(self, engine: Engine, table: Table, producer, *, topic_prefix: str = "",
                 batch_size: int = 2000, idle_wait_s: float = 0.05):
        self.engine = engine
        self.table = table
        self.producer = producer
        self.prefix = topic_prefix
        self.batch_size = batch_size
        self.idle_wait_s = idle_wait_s
        self.lock_key = ADVISORY_LOCK_BASE + zlib.crc32(str(table.name).encode()) % 100000

    def publish_batch(self) -> int:
        t = self.table
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                if not conn.execute(select(func.pg_try_advisory_xact_lock(self.lock_key))).scalar():
                    return 0  # another relay holds the turn
            rows = conn.execute(
                select(t.c.seq, t.c.aggregatetype, t.c.aggregateid, t.c.payload, t.c.traceparent, t.c.type)
                .where(t.c.published_at.is_(None)).order_by(t.c.seq).limit(self.batch_size)
            ).all()
            if not rows:
                return 0
            futures = []
            for r in rows:
                headers = [("ce_type", r.type.encode())]
                if r.traceparent:
                    headers.append(("traceparent", r.traceparent.encode()))
                futures.append(self.producer.send(
                    physical(r.aggregatetype, self.prefix),
                    key=r.aggregateid.encode() if r.aggregateid else None,
                    value=r.payload.encode(), headers=headers))
            self.producer.flush()
            for f in futures:
                f.get(timeout=30)  # raises if the broker did not take it: the rows stay unpublished
            now = dt.datetime.now(dt.timezone.utc)
            seqs = [r.seq for r in rows]
            for i in range(0, len(seqs), 5000):
                conn.execute(update(t).where(t.c.seq.in_(seqs[i:i + 5000])).values(published_at=now))
        return len(rows)

    def purge(self, older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
        cutoff = dt.datetime.now(dt.timezone.utc) - older_than
        with self.engine.begin() as conn:
            return conn.execute(delete(self.table).where(self.table.c.published_at < cutoff)).rowcount

    def pending(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(self.table)
                                .where(self.table.c.published_at.is_(None))).scalar_one()

    def run(self, stop: threading.Event) -> None:
        last_purge = 0.0
        import time
        while not stop.is_set():
            try:
                n = self.publish_batch()
            except Exception:  # broker or DB away: keep the rows, try again shortly
                log.exception("outbox relay batch failed; will retry")
                stop.wait(1.0)
                continue
            if time.monotonic() - last_purge > 3600:
                last_purge = time.monotonic()
                try:
                    self.purge()
                except Exception:
                    log.exception("outbox purge failed")
            if n == 0:
                stop.wait(self.idle_wait_s)
