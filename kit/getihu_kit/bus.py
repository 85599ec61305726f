"""Kafka plumbing (kafka-python): producer with acks=all and topic creation from the catalogue."""
from __future__ import annotations

import logging
import time

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from getihu_kit.events import TOPICS, TopicSpec, dead_letter_topic, physical
from getihu_kit.kafka_security import client_config

log = logging.getLogger(__name__)


def make_producer(bootstrap: str) -> KafkaProducer:
    # Created after start-up, never at import. acks=all + idempotence keeps order and loses nothing.
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        batch_size=256 * 1024,
        max_request_size=4 * 1024 * 1024,
        retries=10,
        client_id="getihu",
        **client_config(),
    )


def ensure_topics(bootstrap: str, prefix: str = "", specs: list[TopicSpec] | None = None,
                  timeout_s: float = 60.0, partitions: int | None = None) -> None:
    """Create every catalogued topic (and its dead-letter topic) that does not exist yet.

    `partitions` overrides the catalogue (tests use 1: thousands of test topics stay cheap).
    """
    specs = specs if specs is not None else list(TOPICS.values())
    wanted: list[NewTopic] = []
    for s in specs:
        wanted.append(NewTopic(physical(s.name, prefix), partitions or s.partitions, 1, topic_configs=s.configs()))
        wanted.append(NewTopic(physical(dead_letter_topic(s.name), prefix), 1, 1,
                               topic_configs={"cleanup.policy": "delete", "retention.ms": "-1"}))
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="getihu-admin", **client_config())
            break
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
    try:
        existing = set(admin.list_topics())
        missing = [t for t in wanted if t.name not in existing]
        for t in missing:  # one by one: a concurrent creator makes only that topic "already exists"
            try:
                admin.create_topics([t])
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()


def broker_ready(bootstrap: str, timeout_s: float = 2.0) -> bool:
    """True when the broker answers a metadata request (a port that merely accepts is not enough)."""
    import socket
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout_s).close()
    except OSError:
        return False
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout_s * 1000),
                                 client_id="getihu-ready", **client_config())
    except Exception:
        return False
    try:
        admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        admin.close()
