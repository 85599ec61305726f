"""The outbox relay in a child process of the worker (WorkerSpec.relay_process), on PostgreSQL and Kafka.

The worker runs as a real process here so it can be SIGKILLed: its relay child must exit by itself
within seconds, and a restarted worker publishes what is left, every event exactly once. SIGTERM
stops both cleanly.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import pytest
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import func, select

from getihu_kit import testing
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker, unit_of_work
from getihu_kit.events import EventData, physical
from getihu_kit.outbox import Outbox, outbox_table

TOPIC = "getihu.registry.business"
metadata = make_metadata()
OUTBOX = outbox_table(metadata)

WORKER = """
import sys
from getihu_kit.settings import ServiceSettings
from getihu_kit.worker import WorkerSpec, run_forever
from kit_relay_spec import OUTBOX
settings = ServiceSettings(service_name="kit-relay-test", database_url=sys.argv[1], topic_prefix=sys.argv[2],
                           kafka_bootstrap=sys.argv[3])
run_forever(WorkerSpec(settings=settings, outbox=OUTBOX, inbox=None, migrations_dir=None, relay_process=True))
"""
SPEC_MODULE = "from getihu_kit.db import make_metadata\nfrom getihu_kit.outbox import outbox_table\n" \
              "OUTBOX = outbox_table(make_metadata())\n"


class Tick(EventData):
    event_type: ClassVar[str] = "getihu.test.relay-process.tick.v1"
    topic: ClassVar[str] = TOPIC
    key: str
    n: int


@pytest.fixture(scope="module")
def database():
    if testing.server_url() is None:
        pytest.fail("DATABASE_URL must point at the PostgreSQL server")
    url = testing.fresh_database("kit_worker_relay_process_test", None)
    engine = make_engine(url)
    metadata.create_all(engine)
    yield url, engine
    engine.dispose()


def _emit(engine, start: int, count: int) -> None:
    outbox = Outbox(OUTBOX, source="/getihu/kit-test")
    with unit_of_work(make_sessionmaker(engine)) as session:
        outbox.emit_many(session, [(Tick(key=f"k{n}", n=n), f"k{n}") for n in range(start, start + count)])


def _start_worker(url: str, prefix: str, bootstrap: str, tmp_path: Path) -> subprocess.Popen:
    (tmp_path / "kit_relay_spec.py").write_text(SPEC_MODULE)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-c", WORKER, url, prefix, bootstrap], env=env)


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _on_topic(bootstrap: str, prefix: str) -> list[dict]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=2000)
    tp = TopicPartition(physical(TOPIC, prefix), 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    out = [json.loads(m.value) for m in consumer]
    consumer.close()
    return out


def _pending(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(OUTBOX)).scalar()


def test_relay_child_dies_with_a_killed_worker_and_nothing_is_lost_or_doubled(database, topic_prefix,
                                                                              kafka_bootstrap, tmp_path):
    url, engine = database
    _emit(engine, 0, 20_000)
    worker = _start_worker(url, topic_prefix, kafka_bootstrap, tmp_path)
    try:
        child = testing.wait_until(lambda: (_children(worker.pid) or [None])[0], timeout=30,
                                   message="the relay child process")
        testing.wait_until(lambda: _pending(engine) < 20_000, timeout=60, message="publishing under way")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child), "the relay child outlived its SIGKILLed worker"
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    _emit(engine, 20_000, 1_000)
    restarted = _start_worker(url, topic_prefix, kafka_bootstrap, tmp_path)
    try:
        testing.wait_until(lambda: _pending(engine) == 0, timeout=120, message="everything published")
        child = _children(restarted.pid)[0]
        restarted.send_signal(signal.SIGTERM)
        assert restarted.wait(30) == 0
        assert not _alive(child)
    finally:
        if restarted.poll() is None:
            restarted.kill()
            restarted.wait()
    events = _on_topic(kafka_bootstrap, topic_prefix)
    assert len(events) == 21_000
    assert sorted(e["data"]["n"] for e in events) == list(range(21_000))
    assert len({e["id"] for e in events}) == 21_000
