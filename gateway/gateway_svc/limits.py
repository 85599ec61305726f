"""Request body limits per route: file uploads large, JSON small, refused at the gateway with a 413
problem before a service reads a byte of them.

A body that declares its length is refused on its Content-Length; a chunked one is counted as it
streams and cut off at the limit (the service's request is aborted, never handed a part)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from getihu_kit.web import problem

MiB = 1024 * 1024

# (method, path) → the limit's name; every other body is "json".
ROUTES: list[tuple[str, re.Pattern, str]] = [
    ("POST", re.compile(r"/api/v1/businesses/imports"), "upload"),
    ("POST", re.compile(r"/api/v1/data-sharing/batches/files"), "upload"),
    ("POST", re.compile(r"/api/v1/monitoring/returns/imports"), "upload"),
    ("POST", re.compile(r"/api/v1/data-sharing/batches"), "batch"),  # a JSON batch of up to 20,000 records
    ("POST", re.compile(r"/api/v1/appeals(/.*)?"), "evidence"),  # evidence files in the JSON, Base64
]

LABELS = {"upload": "上传的文件", "batch": "一批数据", "evidence": "异议及证明材料", "json": "请求内容"}

# The ASGI scope key the proxy reads when a streamed body was cut off.
TOO_LARGE = "getihu.body_too_large"


@dataclass(frozen=True)
class BodyLimits:
    json: int
    batch: int
    evidence: int
    upload: int

    def for_request(self, method: str, path: str) -> tuple[str, int]:
        kind = next((k for m, p, k in ROUTES if m == method and p.fullmatch(path)), "json")
        return kind, getattr(self, kind)


class BodyTooLarge(Exception):
    pass


def _size(n: int) -> str:
    return f"{n / MiB:.0f} MB" if n >= MiB else f"{n // 1024} KB"


def too_large(kind: str, limit: int, request=None):
    return problem(413, "payload_too_large", "内容过大",
                   f"{LABELS[kind]}超过了此接口允许的 {_size(limit)}：请拆分后分批提交", request,
                   limit_bytes=limit)


class BodyLimitMiddleware:
    """Pure ASGI (no per-request task or copy): counts the body's bytes as the app receives them."""

    def __init__(self, app: ASGIApp, limits: BodyLimits):
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        kind, limit = self.limits.for_request(scope["method"], scope["path"])
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await too_large(kind, limit, Request(scope))(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    scope[TOO_LARGE] = (kind, limit)
                    raise BodyTooLarge()
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge:
            if not started:
                await too_large(kind, limit, Request(scope))(scope, receive, send)
