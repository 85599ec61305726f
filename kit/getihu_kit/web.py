"""HTTP at the edge: the app factory, problem+json errors, sessions, identity, ids, metrics.

Every service builds its FastAPI app with `create_app`; handlers never build error responses by
hand — they raise DomainError (kit.errors) and the handlers here render RFC 9457 problem+json.
"""
from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from getihu_kit import auth, barrier, logs, operator_identity, tracing, validation
from getihu_kit.db import make_engine, make_sessionmaker, run_migrations, unit_of_work
from getihu_kit.errors import DomainError
from getihu_kit.problems import type_uri
from getihu_kit.read_pool import ReadPool
from getihu_kit.settings import ServiceSettings

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"

def validation_errors(errs: list[dict]) -> list[dict[str, Any]]:
    out = []
    for e in errs:
        loc = [str(x) for x in e.get("loc", ())]
        where = loc[0] if loc and loc[0] in ("body", "query", "path", "header", "cookie") else "body"
        parts = loc[1:] if loc and loc[0] == where else loc
        out.append({"field": ".".join(parts) or where, "in": where, "message": validation.message(e)})
    return out


def problem(status: int, code: str, title: str, detail: str, request: Request | None = None,
            errors: list[dict] | None = None, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": type_uri(code), "title": title, "status": status, "detail": detail, "code": code,
    }
    if request is not None:
        body["instance"] = request.url.path
        rid = getattr(request.state, "request_id", None)
        if rid:
            body["request_id"] = rid
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


_HTTP_TEXT = {
    400: ("bad_request", "请求有误", "请求格式有误"),
    401: ("unauthorized", "未登录", "需要登录"),
    403: ("forbidden", "无权操作", "无权执行此操作"),
    404: ("not_found", "未找到", "请求的资源或接口不存在，请核对地址"),
    405: ("method_not_allowed", "方法不允许", "该接口不支持此请求方法"),
    406: ("not_acceptable", "无法提供", "无法按所要求的格式返回"),
    413: ("payload_too_large", "内容过大", "上传内容过大"),
    415: ("unsupported_media_type", "不支持的类型", "不支持的请求内容类型"),
    500: ("internal_error", "服务器内部错误", "服务器处理请求时出错，请稍后重试"),
}


def domain_problem(request: Request, exc: DomainError) -> JSONResponse:
    """The problem+json answer of a refusal (a DomainError): the app's handler's, and that of a pure ASGI
    path answering ahead of the app (the gateway's proxy path)."""
    return problem(exc.status, exc.code, exc.title, exc.detail, request, exc.errors or None,
                   headers=getattr(exc, "headers", None), **exc.extra)


