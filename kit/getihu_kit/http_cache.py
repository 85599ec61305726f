"""Conditional answers for public GETs: an ETag of the answer's bytes and `Cache-Control: public, no-cache`.

The tag is the hash of the body, so whatever changes the answer (a new type label, a recognition, a
renamed business) changes the tag: a cache or browser revalidates every time (no-cache) and gets a
304 without the body while nothing changed; nothing is ever served stale."""
from __future__ import annotations

import hashlib

from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

CACHE_CONTROL = "public, no-cache"
# For the OpenAPI document of a route answered by `conditional_json`.
NOT_MODIFIED = {304: {"description": "未变化：与 If-None-Match 中的 ETag 相同，沿用缓存的答复"}}


def etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 13.1.2: weak comparison, a list of tags or `*`."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(t.strip().removeprefix("W/") == tag for t in if_none_match.split(","))


def conditional_json(request: Request, payload: BaseModel) -> Response:
    """The payload as JSON with its ETag, or 304 Not Modified when the caller already holds it."""
    body = payload.model_dump_json(by_alias=True).encode()  # pydantic's own serialiser, the fastest way
    tag = etag(body)
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
