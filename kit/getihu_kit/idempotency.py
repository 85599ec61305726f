"""Idempotency-Key for unsafe POSTs: the same key and body replay the first response.

A retried request (a client that lost the answer) gets the stored answer instead of a second
effect; the same key with a different body is refused, as the IETF draft on the header asks.
"""
from __future__ import annotations

import hashlib

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, func, select

from getihu_kit.upserts import insert_ignore

HEADER = "idempotency-key"


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys", metadata,
        Column("key", String(200), primary_key=True),
        Column("principal", String(200), primary_key=True),
        Column("path", String(500), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status", Integer, nullable=False),
        Column("content_type", String(200), nullable=True),
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def install(app: FastAPI, table: Table) -> None:
    from getihu_kit.web import problem

    @app.middleware("http")
    async def _idempotency(request: Request, call_next):
        key = request.headers.get(HEADER)
        ctype = (request.headers.get("content-type") or "").split(";")[0].strip()
        if request.method != "POST" or not key or ctype not in ("application/json", ""):
            return await call_next(request)
        if len(key) > 200:
            return problem(422, "invalid_input", "输入有误", "Idempotency-Key 长度不能超过200个字符", request,
                           [{"field": "Idempotency-Key", "in": "header", "message": "长度不能超过200个字符"}])
        body = await request.body()
        principal = request.headers.get("authorization", "")[-40:]  # scope keys to the caller
        digest = hashlib.sha256(request.url.path.encode() + b"\n" + body).hexdigest()
        engine = request.app.state.engine
        with engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.key == key, table.c.principal == principal)).mappings().first()
        if row is not None:
            if row["request_hash"] != digest:
                return problem(422, "idempotency_key_reused", "幂等键重复使用",
                               "该 Idempotency-Key 已用于内容不同的请求，请为新请求使用新的键", request)
            return Response(row["body"], status_code=row["status"], media_type=row["content_type"],
                            headers={"Idempotent-Replayed": "true"})
        response = await call_next(request)
        if 200 <= response.status_code < 300:
            chunks = [c async for c in response.body_iterator]
            payload = b"".join(chunks)
            with engine.begin() as conn:
                conn.execute(insert_ignore(table).values(
                    key=key, principal=principal, path=request.url.path, request_hash=digest,
                    status=response.status_code, content_type=response.media_type or "application/json",
                    body=payload.decode()))
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            return Response(payload, status_code=response.status_code, headers=headers,
                            media_type=response.media_type)
        return response
