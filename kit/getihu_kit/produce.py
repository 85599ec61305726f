"""The outbox relay's producer: pre-serialised records to Kafka as whole record batches.

kafka-python's KafkaProducer spends ~35 µs of Python per record (a future, the accumulator, a
record builder and the murmur2 partitioner per `send`); at a million events that was a third of an
import's CPU. The relay already holds its records as a list in order, so this producer encodes them
straight into v2 record batches (one per partition, split at `max_batch_bytes`), sends one
ProduceRequest per leader with acks=all, and waits for the answer before the next round: a
partition's records land in the relay's order. Partitions are chosen as Kafka's default
partitioner does (murmur2 of the key), so every producer of a topic agrees on where a key lives.

No producer id: a request whose answer is lost is sent again and may be stored twice. The
outbox contract is at-least-once anyway (a relay killed between send and delete republishes), and
consumers drop a repeated event id in their inbox.
"""
from __future__ import annotations

import logging
import struct
import time
from collections import defaultdict
from dataclasses import dataclass

import kafka.errors as Errors
from kafka.net.compat import KafkaNetClient
from kafka.protocol.producer import ProduceRequest
from kafka.record.util import calc_crc32c
from kafka.structs import TopicPartition

from getihu_kit.kafka_security import client_config

log = logging.getLogger(__name__)

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), four bytes at a time."""
    length = len(data)
    h = 0x9747B28C ^ length
    n4 = length // 4
    for k in struct.unpack_from(f"<{n4}I", data):
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    tail = length & 3
    base = length & ~3
    if tail >= 3:
        h ^= data[base + 2] << 16
    if tail >= 2:
        h ^= data[base + 1] << 8
    if tail >= 1:
        h ^= data[base]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h


def partition_for(key: bytes | None, partitions: int) -> int:
    """Kafka's default partition of a key. Keyless records go to partition 0, so they keep order."""
    if key is None:
        return 0
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def _varint_slow(value: int) -> bytes:
    """Zigzag varint (Kafka's record fields)."""
    v = (value << 1) ^ (value >> 63)
    out = bytearray()
    while v > 0x7F:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


_SMALL = 1 << 15
_VARINTS: list[bytes] = []  # zigzag varints of 0 .. _SMALL-1: lengths and offset deltas, built on first use


def _varint(value: int) -> bytes:
    if 0 <= value < _SMALL:
        if not _VARINTS:
            _VARINTS.extend(_varint_slow(i) for i in range(_SMALL))
        return _VARINTS[value]
    return _varint_slow(value)


_NULL = _varint_slow(-1)
_HEADER = struct.Struct(">hiqqqhii")  # attributes(h) … record count, after the crc
_PREFIX = struct.Struct(">qiibI")       # base offset, batch length, leader epoch, magic, crc


@dataclass(frozen=True, slots=True)
class Record:
    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


def encode_headers(headers: tuple[tuple[str, bytes], ...]) -> bytes:
    parts = [_varint(len(headers))]
    for name, value in headers:
        k = name.encode()
        parts += (_varint(len(k)), k, _varint(len(value)), value)
    return b"".join(parts)


class _BatchBuilder:
    """One v2 record batch (uncompressed, CreateTime, no producer id), records appended in order."""

    __slots__ = ("records", "size")

    def __init__(self):
        self.records: list[bytes] = []
        self.size = 61  # the batch header

    def append(self, key: bytes | None, value: bytes, headers: bytes) -> int:
        varint = _varint
        body = b"".join((b"\x00\x00", varint(len(self.records)),  # attributes, timestamp delta, offset delta
                         _NULL if key is None else varint(len(key)) + key,
                         varint(len(value)), value, headers))
        rec = varint(len(body)) + body
        self.records.append(rec)
        self.size += len(rec)
        return len(rec)

    def build(self, timestamp_ms: int) -> bytes:
        n = len(self.records)
        after_crc = _HEADER.pack(0, n - 1, timestamp_ms, timestamp_ms, -1, -1, -1, n) + b"".join(self.records)
        crc = calc_crc32c(after_crc)
        # batch length counts everything after its own field: leader epoch (4) + magic (1) + crc (4) + the rest
        return _PREFIX.pack(0, 9 + len(after_crc), -1, 2, crc) + after_crc


# Errors after which the same request may succeed: a new leader, a slow replica, a restart.
_RETRIABLE = (Errors.NotLeaderForPartitionError, Errors.LeaderNotAvailableError,
              Errors.UnknownTopicOrPartitionError, Errors.RequestTimedOutError,
              Errors.NotEnoughReplicasError, Errors.NotEnoughReplicasAfterAppendError,
              Errors.KafkaConnectionError, Errors.KafkaTimeoutError, Errors.NodeNotReadyError)


