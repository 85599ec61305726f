"""The one event envelope (CloudEvents 1.0, structured JSON mode) and the topic catalogue.

Topics are per owner and aggregate, keyed by USCC so one business's events stay in order.
Entity-state topics are log-compacted: the newest message per key is the whole state, so a new
consumer rebuilds its projection by replaying.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_serializer

from getihu_kit import logs


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str | None = None
    time: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    datacontenttype: str = "application/json"
    traceparent: str | None = None
    # Extension attribute: the id of the request (or, through a handler, of the event) that caused it,
    # so a consumer's log lines name the client's request (kit.logs).
    requestid: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    # An absent optional attribute is left out, never `null`: the JSON event format has no null
    # attributes, and the CloudEvents SDKs refuse them. Nulls inside `data` stay.
    @model_serializer(mode="wrap")
    def _omit_absent(self, handler):
        out = handler(self)
        return {k: v for k, v in out.items() if v is not None or k == "data"}


class EventData(BaseModel):
    """Base of every event payload: declares its CloudEvents type and its (logical) topic."""
    model_config = ConfigDict(extra="allow")
    event_type: ClassVar[str]
    topic: ClassVar[str]


# CloudEvents Kafka protocol binding, structured mode: the whole event is the JSON value, and the
# `content-type` header says so. No `ce_*` header may be set: the binding reads any of them as binary mode.
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"


def kafka_headers(traceparent: str | None = None) -> tuple[tuple[str, bytes], ...]:
    """The headers of every event message: the structured-mode content type, and the W3C trace
    context (also inside the event as the distributed-tracing extension) for brokers' tooling."""
    ct = ("content-type", STRUCTURED_CONTENT_TYPE.encode())
    return (ct, ("traceparent", traceparent.encode())) if traceparent else (ct,)


def make_event(payload: EventData, *, source: str, subject: str | None,
               traceparent: str | None = None, event_id: str | None = None) -> CloudEvent:
    """Without a traceparent the event joins the trace in hand (a request's, a handler's: kit.logs)."""
    return CloudEvent(
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=payload.event_type,
        subject=subject,
        traceparent=traceparent or logs.traceparent_var.get(),
        requestid=logs.request_id_var.get(),
        data=payload.model_dump(mode="json"),
    )


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    compacted: bool
    retention_ms: int | None = None  # None: broker default; -1 keeps forever

    def configs(self) -> dict[str, str]:
        cfg = {"cleanup.policy": "compact" if self.compacted else "delete"}
        if self.retention_ms is not None:
            cfg["retention.ms"] = str(self.retention_ms)
        return cfg


# Logical topic names. A deployment (or a test) may put a prefix in front of all of them.
REGISTRY_BUSINESS = "getihu.registry.business"              # state snapshots, compacted
REGISTRY_ANNUAL_REPORT = "getihu.registry.annual-report"    # window opened/closed
DATA_SHARING_FACTS = "getihu.data-sharing.facts"            # per-business facts, compacted
DATA_SHARING_PERSONS = "getihu.data-sharing.persons"        # per-person facts (失信被执行人), compacted
TYPING_RUNS = "getihu.typing.runs"                          # run lifecycle, typing-published
TYPING_RESULTS = "getihu.typing.results"                    # per-business published results and corrections
CULTIVATION = "getihu.cultivation"                          # windows, applications, recognitions
APPEAL = "getihu.appeal"                                    # objections filed / decided
MONITORING = "getihu.monitoring"                            # questionnaires sent

TOPICS: dict[str, TopicSpec] = {
    t.name: t for t in [
        TopicSpec(REGISTRY_BUSINESS, 6, True),
        TopicSpec(REGISTRY_ANNUAL_REPORT, 1, False, -1),
        TopicSpec(DATA_SHARING_FACTS, 6, True),
        TopicSpec(DATA_SHARING_PERSONS, 3, True),
        TopicSpec(TYPING_RUNS, 1, False, -1),
        TopicSpec(TYPING_RESULTS, 6, False, -1),
        TopicSpec(CULTIVATION, 3, False, -1),
        TopicSpec(APPEAL, 3, False, -1),
        TopicSpec(MONITORING, 3, False, -1),
    ]
}


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


def physical(topic: str, prefix: str) -> str:
    return f"{prefix}{topic}"


def logical(physical_name: str, prefix: str) -> str:
    return physical_name[len(prefix):] if prefix and physical_name.startswith(prefix) else physical_name
