"""Spans (OpenTelemetry SDK) for each hop, outbox relay batch and consumer handler, off by default.

With GETIHU_OTLP_ENDPOINT set (an OTLP/HTTP collector, e.g. http://otel-collector:4318/v1/traces)
every process exports its spans there; without it no SDK is set up and `span()` only makes the new
span id of the W3C trace context (kit.logs.child_traceparent), so the ids in logs, headers and
events are the same either way. The context travels in the `traceparent` HTTP header, the events'
`traceparent` attribute and Kafka header, from the gateway through the service, its outbox, the
consumer that handles the event, and into the events that consumer emits.
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from getihu_kit import logs

log = logging.getLogger(__name__)
_propagator = TraceContextTextMapPropagator()
_provider = None  # an SDK TracerProvider once configured; None: spans are ids only
MAX_LINKS = 100  # a relay batch links at most this many of its events' contexts
SERVER, CONSUMER, PRODUCER, INTERNAL = SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.PRODUCER, SpanKind.INTERNAL


def configure(service: str) -> None:
    """Export spans by OTLP when GETIHU_OTLP_ENDPOINT is set (once per process)."""
    endpoint = os.environ.get("GETIHU_OTLP_ENDPOINT")
    if not endpoint or _provider is not None:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    use_provider(service, BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    log.info("tracing: spans exported to %s", endpoint)


def use_provider(service: str, processor) -> None:
    """Set up the SDK with one span processor (configure's OTLP exporter; a test's in-memory one)."""
    global _provider
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(processor)
    _provider = provider


def reset() -> None:
    """Back to ids only (tests)."""
    global _provider
    if _provider is not None:
        _provider.shutdown()
    _provider = None


def _context(traceparent: str | None):
    return _propagator.extract({"traceparent": traceparent}) if logs.parse_traceparent(traceparent) else None


def _format(ctx) -> str:
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


@contextlib.contextmanager
def span(name: str, *, parent: str | None, kind=INTERNAL, links: list[str] = (),
         attributes: dict | None = None) -> Iterator[str]:
    """A new span, child of the `parent` traceparent (a new trace without one); yields its traceparent."""
    if _provider is None:
        yield logs.child_traceparent(parent)
        return
    tracer = _provider.get_tracer("getihu")
    linked = [Link(trace.get_current_span(c).get_span_context())
              for c in (_context(tp) for tp in list(links)[:MAX_LINKS]) if c is not None]
    s = tracer.start_span(name, context=_context(parent), kind=kind, links=linked, attributes=attributes or {})
    try:
        yield _format(s.get_span_context())
    except BaseException as exc:
        s.record_exception(exc)
        s.set_status(trace.Status(trace.StatusCode.ERROR))
        raise
    finally:
        s.end()
