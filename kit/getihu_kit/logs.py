"""Structured JSON logs: one line per record, with the request id and the trace of the work in hand.

The context is the request (kit.web binds it for the whole request, the access line included) or
the event a consumer handles (kit.consumer binds it per event): `request_id` is the id the client
sent or the gateway made (events carry it as the `requestid` extension), `trace_id`/`span_id` come
from the W3C traceparent. A process without a context (a job loop's own lines) logs neither.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Iterator

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
traceparent_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("traceparent", default=None)

# W3C Trace Context §3.2: version-traceid-parentid-flags, lowercase hex; all-zero ids are invalid.
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def parse_traceparent(value: str | None) -> tuple[str, str, str] | None:
    """(trace_id, span_id, flags) of a valid traceparent, else None (a malformed one starts a new trace)."""
    m = _TRACEPARENT.match((value or "").strip())
    if not m or m.group(1) == "ff" or set(m.group(2)) == {"0"} or set(m.group(3)) == {"0"}:
        return None
    return m.group(2), m.group(3), m.group(4)


def child_traceparent(parent: str | None) -> str:
    """A new span of the parent's trace (sampled flags kept), or the root span of a new trace."""
    parsed = parse_traceparent(parent)
    trace_id, flags = (parsed[0], parsed[2]) if parsed else (secrets.token_hex(16), "01")
    return f"00-{trace_id}-{secrets.token_hex(8)}-{flags}"


@contextlib.contextmanager
def bound(*, request_id: str | None, traceparent: str | None) -> Iterator[None]:
    """Every log line (and every event emitted, kit.outbox) inside carries this request id and trace."""
    t1, t2 = request_id_var.set(request_id), traceparent_var.set(traceparent)
    try:
        yield
    finally:
        traceparent_var.reset(t2)
        request_id_var.reset(t1)


def context_fields() -> dict[str, str]:
    out = {}
    rid, tp = request_id_var.get(), traceparent_var.get()
    if rid:
        out["request_id"] = rid
    parsed = parse_traceparent(tp)
    if parsed:
        out["trace_id"], out["span_id"] = parsed[0], parsed[1]
        out["traceparent"] = tp
    return out


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        out.update(context_fields())
        for k in ("method", "path", "status", "duration_ms", "event_id", "event_type", "consumer"):
            if hasattr(record, k):
                out[k] = getattr(record, k)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("kafka", "uvicorn.access", "httpx", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # kafka-python's selector warns whenever one of its tasks runs over 100 ms (a client's bootstrap, a
    # large batch): hundreds of lines a day from readiness checks alone, none an operator can act on.
    logging.getLogger("kafka.net.selector").setLevel(logging.ERROR)
