"""The relay's batch producer against the real broker: Kafka's partitioning, order, headers, splitting."""
from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings, strategies as st
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import NewTopic
from kafka.partitioner.default import murmur2 as reference_murmur2

from getihu_kit.produce import BatchProducer, murmur2, partition_for

PARTITIONS = 3


@given(st.binary(max_size=64))
@settings(max_examples=500, deadline=None)
def test_murmur2_is_kafkas(data):
    assert murmur2(data) == reference_murmur2(data)


@pytest.fixture
def topic(kafka_bootstrap):
    name = f"test-produce-{uuid.uuid4().hex[:10]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(name, PARTITIONS, 1)])
    admin.close()
    return name


def _read(bootstrap: str, topic: str, expect: int) -> dict[int, list]:
    c = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False,
                      consumer_timeout_ms=5000)
    c.assign([TopicPartition(topic, p) for p in range(PARTITIONS)])
    out: dict[int, list] = {}
    n = 0
    for m in c:
        out.setdefault(m.partition, []).append(m)
        n += 1
        if n >= expect:
            break
    c.close()
    return out


@pytest.mark.parametrize("max_batch_bytes", [900_000, 2_000], ids=["one batch per partition", "split batches"])
def test_records_land_where_kafka_puts_their_key_in_order_with_headers(kafka_bootstrap, topic, max_batch_bytes):
    producer = BatchProducer(kafka_bootstrap, max_batch_bytes=max_batch_bytes)
    try:
        keys = [f"key-{i % 40}".encode() for i in range(600)]
        big = b"x" * 70_000  # a value over the 32 KB varint table and over the small batch limit
        records = [(topic, k, (big if i == 300 else b"") + str(i).encode(),
                    (("ce_type", b"t.v1"), ("traceparent", f"tp-{i % 2}".encode())) if i % 3 else (("ce_type", b"t.v1"),))
                   for i, k in enumerate(keys)]
        records.append((topic, None, b"keyless", ()))
        assert producer.send(records[:250]) == 250
        assert producer.send(records[250:]) == len(records) - 250
    finally:
        producer.close()
    got = _read(kafka_bootstrap, topic, len(records))
    assert sum(map(len, got.values())) == len(records)
    for part, msgs in got.items():
        numbered = [int(m.value[-3:].lstrip(b"x")) for m in msgs if m.key is not None]
        assert numbered == sorted(numbered), "each partition keeps the send order"
        for m in msgs:
            if m.key is None:
                assert (part, m.value, m.headers) == (0, b"keyless", [])
                continue
            assert part == partition_for(m.key, PARTITIONS) == (reference_murmur2(m.key) & 0x7FFFFFFF) % PARTITIONS
            i = int(m.value[-3:].lstrip(b"x"))
            assert m.key == keys[i]
            want = [("ce_type", b"t.v1")] + ([("traceparent", f"tp-{i % 2}".encode())] if i % 3 else [])
            assert m.headers == want
    assert any(len(m.value) > 70_000 for msgs in got.values() for m in msgs)


def test_an_empty_send_sends_nothing(kafka_bootstrap):
    producer = BatchProducer(kafka_bootstrap)
    try:
        assert producer.send([]) == 0
    finally:
        producer.close()
