"""Transactional outbox (Debezium outbox-router columns) and the relay that publishes it.

A state change and its event are written in one transaction (`Outbox.emit*`). The relay
publishes the rows in sequence order with acks=all (`produce.BatchProducer`) and deletes them.
Several relays are safe: a transaction-scoped advisory lock lets one relay publish at
a time, so order holds; a relay killed between send and delete republishes, and consumers' inboxes
drop the duplicate. Every row in the table is unpublished.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
import zlib
from collections.abc import Callable

from pydantic_core import to_json
from sqlalchemy import (BigInteger, Column, DateTime, MetaData, String, Table, Text, delete, func, insert, literal,
                        case, literal_column, select)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from getihu_kit import logs, tracing
from getihu_kit.clock import sql_instant
from getihu_kit.events import CloudEvent, EventData, kafka_headers, make_event, physical
from getihu_kit.upserts import any_of

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    # Every row is unpublished (the relay deletes what it sent), so the primary key on seq is the
    # relay's index. The event id is a fresh UUID: no unique index, one index write less per event.
    return Table(
        "outbox", metadata,
        Column("seq", BigInteger, primary_key=True, autoincrement=True),
        Column("id", String(36), nullable=False),
        Column("aggregatetype", String(200), nullable=False),  # logical topic
        Column("aggregateid", String(100), nullable=True),     # message key (USCC)
        Column("type", String(200), nullable=False),
        Column("payload", Text, nullable=False),                # the CloudEvent, serialised once
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("traceparent", String(100), nullable=True),
    )


def _row(event: CloudEvent, topic: str, key: str | None) -> dict:
    return {
        "id": event.id, "aggregatetype": topic, "aggregateid": key, "type": event.type,
        "payload": event.model_dump_json(), "occurred_at": event.time, "traceparent": event.traceparent,
    }


def event_time(t: dt.datetime) -> str:
    """A UTC instant as the envelope writes it (pydantic's JSON form: `...T21:08:00.123456Z`)."""
    s = t.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat()
    return s + "Z"


def _to_json_text(value) -> str:
    return to_json(value, inf_nan_mode="null").decode()  # pydantic's default for models


_COPY_COLUMNS = ("id", "aggregatetype", "aggregateid", "type", "payload", "occurred_at", "traceparent")


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

    def _envelope_rows(self, items, traceparent: str | None) -> list[dict]:
        """Outbox rows for (type, topic, key, subject, data-dict): the make_event envelope built as plain
        dicts and serialised once (a CloudEvent model per event cost more than the insert itself on
        bulk paths). pydantic-core's to_json writes exactly what model_dump_json writes (compact, UTF-8,
        NaN/inf as null), unlike json.dumps."""
        now = dt.datetime.now(dt.timezone.utc)
        when = event_time(now)
        traceparent = traceparent or logs.traceparent_var.get()
        request_id = logs.request_id_var.get()
        dumps = _to_json_text
        rows = []
        for type_, topic, key, subject, data in items:
            eid = str(uuid.uuid4())
            envelope = {"specversion": "1.0", "id": eid, "source": self.source, "type": type_}
            if subject is not None:
                envelope["subject"] = subject
            envelope["time"], envelope["datacontenttype"] = when, "application/json"
            if traceparent is not None:
                envelope["traceparent"] = traceparent
            if request_id is not None:
                envelope["requestid"] = request_id
            envelope["data"] = data
            rows.append({"id": eid, "aggregatetype": topic, "aggregateid": key, "type": type_,
                         "payload": dumps(envelope), "occurred_at": now, "traceparent": traceparent})
        return rows

    def _write_rows(self, session: Session, rows: list[dict]) -> None:
        """One COPY (psycopg 3); seq follows the row order."""
        name = session.get_bind().dialect.identifier_preparer.format_table(self.table)
        cur = session.connection().connection.driver_connection.cursor()
        try:
            with cur.copy(f"COPY {name} ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(tuple(r[c] for c in _COPY_COLUMNS))
        finally:
            cur.close()

    def emit_many(self, session: Session, items: list[tuple[EventData, str | None]],
                  traceparent: str | None = None) -> int:
        """Bulk path: one COPY for a batch of (payload, key), in order."""
        if not items:
            return 0
        rows = self._envelope_rows(((p.event_type, p.topic, k, k, p.model_dump(mode="json")) for p, k in items),
                                   traceparent)
        self._write_rows(session, rows)
        return len(rows)

    def emit_select(self, session: Session, payload_type: type[EventData], query: Select,
                    traceparent: str | None = None) -> int:
        """Set-based path: one event per row of `query`, which yields columns `key`, `subject` and
        `data` (a JSON object of `payload_type`'s shape), in the query's ORDER BY.

        The envelopes (the same shape as make_event's, the same id in the column and the payload)
        are built and written by one INSERT … SELECT: no row travels through Python.
        The caller must make the data valid for `payload_type`; consumers validate it.
        """
        traceparent = traceparent or logs.traceparent_var.get()
        request_id = logs.request_id_var.get()
        src = query.subquery("src")
        # MATERIALIZED: the id is drawn once per row and used for both the column and the payload;
        # row_number over the source's order fixes the order seq follows.
        ev = (select(func.gen_random_uuid().cast(String).label("eid"), src.c.key, src.c.subject, src.c.data,
                     func.row_number().over().label("ord"))
              .select_from(src).cte("ev").prefix_with("MATERIALIZED"))
        tp = literal(traceparent, String)
        # The envelope is written as text around the row's id, subject and data (make_event's members
        # in its order, absent ones left out): json_build_object re-reads its ten arguments' types and
        # re-writes the data for every row, a third of the statement's time on a bulk chunk. The
        # constant parts are JSON-encoded here once; the time is one value for the whole statement.
        head = literal('{"specversion": "1.0", "id": "', Text)
        after_id = literal(f', "source": {_to_json_text(self.source)}, "type": {_to_json_text(payload_type.event_type)}'
                           , Text)
        subject = case((ev.c.subject.is_(None), literal("", Text)),
                       else_=literal(', "subject": ', Text) + func.to_json(ev.c.subject.cast(Text)).cast(Text))
        when = select(literal_column(sql_instant("now()"))).scalar_subquery()
        tail = ', "datacontenttype": "application/json"' + (
            f', "traceparent": {_to_json_text(traceparent)}' if traceparent is not None else "") + (
            f', "requestid": {_to_json_text(request_id)}' if request_id is not None else "") + ', "data": '
        envelope = (head + ev.c.eid + literal('"', Text) + after_id + subject + literal(', "time": "', Text) + when
                    + literal('"' + tail, Text) + func.coalesce(ev.c.data.cast(Text), literal("null", Text))
                    + literal("}", Text))
        body = (select(ev.c.eid, literal(payload_type.topic, String), ev.c.key,
                       literal(payload_type.event_type, String), envelope, func.now(), tp)
                .order_by(ev.c.ord))
        stmt = insert(self.table).from_select(list(_COPY_COLUMNS), body)
        return session.execute(stmt, execution_options={"preserve_rowcount": True}).rowcount


ADVISORY_LOCK_BASE = 0x6E7458  # + crc of the table's schema-qualified name


class OutboxRelay:
    def __init__(self, engine: Engine, table: Table, producer, *, topic_prefix: str = "",
                 batch_size: int = 10000, idle_wait_s: float = 0.05,
                 on_published: Callable[[int], None] | None = None):
        self.on_published = on_published  # metrics: called with each batch's size after its commit
        self.engine = engine
        self.table = table
        self.producer = producer
        self.prefix = topic_prefix
        self.batch_size = batch_size
        self.idle_wait_s = idle_wait_s
        self.lock_key = ADVISORY_LOCK_BASE + zlib.crc32(str(table.name).encode()) % 100000

    def publish_batch(self) -> int:
        """Publish the oldest unpublished rows and delete them, in one transaction.

        Deleted, not marked: a mark is an UPDATE that rewrites every row and its index entries, the
        largest share of the outbox's cost in PostgreSQL. If the relay dies after the broker took the
        batch but before the commit, the rows are published again (consumers drop the repeat)."""
        t = self.table
        with self.engine.begin() as conn:
            if not conn.execute(select(func.pg_try_advisory_xact_lock(self.lock_key))).scalar():
                return 0  # another relay holds the turn
            rows = conn.execute(
                select(t.c.seq, t.c.aggregatetype, t.c.aggregateid, t.c.payload, t.c.traceparent)
                .order_by(t.c.seq).limit(self.batch_size)
            ).all()
            if not rows:
                return 0
            with tracing.span("outbox publish", parent=None, kind=tracing.PRODUCER,
                              links=[r.traceparent for r in rows if r.traceparent],
                              attributes={"messaging.batch.message_count": len(rows)}):
                self._send(conn, rows)
        if self.on_published is not None:
            self.on_published(len(rows))
        return len(rows)

    def _send(self, conn, rows) -> None:
        """Publish the batch (each record keeps its event's traceparent header) and delete its rows."""
        t = self.table
        topics: dict[str, str] = {}
        records = []
        for seq, topic, key, payload, traceparent in rows:
            physical_topic = topics.get(topic)
            if physical_topic is None:
                physical_topic = topics[topic] = physical(topic, self.prefix)
            records.append((physical_topic, key.encode() if key else None, payload.encode(),
                            kafka_headers(traceparent)))
        self.producer.send(records)  # raises if the broker did not take them all: the rows stay
        seqs = [r.seq for r in rows]
        conn.execute(delete(t).where(any_of(t.c.seq, seqs)))

    def pending(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(self.table)).scalar_one()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                n = self.publish_batch()
            except Exception:  # broker or DB away: keep the rows, try again shortly
                log.exception("outbox relay batch failed; will retry")
                stop.wait(1.0)
                continue
            if n == 0:
                stop.wait(self.idle_wait_s)
