"""The reverse proxy: one pooled aiohttp session, small bodies whole, large ones streamed, 502/504 as
problem+json.

aiohttp rather than httpx: measured on this path, httpx spends ~700 µs of CPU per proxied request and
aiohttp ~130 µs; the gateway's overhead is mostly its client's."""
from __future__ import annotations

import asyncio

import aiohttp
from types import SimpleNamespace

from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from getihu_kit.errors import DomainError
from getihu_kit.web import domain_problem, problem, unexpected_problem
from gateway_svc import routing
from gateway_svc.limits import TOO_LARGE, BodyTooLarge

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}
# The gateway's own server writes these on every answer; the service's copies would be duplicates.
_NOT_RETURNED = {h.encode() for h in HOP_BY_HOP} | {b"date", b"server"}

SERVICE_NAMES = {"registry": "登记服务", "data-sharing": "数据共享服务", "typing": "分型服务",
                 "cultivation": "培育服务", "appeal": "异议服务", "notify": "通知服务",
                 "monitoring": "监测分析服务"}

# Bodies up to this size are read whole and sent in one write (nearly every API call: a JSON object, a
# page of a list); larger or unsized ones (uploads, exports) are streamed chunk by chunk: flat memory.
WHOLE_BODY_MAX = 256 * 1024
KEEPALIVE_S = 3.0
STREAM_CHUNK = 64 * 1024


def session(*, connect_timeout_s: float) -> aiohttp.ClientSession:
    """The gateway's one upstream session: keep-alive pool, no cookie jar, bodies passed as they come
    (no decompression: the client gets the service's bytes)."""
    # An idle connection is dropped before the service drops it (uvicorn closes one idle for 5 s): a
    # request sent on a connection the service has just closed fails as a 502.
    connector = aiohttp.TCPConnector(limit=400, limit_per_host=100, keepalive_timeout=KEEPALIVE_S, ttl_dns_cache=300)
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False,
                                 skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                                 timeout=aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout_s))


def timeout(read_s: float, connect_s: float) -> aiohttp.ClientTimeout:
    """read_s bounds each wait for the service's bytes: a slow service is a 504, a long upload is not."""
    return aiohttp.ClientTimeout(total=None, sock_connect=connect_s, sock_read=read_s)


def _length(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


async def _chunks(request: Request):
    async for chunk in request.stream():
        if chunk:
            yield chunk


async def forward(request: Request, client: aiohttp.ClientSession, base_url: str, service: str,
                  timeout: aiohttp.ClientTimeout) -> Response:
    incoming = request.headers
    headers = [(k, v) for k, v in incoming.items() if k not in HOP_BY_HOP and k != "traceparent"]
    headers += [("x-request-id", request.state.request_id), ("traceparent", request.state.traceparent),
                ("x-forwarded-for", request.client.host if request.client else "")]
    length = _length(incoming.get("content-length"))
    data = None
    if length is not None and length <= WHOLE_BODY_MAX:
        data = await request.body() if length else None
        if length == 0 and request.method in ("POST", "PUT", "PATCH"):
            headers.append(("content-length", "0"))
    elif length is not None or "transfer-encoding" in incoming:
        data = _chunks(request)
        if length is not None:  # sent as it came: sized, not re-chunked
            headers.append(("content-length", str(length)))
    # The path as the client sent it (percent-encoded), not decoded: a %3F, %23 or %2F in a segment
    # stays part of that segment, and nothing is decoded twice.
    raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
    query = request.scope["query_string"]
    url = base_url + raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
    label = SERVICE_NAMES.get(service, service)
    try:
        upstream = await client.request(request.method, url, headers=headers, data=data, timeout=timeout,
                                        allow_redirects=False, compress=None)
        out_headers = [(k.lower(), v) for k, v in upstream.raw_headers if k.lower() not in _NOT_RETURNED]
        size = _length(upstream.headers.get("content-length"))
        if size is not None and size <= WHOLE_BODY_MAX:
            try:
                body = await upstream.read()
            finally:
                upstream.release()
            response = Response(body, status_code=upstream.status)
            response.raw_headers = out_headers + [(b"content-length", str(len(body)).encode())]
            return response
    except asyncio.TimeoutError:
        return problem(504, "upstream_timeout", "上游服务超时", f"{label}响应超时，请稍后重试", request,
                       service=service)
    except aiohttp.ClientError:
        if TOO_LARGE in request.scope:  # the body was cut off at its limit: the client's fault, a 413
            raise BodyTooLarge() from None
        return problem(502, "upstream_unavailable", "上游服务不可用", f"{label}暂时不可用，请稍后重试", request,
                       service=service)
    response = StreamingResponse(upstream.content.iter_chunked(STREAM_CHUNK), status_code=upstream.status,
                                 background=BackgroundTask(upstream.release))
    response.raw_headers = out_headers + ([(b"content-length", str(size).encode())] if size is not None else [])
    return response


# What the proxy answers: these methods on a path a service owns (routing.owner).
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
# The route a proxied request is counted under (kit.web's request metrics label requests by route).
ROUTE = SimpleNamespace(path="/api/v1/{rest:path}")


class ProxyPath:
    """The proxy ahead of the gateway's FastAPI app, inside CORS, the request context and the body
    limits: a request a service owns is handed to `forward` at once. FastAPI's own layers (its error,
    telemetry and body-limit middleware, the exception middleware, the router) cost a proxied request
    ~0.16 ms of CPU, about half of what the proxying costs (bench/request_path.py). A refusal
    (DomainError: a bad token) and an unexpected error are answered as the app's handlers answer them;
    every other request goes on to the app."""

    def __init__(self, app: ASGIApp, forward):
        self.app, self.forward = app, forward

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in METHODS or routing.owner(scope["path"]) is None:
            return await self.app(scope, receive, send)
        scope["route"] = ROUTE
        request = Request(scope, receive)
        try:
            response = await self.forward(request)
        except DomainError as exc:
            response = domain_problem(request, exc)
        except BodyTooLarge:
            raise  # the body limits' own answer, a 413
        except Exception:  # noqa: BLE001 - a bug: the same 500 problem the app's handler gives
            response = unexpected_problem(request)
        await response(scope, receive, send)
