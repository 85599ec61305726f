"""Outbox, relay, consumer and inbox against the real broker and the real database.

Nothing lost (a rolled-back change publishes nothing; a committed one is published even after a
crash between send and mark), nothing twice (redelivery changes nothing), poison to the DLQ.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from typing import ClassVar

import pytest
from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import Column, Integer, String, Table, select, update

from getihu_kit import testing
from getihu_kit.bus import make_producer
from getihu_kit.produce import BatchProducer
from getihu_kit.consumer import ConsumerRunner, Subscription, inbox_table
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker, unit_of_work
from getihu_kit.events import CloudEvent, EventData, dead_letter_topic, physical
from getihu_kit.outbox import Outbox, OutboxRelay, outbox_table

TOPIC = "getihu.registry.business"

metadata = make_metadata()
OUTBOX = outbox_table(metadata)
INBOX = inbox_table(metadata)
COUNTER = Table("counter", metadata, Column("key", String(50), primary_key=True), Column("n", Integer))


class Ping(EventData):
    event_type: ClassVar[str] = "getihu.test.ping.v1"
    topic: ClassVar[str] = TOPIC
    key: str
    n: int


@pytest.fixture(scope="module")
def engine():
    url = testing.fresh_database("kit_bus_test", None)
    eng = make_engine(url)
    metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def producer(kafka_bootstrap):
    p = make_producer(kafka_bootstrap)
    yield p
    p.close()


@pytest.fixture
def relay_producer(kafka_bootstrap):
    p = BatchProducer(kafka_bootstrap)
    yield p
    p.close()


def read_topic(bootstrap: str, topic: str, expect: int, timeout_s: float = 20, key: str | None = None,
               where=None) -> list:
    """Read until `expect` messages (with `key`, and for which `where(message)` holds, when given) have arrived."""
    c = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                      enable_auto_commit=False, group_id=None, consumer_timeout_ms=int(timeout_s * 1000))
    out = []
    for msg in c:
        if key is not None and msg.key != key.encode() or where is not None and not where(msg):
            continue
        out.append(msg)
        if len(out) >= expect:
            break
    c.close()
    return out


def count(sessions, key):
    def apply(session, event: CloudEvent):
        k = event.data["key"]
        row = session.execute(select(COUNTER.c.n).where(COUNTER.c.key == k)).scalar()
        if row is None:
            session.execute(COUNTER.insert().values(key=k, n=1))
        else:
            session.execute(update(COUNTER).where(COUNTER.c.key == k).values(n=row + 1))
    return apply


def test_rollback_publishes_nothing_commit_publishes_in_order(engine, relay_producer, topic_prefix, kafka_bootstrap):
    sessions = make_sessionmaker(engine)
    outbox = Outbox(OUTBOX, source="/test")
    key = uuid.uuid4().hex
    with pytest.raises(RuntimeError):
        with unit_of_work(sessions) as s:
            outbox.emit(s, Ping(key=key, n=-1), key=key)
            raise RuntimeError("the state change failed")
    with unit_of_work(sessions) as s:
        for i in range(50):
            outbox.emit(s, Ping(key=key, n=i), key=key)
    relay = OutboxRelay(engine, OUTBOX, relay_producer, topic_prefix=topic_prefix)
    while relay.publish_batch():
        pass
    assert relay.pending() == 0, "published rows leave the outbox"
    msgs = read_topic(kafka_bootstrap, physical(TOPIC, topic_prefix), 50, key=key)
    ns = [json.loads(m.value)["data"]["n"] for m in msgs if m.key == key.encode()]
    assert ns == list(range(50)), "every committed event once, in order; the rolled-back one never"
    assert all(dict(m.headers)["content-type"] == b"application/cloudevents+json" for m in msgs)
    assert not [h for m in msgs for h, _ in m.headers if h.startswith("ce_")], "structured mode: no ce_ headers"


def test_two_relays_publish_each_row_once(engine, relay_producer, topic_prefix, kafka_bootstrap):
    sessions = make_sessionmaker(engine)
    outbox = Outbox(OUTBOX, source="/test")
    key = uuid.uuid4().hex
    with unit_of_work(sessions) as s:
        outbox.emit_many(s, [(Ping(key=key, n=i), key) for i in range(3000)])
    p2 = BatchProducer(kafka_bootstrap)
    relays = [OutboxRelay(engine, OUTBOX, relay_producer, topic_prefix=topic_prefix, batch_size=200),
              OutboxRelay(engine, OUTBOX, p2, topic_prefix=topic_prefix, batch_size=200)]

    def drain(r):
        idle = 0
        while idle < 20:
            idle = 0 if r.publish_batch() else idle + 1
    threads = [threading.Thread(target=drain, args=(r,)) for r in relays]
    [t.start() for t in threads]
    [t.join() for t in threads]
    p2.close()
    msgs = read_topic(kafka_bootstrap, physical(TOPIC, topic_prefix), 3000, key=key)
    ns = [json.loads(m.value)["data"]["n"] for m in msgs if m.key == key.encode()]
    assert ns == list(range(3000))


def test_redelivery_changes_nothing_and_poison_goes_to_dlq(engine, producer, relay_producer, topic_prefix,
                                                          kafka_bootstrap):
    sessions = make_sessionmaker(engine)
    outbox = Outbox(OUTBOX, source="/test")
    key = uuid.uuid4().hex
    with unit_of_work(sessions) as s:
        events = [outbox.emit(s, Ping(key=key, n=i), key=key) for i in range(10)]
    relay = OutboxRelay(engine, OUTBOX, relay_producer, topic_prefix=topic_prefix)
    while relay.publish_batch():
        pass
    # Redeliver: the same events again (as a relay killed between send and mark would).
    raw = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for e in events[:5]:
        raw.send(physical(TOPIC, topic_prefix), key=key.encode(), value=e.model_dump_json().encode())
    raw.send(physical(TOPIC, topic_prefix), key=key.encode(), value=b"not json at all")
    poison = CloudEvent(source="/test", type="getihu.test.ping.v1", subject=key, data={"key": "poison", "n": 0})
    raw.send(physical(TOPIC, topic_prefix), key=key.encode(), value=poison.model_dump_json().encode())
    raw.flush()
    raw.close()

    def handler(session, event):
        if event.data["key"] == "poison":
            raise ValueError("cannot apply")
        count(sessions, key)(session, event)

    sub = Subscription(name=f"test-{uuid.uuid4().hex[:6]}", topics=[TOPIC], handlers={Ping.event_type: handler})
    runner = ConsumerRunner(sub, sessions=sessions, inbox=INBOX, bootstrap=kafka_bootstrap,
                            topic_prefix=topic_prefix, producer=producer, retries=2, backoff_s=0.01)
    stop = threading.Event()
    t = threading.Thread(target=runner.run, args=(stop,))
    t.start()
    try:
        def settled():
            with sessions() as s:
                n = s.execute(select(COUNTER.c.n).where(COUNTER.c.key == key)).scalar()
                dead = s.execute(select(INBOX.c.status).where(INBOX.c.event_id == poison.id)).scalar()
            return n == 10 and dead is not None
        # The topic holds the other tests' events too (thousands, read from the start): the batch with the
        # poison in it is applied one event at a time, which on a loaded machine outlasts the default wait.
        testing.wait_until(settled, timeout=180, message="10 applied + 1 dead-lettered")
        time.sleep(1.0)  # let any wrongly repeated application show up before asserting
    finally:
        stop.set()
        t.join(30)
    with sessions() as s:
        assert s.execute(select(COUNTER.c.n).where(COUNTER.c.key == key)).scalar() == 10
        dead = s.execute(select(INBOX.c.status).where(INBOX.c.event_id == poison.id)).scalar()
        assert dead == "dead_lettered"
    # Other tests dead-letter to the same topic: read it all, keep this consumer's two.
    # (a dead letter is sent at least once: a rebalance may send the poison again, so read them all)
    dlq = read_topic(kafka_bootstrap, physical(dead_letter_topic(TOPIC), topic_prefix), 10, timeout_s=10,
                     where=lambda m: dict(m.headers).get("consumer") == sub.name.encode())
    assert {m.value for m in dlq} >= {b"not json at all"}
    assert any(b"cannot apply" in dict(m.headers).get("error", b"") for m in dlq)
    assert {m.key for m in dlq} == {key.encode()}  # both under the record's own key