class BatchProducer:
    """Sends a list of records and returns when the broker has stored all of them (acks=all)."""

    def __init__(self, bootstrap: str, *, client_id: str = "getihu-relay", max_batch_bytes: int = 900_000,
                 request_timeout_ms: int = 30_000, retries: int = 10, retry_backoff_s: float = 0.2):
        self.client = KafkaNetClient(bootstrap_servers=bootstrap, client_id=client_id,
                                     request_timeout_ms=request_timeout_ms, **client_config())
        self.client.check_version()  # bootstrap: brokers and API versions
        self.max_batch_bytes = max_batch_bytes  # under the broker's default max.message.bytes (1 MB)
        self.timeout_ms = request_timeout_ms
        self.retries = retries
        self.retry_backoff_s = retry_backoff_s
        self._headers: dict[tuple, bytes] = {}

    def close(self) -> None:
        self.client.close()

    # -- metadata ---------------------------------------------------------------------------------

    def _refresh(self, topics) -> None:
        cluster = self.client.cluster
        for t in topics:
            f = cluster.add_topic(t)
            self.client.poll(timeout_ms=self.timeout_ms, future=f)
        f = cluster.request_update()
        self.client.poll(timeout_ms=self.timeout_ms, future=f)

    def partition_count(self, topic: str) -> int:
        parts = self.client.cluster.partitions_for_topic(topic)
        deadline = time.monotonic() + self.timeout_ms / 1000
        while not parts:
            if time.monotonic() > deadline:
                raise Errors.KafkaTimeoutError(f"no partitions known for topic {topic}")
            self._refresh([topic])
            parts = self.client.cluster.partitions_for_topic(topic)
            if not parts:
                time.sleep(self.retry_backoff_s)
        return len(parts)

    # -- sending ----------------------------------------------------------------------------------

    def send(self, records: list[tuple[str, bytes | None, bytes, tuple[tuple[str, bytes], ...]]]) -> int:
        """(topic, key, value, headers) in order; raises if the broker did not take them all.

        On an exception some partitions may have been written: the caller sends everything again."""
        if not records:
            return 0
        counts: dict[str, int] = {}
        batches: dict[TopicPartition, list[_BatchBuilder]] = defaultdict(list)
        header_cache = self._headers
        limit = self.max_batch_bytes
        for topic, key, value, headers in records:
            n = counts.get(topic)
            if n is None:
                n = counts[topic] = self.partition_count(topic)
            tp = TopicPartition(topic, partition_for(key, n))
            h = header_cache.get(headers)
            if h is None:
                h = header_cache[headers] = encode_headers(headers)
                if len(header_cache) > 1000:  # traceparents vary: keep the cache small
                    header_cache.clear()
            chain = batches[tp]
            if not chain or chain[-1].size >= limit:
                chain.append(_BatchBuilder())
            chain[-1].append(key, value, h)
        # Round k carries the k-th batch of every partition: order within a partition holds.
        rounds = max(len(c) for c in batches.values())
        for k in range(rounds):
            self._send_round({tp: chain[k] for tp, chain in batches.items() if k < len(chain)})
        return len(records)

    def _send_round(self, pending: dict[TopicPartition, _BatchBuilder]) -> None:
        ts = int(time.time() * 1000)
        encoded = {tp: b.build(ts) for tp, b in pending.items()}
        attempt = 0
        while encoded:
            failed: dict[TopicPartition, bytes] = {}
            error: Exception | None = None
            for node, tps in self._by_leader(list(encoded)).items():
                if node is None:  # no leader known yet (an election, a new topic): retried like a refusal
                    errors = {tp: Errors.LeaderNotAvailableError(f"no leader for {tp}") for tp in tps}
                else:
                    try:
                        errors = self._produce(node, {tp: encoded[tp] for tp in tps})
                    except _RETRIABLE as e:
                        errors = {tp: e for tp in tps}
                for tp, e in errors.items():
                    if not isinstance(e, _RETRIABLE):
                        raise e
                    failed[tp], error = encoded[tp], e
            if not failed:
                return
            attempt += 1
            if attempt > self.retries:
                raise error
            log.warning("produce to %d partitions failed (%s); retry %d", len(failed), error, attempt)
            time.sleep(self.retry_backoff_s * attempt)
            self._refresh({tp.topic for tp in failed})
            encoded = failed

    def _by_leader(self, tps: list[TopicPartition]) -> dict[int | None, list[TopicPartition]]:
        """Partitions by their leader's node id; None holds those whose leader is not known."""
        cluster = self.client.cluster
        if any(cluster.leader_for_partition(tp) in (None, -1) for tp in tps):
            self._refresh({tp.topic for tp in tps})
        out: dict[int | None, list[TopicPartition]] = defaultdict(list)
        for tp in tps:
            leader = cluster.leader_for_partition(tp)
            out[None if leader in (None, -1) else leader].append(tp)
        return out

    def _produce(self, node: int, batches: dict[TopicPartition, bytes]) -> dict[TopicPartition, Exception]:
        Topic = ProduceRequest.TopicProduceData
        Partition = Topic.PartitionProduceData
        by_topic: dict[str, list] = defaultdict(list)
        for tp, data in batches.items():
            by_topic[tp.topic].append(Partition(index=tp.partition, records=data))
        request = ProduceRequest(transactional_id=None, acks=-1, timeout_ms=self.timeout_ms,
                                 topic_data=[Topic(name=t, partition_data=p) for t, p in by_topic.items()],
                                 min_version=3, max_version=9)
        response = self.client.send_and_receive(node, request, timeout_ms=self.timeout_ms + 5000)
        errors: dict[TopicPartition, Exception] = {}
        for topic_response in response.responses:
            for p in topic_response.partition_responses:
                if p.error_code:
                    errors[TopicPartition(topic_response.name, p.index)] = Errors.for_code(p.error_code)(
                        getattr(p, "error_message", None) or "")
        return errors
