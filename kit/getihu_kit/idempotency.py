"""Idempotency-Key for unsafe POSTs: the same key and request replay the first answer.

A retried request (a client that lost the answer) gets the stored answer instead of a second
effect; the same key with a different request is refused, as the IETF draft on the header asks.

- Keys belong to the caller: the verified token's issuer and subject, so a fresh token of the same
  person replays, and another person's identical key is a different key. Anonymous callers (the
  public notice objection is the one anonymous write) share the scope "anonymous": a replay needs
  the byte-identical request, which already holds everything the answer tells (the objector's own
  name and phone), so a stranger learns nothing; clients are asked for random keys (a UUID).
- The answer is stored in the transaction of the effect: the middleware opens the request's unit of
  work (kit.web.get_session hands that session to the handler) and commits effect and answer
  together, so a crash before the commit leaves neither and the retry runs once.
- A transaction-scoped advisory lock on (caller, key) marks a request in flight; a second request
  with the key meanwhile is refused at once (409 idempotency_key_in_flight), never queued.
- Stored answers are kept `idempotency_ttl_s` (24 h); older rows are ignored, replaced by a new
  request with their key, and swept now and then.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, func, insert, select, text
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from getihu_kit import uploads
from getihu_kit.auth import Principal
from getihu_kit.errors import DomainError
from getihu_kit.web import get_principal, problem

log = logging.getLogger(__name__)

HEADER = "idempotency-key"
MAX_KEY = 200
ANONYMOUS_SCOPE = "anonymous"
SWEEP_EVERY_S = 600  # how often one API process deletes expired keys


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys", metadata,
        Column("key", String(200), primary_key=True),
        # the caller's scope: "anonymous", or the sha256 of the token's issuer and subject (fixed
        # length whatever the issuer's URL, so the column never needs widening)
        Column("principal", String(200), primary_key=True),
        Column("path", String(500), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status", Integer, nullable=False),
        Column("content_type", String(200), nullable=True),
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


# --- plain rules ----------------------------------------------------------------------------------
def caller_scope(p: Principal) -> str:
    if p.issuer is None:
        return ANONYMOUS_SCOPE
    return hashlib.sha256(f"{p.issuer}\n{p.sub}".encode()).hexdigest()


def lock_id(scope: str, key: str) -> int:
    """The advisory lock of one (caller, key): a signed 64-bit hash, as pg_try_advisory_xact_lock wants."""
    return int.from_bytes(hashlib.sha256(f"{scope}\n{key}".encode()).digest()[:8], "big", signed=True)


class RequestDigest:
    """sha256 of what makes two requests the same: path and query, media type and body, fed chunk by
    chunk as the body streams in (an upload is hashed as it is spooled, never read twice).

    A multipart/form-data body is hashed by its parts (each part's headers and data), not its bytes:
    a client that retries builds a fresh random boundary, and the same form under another boundary
    is the same request. A body that does not parse as multipart is hashed as bytes."""

    def __init__(self, path: str, query: str, content_type: str):
        media, params = parse_options_header(content_type)
        self.head = f"{path}?{query}\n".encode()
        self.raw = hashlib.sha256()
        self.parts: hashlib._Hash | None = None
        self.parser: MultipartParser | None = None
        if media == b"multipart/form-data" and params.get(b"boundary"):
            self.head += media
            self._multipart(params[b"boundary"])
        else:
            self.head += content_type.replace(" ", "").lower().encode()

    def _multipart(self, boundary: bytes) -> None:
        self.parts = hashlib.sha256()
        state: dict = {}

        def begin():
            state.update(headers=hashlib.sha256(), data=hashlib.sha256(), in_value=False)

        def field(data, start, end):
            state["headers"].update(data[start:end])

        def value(data, start, end):
            if not state["in_value"]:
                state["headers"].update(b":")  # a field name never holds a colon: the split is unambiguous
                state["in_value"] = True
            state["headers"].update(data[start:end])

        def header_end():
            state["headers"].update(b"\r\n")
            state["in_value"] = False

        def part_data(data, start, end):
            state["data"].update(data[start:end])

        def part_end():
            self.parts.update(state["headers"].digest() + state["data"].digest())

        self.parser = MultipartParser(boundary, {
            "on_part_begin": begin, "on_header_field": field, "on_header_value": value,
            "on_header_end": header_end, "on_part_data": part_data, "on_part_end": part_end})

    def update(self, chunk: bytes) -> None:
        self.raw.update(chunk)
        if self.parser is not None:
            try:
                self.parser.write(chunk)
            except Exception:  # not multipart after all: the bytes decide
                self.parser = self.parts = None

    def hexdigest(self) -> str:
        if self.parser is not None:
            try:
                self.parser.finalize()
            except Exception:
                self.parts = None
            self.parser = None
        body = b"parts:" + self.parts.digest() if self.parts is not None else b"bytes:" + self.raw.digest()
        return hashlib.sha256(self.head + b"\n" + body).hexdigest()


# --- the database side (each runs in a worker thread, never on the event loop) -------------------------
def _claim(session: Session, table: Table, *, lock: int, scope: str, key: str, ttl_s: int):
    """Take the key's lock in this transaction; the live stored answer, or None; False when the key
    is in flight elsewhere."""
    if not session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock}).scalar():
        return False
    expired = (table.c.created_at < func.now() - dt.timedelta(seconds=ttl_s)).label("expired")
    row = session.execute(select(table, expired).where(table.c.key == key, table.c.principal == scope)
                          ).mappings().first()
    if row is not None and row["expired"]:
        # expired: forgotten, and its key free for this request (we hold its lock)
        session.execute(delete(table).where(table.c.key == key, table.c.principal == scope))
        row = None
    return dict(row) if row is not None else None


def _store(session: Session, table: Table, **values) -> None:
    try:
        session.execute(insert(table).values(**values))
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _end(session: Session) -> None:
    session.rollback()
    session.close()


def sweep_expired(engine, table: Table, ttl_s: int) -> None:
    """Delete answers older than `ttl_s` (the middleware calls it every SWEEP_EVERY_S)."""
    with engine.begin() as conn:
        n = conn.execute(delete(table).where(
            table.c.created_at < func.now() - dt.timedelta(seconds=ttl_s))).rowcount
    if n:
        log.info("deleted %d expired idempotency keys", n)


# --- the middleware -----------------------------------------------------------------------------------
class IdempotencyMiddleware:
    """Pure ASGI, so the body can be hashed while it streams and the answer held back until it is
    stored. Installed inside kit.web's request context, so its own answers carry the request id."""

    def __init__(self, app: ASGIApp, table: Table):
        self.app, self.table = app, table
        self.next_sweep = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        key = request.headers.get(HEADER)
        if key is None:
            return await self.app(scope, receive, send)
        if not key or len(key) > MAX_KEY or not key.isprintable():
            return await problem(422, "invalid_input", "输入有误", "Idempotency-Key 应为1至200个可见字符（建议使用 UUID）",
                                 request, [{"field": "Idempotency-Key", "in": "header",
                                            "message": "应为1至200个可见字符"}])(scope, receive, send)
        try:
            # in a thread: with a JWKS the first token of a key id fetches the issuer's keys
            principal = await run_in_threadpool(get_principal, request)
        except DomainError as exc:
            return await problem(exc.status, exc.code, exc.title, exc.detail, request, exc.errors or None,
                                 **exc.extra)(scope, receive, send)
        caller = caller_scope(principal)
        app = request.app
        ttl_s = app.state.settings.idempotency_ttl_s
        digest = RequestDigest(request.url.path, request.url.query, request.headers.get("content-type") or "")
        # The body is spooled (memory up to a few MiB, disk past that) and hashed in one pass before
        # any database work, so a slow upload holds no connection; kit.uploads.spooled_body reads this
        # spool instead of copying the upload again, and other handlers get it replayed as the stream.
        body = await uploads.spool(request.stream(), each=digest.update)
        try:
            size = body.seek(0, 2)
            body.seek(0)
            await self._handle(scope, receive, send, request, key=key, caller=caller, ttl_s=ttl_s,
                               digest=digest.hexdigest(), body=body, size=size)
        finally:
            body.close()
        if time.monotonic() >= self.next_sweep:
            self.next_sweep = time.monotonic() + SWEEP_EVERY_S
            try:
                await run_in_threadpool(sweep_expired, app.state.engine, self.table, ttl_s)
            except Exception:
                log.exception("sweeping expired idempotency keys failed; the next sweep tries again")

    async def _handle(self, scope, receive, send, request: Request, *, key: str, caller: str, ttl_s: int,
                      digest: str, body, size: int) -> None:
        session: Session = request.app.state.sessions()
        try:
            stored = await run_in_threadpool(_claim, session, self.table, lock=lock_id(caller, key), scope=caller,
                                             key=key, ttl_s=ttl_s)
        except BaseException:
            await run_in_threadpool(_end, session)
            raise
        if stored is not None:  # in flight, or answered before: nothing of ours to keep
            await run_in_threadpool(_end, session)
            if stored is False:
                answer = problem(409, "idempotency_key_in_flight", "请求处理中",
                                 "使用同一 Idempotency-Key 的请求正在处理中，请稍候用同一个键重试以取得其结果",
                                 request, headers={"Retry-After": "1"})
            elif stored["request_hash"] != digest:
                answer = problem(422, "idempotency_key_reused", "幂等键重复使用",
                                 "该 Idempotency-Key 已用于内容不同的请求，请为新请求使用新的键", request)
            else:
                answer = Response(stored["body"], status_code=stored["status"],
                                  headers={"content-type": stored["content_type"] or "application/json",
                                           "Idempotent-Replayed": "true"})
            return await answer(scope, receive, send)

        # kit.web.get_session hands this session to the handler. It passes between threads (ours, the
        # dependency's, the handler's) but is never used by two at once: we await the app, and FastAPI
        # runs a request's dependencies and handler one after another.
        request.state.db_session = session
        setattr(request.state, uploads.SPOOLED, body)
        start: Message | None = None
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:  # the answer waits until it is stored with the effect
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, _replay(body, size, receive), hold)
            if start is None:
                raise RuntimeError("the app returned without a response")
            payload = b"".join(chunks)
            if start["status"] >= 500:
                await run_in_threadpool(_end, session)
            else:
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
                await run_in_threadpool(
                    _store, session, self.table, key=key, principal=caller, path=request.url.path[:500],
                    request_hash=digest, status=start["status"], content_type=headers.get("content-type"),
                    body=payload.decode("utf-8"))  # POST answers are JSON; anything else fails here, not silently
                await run_in_threadpool(session.close)
        except BaseException:
            await run_in_threadpool(_end, session)
            raise
        finally:
            request.state.db_session = None
            setattr(request.state, uploads.SPOOLED, None)
        await send(start)
        await send({"type": "http.response.body", "body": payload})


def _replay(body, size: int, receive: Receive) -> Receive:
    """The spooled body as the request stream (for handlers that read it themselves, e.g. JSON or a
    form), then the client's own messages (a disconnect)."""
    reader, sent, done = UploadFile(body), 0, False

    async def replay() -> Message:
        nonlocal sent, done
        if done:
            return await receive()
        block = await reader.read(uploads.BLOCK)
        sent += len(block)
        done = sent >= size or not block
        return {"type": "http.request", "body": block, "more_body": not done}
    return replay


def install(app, table: Table) -> None:
    """Honour Idempotency-Key on the app's POSTs, keeping answers in `table` (idempotency_table)."""
    if app.middleware_stack is not None:
        raise RuntimeError("install idempotency before the app starts")
    # Innermost of the app's own middleware (add_middleware would put it outermost): inside kit.web's
    # request context, so its answers carry the request id and are counted and logged.
    app.user_middleware.append(Middleware(IdempotencyMiddleware, table=table))
    app.state.idempotency_table = table
