"""The data barrier on the real broker and database: a decision waits for what its sources had
committed (still in their outbox, or on the topic and not yet applied), and only for that."""
from __future__ import annotations

import threading
import uuid
from typing import ClassVar

import pytest
from sqlalchemy import Column, Integer, String, Table, select

from getihu_kit import testing
from getihu_kit.barrier import Barrier, DataNotReady, Projection, Upstream, outbox_watermark
from getihu_kit.consumer import ConsumerRunner, Subscription, inbox_table
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker, unit_of_work
from getihu_kit.events import EventData
from getihu_kit.outbox import Outbox, OutboxRelay, outbox_table
from getihu_kit.produce import BatchProducer

TOPIC = "getihu.registry.business"
md = make_metadata()
OUTBOX, INBOX = outbox_table(md), inbox_table(md)
SEEN = Table("seen", md, Column("key", String(50), primary_key=True), Column("n", Integer))


class Ping(EventData):
    event_type: ClassVar[str] = "getihu.test.barrier.v1"
    topic: ClassVar[str] = TOPIC
    key: str
    n: int


@pytest.fixture(scope="module")
def engine():
    eng = make_engine(testing.fresh_database("kit_barrier_test", None))
    md.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def source(engine):
    """The source service's /internal/outbox, answered from its database as kit.web answers it."""
    with testing.outbox_source(engine) as url:
        yield Upstream("registry", url)


def _emit(engine, key: str, n: int) -> None:
    with unit_of_work(make_sessionmaker(engine)) as s:
        for i in range(n):
            Outbox(OUTBOX, source="/test").emit(s, Ping(key=key, n=i), key=key)


def _apply(session, event) -> None:
    session.execute(SEEN.insert().values(key=f"{event.data['key']}:{event.data['n']}", n=event.data["n"]))


def test_the_watermark_counts_what_is_still_to_publish_at_or_below_the_head(engine, kafka_bootstrap, topic_prefix):
    with engine.connect() as c:
        before = outbox_watermark(c)
    _emit(engine, uuid.uuid4().hex, 3)
    with engine.connect() as c:
        now = outbox_watermark(c)
        assert now["head"] == before["head"] + 3 and now["pending"] == before["pending"] + 3
        assert outbox_watermark(c, through=before["head"])["pending"] == before["pending"]
    relay = OutboxRelay(engine, OUTBOX, BatchProducer(kafka_bootstrap), topic_prefix=topic_prefix)
    while relay.publish_batch():
        pass
    with engine.connect() as c:
        assert outbox_watermark(c) == {"head": now["head"], "pending": 0}


def test_a_decision_waits_for_the_outbox_and_the_consumer_then_records_what_it_waited_for(
        engine, source, kafka_bootstrap, topic_prefix):
    key = uuid.uuid4().hex
    _emit(engine, key, 20)  # committed before the decision: still in the source's outbox
    sub = Subscription(name=f"barrier-{key[:6]}", topics=[TOPIC], handlers={Ping.event_type: _apply})
    barrier = Barrier([source], [Projection(sub.name, (TOPIC,))], bootstrap=kafka_bootstrap,
                      topic_prefix=topic_prefix, timeout_s=60, poll_s=0.05)
    waits: list[str] = []
    passed: dict = {}
    t = threading.Thread(target=lambda: passed.update(barrier.wait(on_wait=waits.append)))
    t.start()
    testing.wait_until(lambda: any("registry" in w for w in waits), message="waiting on the outbox")
    relay = OutboxRelay(engine, OUTBOX, BatchProducer(kafka_bootstrap), topic_prefix=topic_prefix)
    while relay.publish_batch():  # the source's relay comes back: the events reach the topic
        pass
    testing.wait_until(lambda: any(sub.name in w for w in waits), message="waiting on the consumer")
    assert t.is_alive() and not passed  # on the topic is not enough: the projection must have applied them
    stop = threading.Event()
    runner = ConsumerRunner(sub, sessions=make_sessionmaker(engine), inbox=INBOX, bootstrap=kafka_bootstrap,
                            topic_prefix=topic_prefix)
    consumer = threading.Thread(target=runner.run, args=(stop,))
    consumer.start()
    try:
        t.join(60)
        assert not t.is_alive()
        with engine.connect() as c:  # when the barrier passed, every one of the 20 had been applied
            applied = c.execute(select(SEEN.c.key).where(SEEN.c.key.like(f"{key}:%"))).scalars().all()
        assert len(applied) == 20
        assert passed["sources"][0]["service"] == "registry" and passed["sources"][0]["outbox_through"] > 0
        assert passed["topics"] == [{"topic": TOPIC, "end_offset": passed["topics"][0]["end_offset"]}]
        assert passed["topics"][0]["end_offset"] >= 20 and passed["waited_s"] > 0
    finally:
        stop.set()
        consumer.join(30)


def test_a_caught_up_projection_passes_at_once_and_a_stuck_one_fails_the_decision_in_words(
        engine, source, kafka_bootstrap, topic_prefix):
    group = f"barrier-none-{uuid.uuid4().hex[:6]}"  # a group that never consumed the topic
    _emit(engine, group, 2)
    relay = OutboxRelay(engine, OUTBOX, BatchProducer(kafka_bootstrap), topic_prefix=topic_prefix)
    while relay.publish_batch():
        pass
    nothing_pending = Barrier([source], [], bootstrap=kafka_bootstrap, topic_prefix=topic_prefix, timeout_s=5)
    assert nothing_pending.wait()["sources"][0]["service"] == "registry"
    stuck = Barrier([source], [Projection(group, (TOPIC,))], bootstrap=kafka_bootstrap, topic_prefix=topic_prefix,
                    timeout_s=1, poll_s=0.05)
    with pytest.raises(DataNotReady) as exc:
        stuck.wait()
    assert exc.value.code == "data_not_ready" and group in exc.value.detail and "重新发起" in exc.value.detail


def test_a_group_coordinator_not_there_yet_counts_as_still_waiting(kafka_bootstrap):
    """A fresh broker answers CoordinatorNotAvailable until it has made its offsets topic: that is a
    reason to wait (within the bound), not to fail the decision; an error that will not pass is raised."""
    from kafka import TopicPartition
    from kafka.errors import CoordinatorNotAvailableError, GroupAuthorizationFailedError

    class Admin:  # the one call the barrier makes, answering as the broker did in that moment
        def __init__(self, error):
            self.error = error

        def list_group_offsets(self, specs):
            raise self.error("FindCoordinatorResponse error")
    ends = {TopicPartition("t", 0): 4, TopicPartition("t", 1): 3}
    barrier = Barrier([], [], bootstrap=kafka_bootstrap)
    assert barrier._behind(Admin(CoordinatorNotAvailableError), "g", ends) == 7
    with pytest.raises(GroupAuthorizationFailedError):
        barrier._behind(Admin(GroupAuthorizationFailedError), "g", ends)