def unexpected_problem(request: Request) -> JSONResponse:
    """The 500 of an error nobody meant (a bug, never bad input), logged with its traceback; call it
    from an except block."""
    log.exception("unhandled error on %s %s", request.method, request.scope.get("path"))
    return problem(500, "internal_error", "服务器内部错误",
                   "服务器处理请求时出错，请稍后重试；如持续出现，请将 request_id 告知运维人员", request)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        return domain_problem(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = validation_errors(exc.errors())
        summary = "；".join(f"{e['field']}：{e['message']}" for e in errors[:10])
        return problem(422, "invalid_input", "输入有误", f"请求中有字段不符合要求——{summary}", request, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        # Any other status takes its class's code: every code has one page (kit.problems), one status.
        code, title, default = _HTTP_TEXT.get(exc.status_code) or _HTTP_TEXT[500 if exc.status_code >= 500 else 400]
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else default
        return problem(exc.status_code, code, title, detail, request, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # a bug, never bad input
        return unexpected_problem(request)


# --- request context ---------------------------------------------------------------------------
_CONTROL_IN_PATH = re.compile("[\x00-\x1f\x7f]")
_CONTROL = re.compile("[\x00-\x1f]")
_CONTROL_BYTES = re.compile(b"[\x00-\x1f]")


def _control_characters(request: Request) -> str | None:
    """Control characters in an address are never meaningful, and PostgreSQL refuses NUL in text.
    Read from the scope, not request.url (which parses the whole address again): this runs on every
    request of every service and of the gateway."""
    if _CONTROL_IN_PATH.search(request.scope["path"]):
        return "请求地址"
    query: bytes = request.scope.get("query_string", b"")
    if _CONTROL_BYTES.search(query) or b"%" in query and any(
            _CONTROL.search(v) for _, v in request.query_params.multi_items()):
        return "查询参数"
    return None


def _nul_in_json(body: bytes) -> str | None:
    return "请求体" if b"\\u0000" in body else None


def _json_write(scope: Scope) -> bool:
    if scope["method"] not in ("POST", "PUT", "PATCH"):
        return False
    ctype = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
    return ctype.split(b";")[0].strip() == b"application/json"


class RequestContextMiddleware:
    """Request id (from the caller or new) and this hop's own span of the caller's trace (a new trace
    without one: the gateway forwards its span to the service, the service stamps its span on the
    events it emits), answered back and bound to the logs until the access line is written; control
    characters refused as a 400; each request counted, timed and logged.

    Pure ASGI rather than a BaseHTTPMiddleware: on the gateway's proxy path that wrapper cost about as
    much CPU as the proxying itself (measured in bench/request_path.py), and it re-streams every body."""

    def __init__(self, app: ASGIApp, service: str, requests: Counter, latency: Histogram):
        self.app, self.service, self.requests, self.latency = app, service, requests, latency
        self.access = logging.getLogger(f"{service}.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = rid
        bad = _control_characters(request)
        if bad is None and _json_write(scope):
            # A JSON body is small: read it whole, check it, and hand the app the same bytes.
            chunks = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            bad = _nul_in_json(body)
            receive = _replay(body, receive)
        if bad:
            response = problem(400, "control_characters", "请求含有非法字符",
                               f"{bad}含有不可见的控制字符（如 NUL），请删除后重试", request)
            return await response(scope, receive, send)
        method = scope["method"]
        start = time.perf_counter()
        status = 500
        with tracing.span(f"{self.service} {method}", parent=request.headers.get("traceparent"),
                          kind=tracing.SERVER, attributes={"url.path": scope["path"],
                                                           "http.request.method": method}) as tp, \
                logs.bound(request_id=rid, traceparent=tp):
            request.state.traceparent = tp
            ids = [(b"x-request-id", rid.encode("latin-1")), (b"traceparent", tp.encode("latin-1"))]

            async def send_with_ids(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    names = {b"x-request-id", b"traceparent"}
                    message["headers"] = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in names] + ids
                await send(message)
            try:
                await self.app(scope, receive, send_with_ids)
            finally:
                # still inside the bound context: the access line carries the request id and trace
                elapsed = time.perf_counter() - start
                route = getattr(scope.get("route"), "path", "unmatched")
                self.requests.labels(method, route, str(status)).inc()
                self.latency.labels(method, route).observe(elapsed)
                if route not in ("/healthz", "/metrics"):
                    self.access.info("request", extra={"method": method, "path": scope["path"], "status": status,
                                                       "duration_ms": round(elapsed * 1000, 1)})


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then the disconnect, when it comes
    return replay


def request_metrics(app: FastAPI) -> tuple[Counter, Histogram]:
    """The app's metrics registry (app.state.metrics_registry) with the request counter and timer."""
    registry = CollectorRegistry()
    requests = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry)
    latency = Histogram("http_request_duration_seconds", "HTTP latency", ["method", "route"], registry=registry)
    app.state.metrics_registry = registry
    return requests, latency


def install_middleware(app: FastAPI, service: str) -> None:
    requests, latency = request_metrics(app)
    app.add_middleware(RequestContextMiddleware, service=service, requests=requests, latency=latency)


# --- dependencies --------------------------------------------------------------------------------
def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work (kit.db.unit_of_work): commit on success, roll back on error.

    Under an Idempotency-Key the middleware (kit.idempotency) has opened the unit of work, so the
    stored answer commits with the effect; the handler works in a savepoint of it and never commits:
    a handler that fails leaves nothing behind, and its 4xx answer is still stored."""
    shared: Session | None = getattr(request.state, "db_session", None)
    if shared is not None:
        with shared.begin_nested():
            yield shared
        return
    with unit_of_work(request.app.state.sessions) as session:
        yield session


def _verified_tokens(request: Request) -> auth.VerifiedTokens:
    """The app's cache of verified tokens (each app its own: its own secret or issuer)."""
    state = request.app.state
    cache = getattr(state, "verified_tokens", None)
    if cache is None:
        cache = state.verified_tokens = auth.VerifiedTokens()
    return cache


def verified_principal(request: Request) -> auth.Principal:
    """The caller the bearer token names (anonymous without a token), verified once per request; a
    real-name operator's businesses are not resolved yet (get_principal does that). The gateway's
    forwarding needs no more: the services apply the fine rules."""
    known = getattr(request.state, "verified_principal", None)
    if known is not None:
        return known
    header = request.headers.get("authorization")
    if not header:
        return auth.ANONYMOUS
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        from getihu_kit.errors import Unauthorized
        raise Unauthorized("Authorization 请求头应为“Bearer <令牌>”格式")
    token = token.strip()
    verified = _verified_tokens(request)
    principal = verified.get(token)
    if principal is None:
        s: ServiceSettings = request.app.state.settings
        principal = auth.verify(token, secret=s.jwt_secret, issuer=s.jwt_issuer, audience=s.jwt_audience,
                                jwks_url=s.jwks_url, names=s.claim_names())
        verified.put(token, principal)
    request.state.verified_principal = principal
    return principal


def get_principal(request: Request) -> auth.Principal:
    """The verified caller (anonymous without a token), with the businesses a real-name operator
    currently operates (kit.operator_identity); once per request, the Idempotency-Key middleware
    asks first to scope its keys."""
    known = getattr(request.state, "principal", None)
    if known is not None:
        return known
    principal = verified_principal(request)
    if operator_identity.needs_businesses(principal):
        token = request.headers["authorization"].partition(" ")[2].strip()
        principal = request.app.state.operator_businesses.resolve(principal, token)
    request.state.principal = principal
    return principal


def model_json(payload: BaseModel, status_code: int = 200) -> Response:
    """A response model written as JSON by pydantic in one pass. Given the model back, FastAPI dumps it
    to a dict and validates that again before writing it: for a page of 100 items, more CPU than reading
    them (bench/request_path.py). For hot lists; the route keeps its response_model for the document."""
    return Response(payload.model_dump_json(by_alias=True), media_type="application/json", status_code=status_code)


def traceparent(request: Request) -> str | None:
    return getattr(request.state, "traceparent", None)


# scope="function": the unit of work commits before the response is sent, so a client that gets a 2xx
# reads its own write at once, and a failed commit is an error response, never a 2xx with nothing stored.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

# Bounded numbers for paths and queries: a value no database column can hold is a 422 naming the
# field, never an overflow deep in the driver.
MAX_ID = 2**63 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
YearPath = Annotated[int, Path(ge=2000, le=2100, description="年度（2000–2100）")]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="年度（2000–2100）")]
RequiredYearQuery = Annotated[int, Query(ge=2000, le=2100, description="年度（2000–2100）")]


async def caller(request: Request) -> auth.Principal:
    """get_principal as a dependency: a caller without a token (most of the public), or with a token
    verified before (auth.VerifiedTokens), costs no worker thread; a new token goes to one, since a
    JWKS may have to be fetched for its key id."""
    known = getattr(request.state, "principal", None)
    if known is not None:
        return known
    header = request.headers.get("authorization")
    if not header:
        request.state.principal = auth.ANONYMOUS
        return auth.ANONYMOUS
    scheme, _, token = header.partition(" ")
    known = _verified_tokens(request).get(token.strip()) if scheme.lower() == "bearer" else None
    if known is not None and not operator_identity.needs_businesses(known):  # verified before: no thread
        request.state.verified_principal = request.state.principal = known
        return known
    return await run_in_threadpool(get_principal, request)


PrincipalDep = Annotated[auth.Principal, Depends(caller)]


def requires(*roles: str) -> Callable[..., auth.Principal]:
    """The dependency a route declares its callers with: `principal = Depends(requires("operator"))`.
    The roles are kept on the dependency so a test can check that every route declares them."""
    async def _dep(p: PrincipalDep) -> auth.Principal:  # pure: on the event loop
        return auth.require_roles(p, *roles)
    _dep.roles = frozenset(roles)
    return _dep


# Public paths (the 名录, standards, notices): anyone, signed in or not.
ANYONE = requires(*auth.ROLES)


# --- the documented error shape -----------------------------------------------------------------------
PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `code` is stable, `detail` is Chinese a person can act on.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "example": "/problems/invalid_input"},
        "title": {"type": "string", "example": "输入有误"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string"},
        "code": {"type": "string", "example": "invalid_input"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "in": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


# The answers any operation can give besides its own: why each is there, once.
_COMMON_PROBLEMS = (
    ("400", "请求有误（如地址或参数含控制字符）"),
    ("401", "未登录或令牌无效"),
    ("403", "无权操作"),
    ("404", "资源不存在（地址中的编号、或所引用的年度、运行、业务不存在）"),
    ("422", "输入有误：errors 中逐项列出字段与原因"),
    ("502", "网关：后端服务不可用"),
    ("504", "网关：后端服务响应超时"),
)
_UNSAFE_PROBLEMS = (("409", "与当前状态冲突（如状态不允许、名额已满、幂等键请求仍在处理）"),)
_UPLOAD_PROBLEMS = (("413", "上传内容过大"), ("415", "不支持的文件类型"))
PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def describe_problems(doc: dict[str, Any]) -> dict[str, Any]:
    """Make an OpenAPI document tell the truth about errors: every 4xx/5xx is problem+json, and
    each operation lists every status it can answer (the common ones above, 409 on unsafe methods,
    413/415 where a file is uploaded). FastAPI's own 422 body (HTTPValidationError) is replaced by
    the Problem schema. Used by every service and by the gateway for its own routes."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    for ops in doc.get("paths", {}).values():
        for method, op in ops.items():
            responses = op.setdefault("responses", {})
            extra = _COMMON_PROBLEMS
            if method in ("post", "put", "patch", "delete"):
                extra += _UNSAFE_PROBLEMS
                body_types = set(op.get("requestBody", {}).get("content", {}))
                if body_types - {"application/json"}:
                    extra += _UPLOAD_PROBLEMS
            for status, text in extra:
                responses.setdefault(status, {"description": text})
            for status, resp in responses.items():
                if status[0] in "45":
                    resp["content"] = PROBLEM_CONTENT
    return doc


DECIMAL_PATTERN = "^-?[0-9]+(\\.[0-9]+)?$"
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def tighten_decimals(node: Any) -> None:
    """pydantic documents a request Decimal as "a number or any string"; the server takes a decimal
    numeral only, so the string gets its pattern, and a bounded decimal (bounds only hold for the
    number) is documented as a number. Money has its own type (kit.fields.Money)."""
    if isinstance(node, dict):
        alts = node.get("anyOf")
        if isinstance(alts, list):
            numbers = [a for a in alts if a.get("type") == "number"]
            strings = [a for a in alts if a.get("type") == "string" and set(a) <= {"type"}]
            if numbers and strings:
                if any(k in numbers[0] for k in _BOUNDS):
                    node["anyOf"] = [a for a in alts if a not in strings]
                else:
                    strings[0]["pattern"] = DECIMAL_PATTERN
        for v in node.values():
            tighten_decimals(v)
    elif isinstance(node, list):
        for v in node:
            tighten_decimals(v)


def document_problems(app: FastAPI, examples: dict[str, Any] | None = None) -> None:
    """The app's OpenAPI document, post-processed by describe_problems (and apply_examples) once and cached."""
    from fastapi.openapi.utils import get_openapi

    def openapi():
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        describe_problems(doc)
        tighten_decimals(doc.get("components", {}).get("schemas", {}))
        if getattr(app.state, "idempotency_table", None) is not None:
            document_idempotency_key(doc)
        if examples:
            apply_examples(doc, examples)
        app.openapi_schema = doc
        return doc
    app.openapi = openapi


def _schema_name(schema: Any) -> str | None:
    """The components schema a media type uses directly: a $ref, or an optional body's [$ref, null]."""
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    alts = [a for a in schema.get("anyOf", ()) if a != {"type": "null"}]
    if len(alts) == 1 and len(schema["anyOf"]) == 2 and set(alts[0]) == {"$ref"}:
        return alts[0]["$ref"].rsplit("/", 1)[-1]
    return None


def apply_examples(doc: dict[str, Any], examples: dict[str, Any]) -> dict[str, Any]:
    """Put each service's examples (its examples.py) into its OpenAPI document, for /docs and for
    schemathesis's examples phase, which sends them.

    A key is a components schema name: its value becomes the schema's `examples` (JSON Schema), and
    the `example` of every request body and 2xx JSON answer that uses the schema directly (what
    Swagger UI shows). A key may instead be an operationId, for bodies and answers whose schema is
    inline (a plain dict, a file upload), shaped like the operation:
    `{"requestBody": {"description": …, "content": {media type: example}}, "responses": {"200": example}}`.
    A key naming neither is an error at startup: a typo must not drop an example silently."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    operations = {op["operationId"]: op for ops in doc.get("paths", {}).values() for op in ops.values()
                  if isinstance(op, dict) and "operationId" in op}
    unknown = sorted(k for k in examples if k not in schemas and k not in operations)
    both = sorted(k for k in examples if k in schemas and k in operations)
    if unknown or both:
        raise ValueError(f"examples: no such schema or operation {unknown}" if unknown
                         else f"examples: both a schema and an operation are named {both}")
    for name, value in examples.items():
        if name in schemas:
            schemas[name]["examples"] = [value]
    for op_id, op in operations.items():
        bodies = list(op.get("requestBody", {}).get("content", {}).values())
        answers = [media for status, resp in op.get("responses", {}).items() if status.startswith("2")
                   for mt, media in resp.get("content", {}).items() if mt == "application/json"]
        for media in bodies + answers:
            name = _schema_name(media.get("schema"))
            if name in examples and name in schemas:
                media["example"] = examples[name]
        if op_id in examples:
            _apply_operation_examples(op_id, op, examples[op_id])
    return doc


def _apply_operation_examples(op_id: str, op: dict[str, Any], given: dict[str, Any]) -> None:
    extra = set(given) - {"requestBody", "responses"}
    if extra:
        raise ValueError(f"examples[{op_id!r}]: only requestBody and responses, not {sorted(extra)}")
    if "requestBody" in given:
        body = op.get("requestBody")
        if body is None:
            raise ValueError(f"examples[{op_id!r}]: the operation has no request body")
        if "description" in given["requestBody"]:
            body["description"] = given["requestBody"]["description"]
        for mt, value in given["requestBody"].get("content", {}).items():
            if mt not in body.get("content", {}):
                raise ValueError(f"examples[{op_id!r}]: the request body has no {mt}")
            body["content"][mt]["example"] = value
    for status, value in given.get("responses", {}).items():
        media = op.get("responses", {}).get(status, {}).get("content", {}).get("application/json")
        if media is None:
            raise ValueError(f"examples[{op_id!r}]: no {status} application/json answer")
        media["example"] = value


def operation_id(route) -> str:
    """`registerBusiness` for the handler `register_business`: the name a client generator turns
    into a method. Handler names are unique across the platform (tested on the merged document)."""
    head, *rest = route.name.split("_")
    return head + "".join(w.capitalize() for w in rest)


IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": "幂等键（建议每个新请求生成一个 UUID）：丢失应答后用同一键重发同一请求，得到首次的应答"
                   "（响应头 Idempotent-Replayed: true），操作不会重复执行；键归属于当前登录身份，应答保留24小时（可配置）。"
                   " / Idempotency key (a fresh UUID per new request): retrying the same request with the same key "
                   "returns the first answer (header Idempotent-Replayed: true) instead of acting twice; keys "
                   "belong to the caller's identity; answers are kept for 24 hours (configurable).",
}


def document_idempotency_key(doc: dict[str, Any]) -> None:
    """The Idempotency-Key header on every POST operation, and the two answers it can cause added to
    the 409 and 422 that describe_problems has already listed there (it runs first)."""
    doc.setdefault("components", {}).setdefault("parameters", {})["Idempotency-Key"] = IDEMPOTENCY_KEY_PARAMETER
    ref = {"$ref": "#/components/parameters/Idempotency-Key"}
    notes = {"409": "同一 Idempotency-Key 的请求仍在处理中（idempotency_key_in_flight），稍候用同一键重试",
             "422": "Idempotency-Key 已用于内容不同的请求（idempotency_key_reused）"}
    for ops in doc.get("paths", {}).values():
        op = ops.get("post")
        if op is None:
            continue
        params = op.setdefault("parameters", [])
        if ref not in params:
            params.append(ref)
        for status, note in notes.items():
            resp = op["responses"][status]
            if note not in resp["description"]:
                resp["description"] = f"{resp['description']}；或{note}"


# --- the factory ---------------------------------------------------------------------------------
def create_app(*, settings: ServiceSettings, title: str, description: str = "", routers: list = (),
               migrations_dir: Path | None = None, on_startup: list[Callable[[FastAPI], None]] = (),
               version: str = "1.0.0", examples: dict[str, Any] | None = None) -> FastAPI:
    """A service's app. `examples` (the service's examples.py) go into its OpenAPI document (apply_examples).
    Login settings that would let tokens be forged stop it here (ServiceSettings.check_auth)."""
    settings.check_auth()
    logs.configure(settings.service_name, settings.log_level)
    tracing.configure(settings.service_name)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        if examples:  # the document is built lazily: build it now, so a misnamed example stops the start
            app.openapi()
        url = settings.resolved_database_url()
        if migrations_dir is not None and settings.run_migrations_on_start:
            run_migrations(url, migrations_dir)
        app.state.engine = make_engine(url)
        app.state.sessions = make_sessionmaker(app.state.engine)
        # reads on the event loop for a hot public path (kit.read_pool); connects only when used
        app.state.read_pool = ReadPool(url)
        for hook in on_startup:
            hook(app)
        yield
        await app.state.read_pool.close()
        app.state.engine.dispose()

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan,
                  generate_unique_id_function=operation_id)
    app.state.settings = settings
    # the registry replaces this with its own database (registry_svc.main)
    app.state.operator_businesses = operator_identity.http_resolver(settings.operator_lookup_url,
                                                                    settings.operator_cache_ttl_s)
    install_error_handlers(app)
    document_problems(app, examples)
    install_middleware(app, settings.service_name)

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"status": "ok", "service": settings.service_name}

    @app.get("/readyz", include_in_schema=False)
    def readyz(request: Request):
        try:
            with request.app.state.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            return problem(503, "not_ready", "未就绪", "数据库不可用", request)
        return {"status": "ready", "service": settings.service_name}

    @app.get("/internal/outbox", include_in_schema=False)
    def internal_outbox(request: Request, through: int | None = None):
        """The outbox head and the rows still to publish at or below `through` (kit.barrier): for the
        services whose projections read this one's events; the gateway never routes /internal."""
        with request.app.state.engine.connect() as conn:
            return barrier.outbox_watermark(conn, through)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request):
        return Response(generate_latest(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST)

    for r in routers:
        app.include_router(r)
    return app
