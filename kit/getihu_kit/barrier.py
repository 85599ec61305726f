"""Read what was accepted before: wait until this service's projections hold every change its
upstream services had committed when a decision was asked for.

A projection lags behind its source twice: rows still in the source's outbox (committed, not yet on
the topic), then records on the topic its consumer group has not applied yet. The barrier closes
both, in that order:

1. each upstream service reports its outbox head (the last sequence number handed out) and how many
   rows at or below a given head are still unpublished (`GET /internal/outbox`, served by every
   service's app); the barrier waits until none are left at or below the head it first saw. A
   transaction still open at that moment had not committed before the request, so it is not waited
   for; one that had committed is in the outbox below the head, or already on the topic;
2. then it reads the end offsets of the topics the projections consume and waits until the
   projections' consumer groups have committed offsets at or past them (the kit's consumer commits
   only after a poll's events are applied, kit.consumer).

One HTTP call per source per poll, at the start of a run: not a batch path (DESIGN.md allows
synchronous HTTP as that exception). Bounded: after `timeout_s` the barrier raises DataNotReady
naming what it still waits for, so the caller fails the decision instead of reading stale data.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from sqlalchemy import text
from sqlalchemy.engine import Connection

from getihu_kit.errors import DomainError
from getihu_kit.events import physical

log = logging.getLogger(__name__)

_WATERMARK = text("""
    SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('outbox', 'seq')::regclass), 0) AS head,
           (SELECT count(*) FROM outbox WHERE seq <= coalesce(:through, (
                SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('outbox', 'seq')::regclass), 0))))
             AS pending""")


def outbox_watermark(conn: Connection, through: int | None = None) -> dict[str, int]:
    """This service's outbox head and its unpublished rows at or below `through` (default: the head)."""
    row = conn.execute(_WATERMARK, {"through": through}).mappings().one()
    return {"head": int(row["head"]), "pending": int(row["pending"])}


@dataclass(frozen=True)
class Upstream:
    """A service whose events feed a projection here: its name and its API's base URL."""
    name: str
    url: str


@dataclass(frozen=True)
class Projection:
    """A consumer group of this service and the logical topics it applies."""
    group: str
    topics: tuple[str, ...]


class DataNotReady(DomainError):
    status, code, title = 503, "data_not_ready", "数据尚未同步完成"
    # answered over HTTP (a decision asked for by a clerk): when to try again
    headers = {"Retry-After": "5"}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")


class Barrier:
    def __init__(self, upstreams: list[Upstream], projections: list[Projection], *, bootstrap: str,
                 topic_prefix: str = "", timeout_s: float = 300.0, poll_s: float = 0.2):
        self.upstreams, self.projections = upstreams, projections
        self.bootstrap, self.prefix = bootstrap, topic_prefix
        self.timeout_s, self.poll_s = timeout_s, poll_s

    def wait(self, on_wait: Callable[[str], None] | None = None) -> dict:
        """Block until the projections caught up; return the record of what was waited for."""
        started = time.monotonic()
        deadline = started + self.timeout_s
        record = {"requested_at": _now(), "sources": [], "topics": []}
        with httpx.Client(timeout=10.0) as http:
            for up in self.upstreams:
                head = self._outbox(http, up, None, deadline)["head"]
                while (left := self._outbox(http, up, head, deadline)["pending"]) > 0:
                    self._pause(deadline, f"{up.name} 的待发布事件 {left} 条", on_wait)
                record["sources"].append({"service": up.name, "outbox_through": head})
        topics = sorted({t for p in self.projections for t in p.topics})
        ends = self._end_offsets(topics)
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap) if any(ends.values()) else None
        try:
            for p in self.projections:
                names = {physical(t, self.prefix) for t in p.topics}
                mine = {tp: end for tp, end in ends.items() if tp.topic in names}
                while (behind := self._behind(admin, p.group, mine)) > 0:
                    self._pause(deadline, f"{p.group} 尚有 {behind} 条事件未应用", on_wait)
        finally:
            if admin is not None:
                admin.close()
        for t in topics:
            name = physical(t, self.prefix)
            record["topics"].append({"topic": t, "end_offset": sum(e for tp, e in ends.items() if tp.topic == name)})
        record["passed_at"] = _now()
        record["waited_s"] = round(time.monotonic() - started, 3)
        return record

    def _pause(self, deadline: float, what: str, on_wait) -> None:
        if time.monotonic() > deadline:
            raise DataNotReady(f"等待上游数据同步超时（{what}），请稍后重新发起")
        if on_wait is not None:
            on_wait(what)
        time.sleep(self.poll_s)

    def _outbox(self, http: httpx.Client, up: Upstream, through: int | None, deadline: float) -> dict:
        while True:
            try:
                r = http.get(f"{up.url.rstrip('/')}/internal/outbox",
                             params={} if through is None else {"through": through})
                r.raise_for_status()
                return r.json()
            except (httpx.HTTPError, ValueError) as exc:  # a source restarting: wait for it, within the bound
                log.warning("barrier: %s outbox not readable: %r", up.name, exc)
                self._pause(deadline, f"{up.name} 服务暂不可用", None)

    def _end_offsets(self, topics: list[str]) -> dict[TopicPartition, int]:
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False)
        try:
            tps = [TopicPartition(physical(t, self.prefix), p)
                   for t in topics for p in sorted(consumer.partitions_for_topic(physical(t, self.prefix)) or ())]
            return consumer.end_offsets(tps) if tps else {}
        finally:
            consumer.close()

    def _behind(self, admin: KafkaAdminClient | None, group: str, ends: dict[TopicPartition, int]) -> int:
        """Records up to `ends` the group has not committed past (0 when caught up)."""
        if admin is None or not any(ends.values()):
            return 0
        gid = physical(group, self.prefix)
        try:
            committed = admin.list_group_offsets({gid: list(ends)}).get(gid, {})
        except KafkaError as exc:
            if not exc.retriable:
                raise
            # e.g. no group coordinator yet (a fresh broker creates its offsets topic on first use):
            # nothing is known to be applied, so everything is still to wait for, within the bound
            log.info("barrier: offsets of %s not readable yet: %r", gid, exc)
            return sum(ends.values())
        return sum(max(0, end - (committed[tp].offset if tp in committed and committed[tp].offset >= 0 else 0))
                   for tp, end in ends.items())
