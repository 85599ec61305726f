"""The gateway app: one port for every public path."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any, Literal

import aiohttp
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from fastapi.responses import JSONResponse
from prometheus_client import Counter
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp

from getihu_kit import auth, labels, logs, metrics, operator_identity, tracing
from getihu_kit.bus import broker_ready
from getihu_kit.db import make_engine, run_migrations
from getihu_kit.errors import NotFound
from getihu_kit.fields import USCC, RegionCode, Text
from getihu_kit.web import (RequestContextMiddleware, install_error_handlers, operation_id, problem, request_metrics,
                            verified_principal)
from gateway_svc import console, limits, openapi, problem_pages, proxy, ratelimit, routing, signin
from gateway_svc.settings import MIGRATIONS, Settings, settings as default_settings

log = logging.getLogger("gateway")


class DevTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sub: str = Field(min_length=1, max_length=200)
    roles: list[Literal[auth.ROLES]] = Field(min_length=1, max_length=len(auth.ROLES))
    region_code: RegionCode | None = None
    usccs: list[USCC] | None = Field(default=None, max_length=1000)
    dataset: Text | None = Field(default=None, max_length=100)
    department: Text | None = Field(default=None, max_length=200)


class DevTokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class LabelTables(BaseModel):
    """The Chinese labels of the codes the API answers with (kit labels): code → label, per table."""
    type: dict[str, str] = Field(description="分型")
    category: dict[str, str] = Field(description="“名特优新”类别")
    business_status: dict[str, str] = Field(description="登记状态")
    status: dict[str, str] = Field(description="任务和分型运行的状态")
    application_status: dict[str, str] = Field(description="培育申报的状态")
    import_kind: dict[str, str] = Field(description="批量导入的内容")
    relaxed_group: dict[str, str] = Field(description="放宽分类来源的群体")
    role: dict[str, str] = Field(description="身份")
    condition_group: dict[str, str] = Field(description="分型条件的分组")
    fact: dict[str, str] = Field(description="分型说明中事实的名称")
    source_record: dict[str, str] = Field(description="分型说明中事实的来源")
    dataset: dict[str, str] = Field(description="部门共享数据集")
    county: dict[str, str] = Field(description="县级行政区划")
    reason: dict[str, str] = Field(description="分型、培育和异议的理由")


DOCS_ASSETS = "/static/docs"


def rate_limited(refusal: ratelimit.Refusal, request: Request) -> JSONResponse:
    per = {60: "每分钟", 3600: "每小时"}.get(refusal.rule.window_s, f"每 {refusal.rule.window_s} 秒")
    return problem(429, "rate_limited", "请求过于频繁",
                   f"{refusal.rule.label}过于频繁：同一地址未登录时{per}最多 {refusal.limit} 次，"
                   f"请 {refusal.retry_after_s} 秒后再试；登录后不受此限", request,
                   headers={"Retry-After": str(refusal.retry_after_s)}, limit=refusal.limit,
                   retry_after_s=refusal.retry_after_s)


class GatewayApp(FastAPI):
    """The gateway's FastAPI app (its own pages, docs, sign-in, the console) inside `around`: the layers
    every request crosses and the proxy path, which answers a service's paths before FastAPI's own
    layers (proxy.ProxyPath)."""
    around: Callable[[ASGIApp], ASGIApp] | None = None

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return self.around(stack) if self.around is not None else stack


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or default_settings
    settings.check_auth()  # the gateway verifies every token first: no forgeable login settings
    logs.configure(settings.service_name, settings.log_level)
    tracing.configure(settings.service_name)
    services = settings.services()

    limiter = (ratelimit.Limiter(ratelimit.rules(directory_per_minute=settings.rate_directory_per_minute,
                                                 notice_objections_per_hour=settings.rate_notice_objections_per_hour,
                                                 anonymous_per_minute=settings.rate_anonymous_per_minute),
                                 ratelimit.Allowances(settings.rate_allowances))
               if settings.rate_limit else None)

    async def share_counts(engine) -> None:
        """Every flush interval: this process's new counts added to every process's (ratelimit.py)."""
        store = None
        while True:
            await asyncio.sleep(settings.rate_flush_interval_s)
            if store is None:  # the table first; until the database answers, counts stay here
                try:
                    await asyncio.to_thread(run_migrations, settings.resolved_database_url(), MIGRATIONS)
                except Exception as exc:
                    log.warning("rate-limit counts not shared yet (the gateway's database is unavailable): %s", exc)
                    await asyncio.sleep(5)
                    continue
                store = ratelimit.Store(engine, {r.name: r.window_s for r in limiter.rules})
            if not await asyncio.to_thread(ratelimit.flush, limiter, store):
                await asyncio.sleep(2)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.client = proxy.session(connect_timeout_s=settings.connect_timeout_s)
        app.state.openapi_cache = (0.0, None)
        # The gateway's request counters on a port of their own: the public port serves no metrics.
        server = (metrics.serve(app.state.metrics_registry, host=settings.metrics_host, port=settings.metrics_port)
                  if settings.metrics_port else None)
        engine = sharing = None
        if limiter is not None:
            engine = make_engine(settings.resolved_database_url(), pool_size=1, max_overflow=1)
            sharing = asyncio.create_task(share_counts(engine))
        yield
        if sharing is not None:
            sharing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sharing
            engine.dispose()
        if server is not None:
            server.shutdown()
            server.server_close()
        await app.state.client.close()

    app = GatewayApp(title="Getihu gateway", lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None,
                     generate_unique_id_function=operation_id)
    app.state.settings = settings
    app.state.operator_businesses = operator_identity.http_resolver(settings.registry_url,
                                                                    settings.operator_cache_ttl_s)
    install_error_handlers(app)
    requests, latency = request_metrics(app)
    refused = Counter("gateway_rate_limited_total", "anonymous requests refused with 429, per rule", ["rule"],
                      registry=app.state.metrics_registry)
    body_limits = limits.BodyLimits(json=settings.json_max_bytes, batch=settings.batch_max_bytes,
                                    evidence=settings.evidence_max_bytes, upload=settings.upload_max_bytes)
    origins = [o.strip() for o in settings.cors_origins.split(",")]

    def around(inner: ASGIApp) -> ASGIApp:
        """Every request, outermost first: CORS; the request context (ids, span, metrics, access line);
        the body limits (inside the context: a 413 names its request id); the proxy path, ahead of the
        FastAPI app that serves the rest (forward_to_service is defined below)."""
        proxied = proxy.ProxyPath(inner, forward=lambda request: forward_to_service(request))
        bounded = limits.BodyLimitMiddleware(proxied, limits=body_limits)
        context = RequestContextMiddleware(bounded, service=settings.service_name, requests=requests, latency=latency)
        return CORSMiddleware(context, allow_origins=origins, allow_methods=["*"], allow_headers=["*"],
                              expose_headers=["X-Request-ID", "traceparent", "Location", "Idempotent-Replayed"])
    app.around = around

    @app.get("/healthz", tags=["health"], summary="网关存活检查")
    def healthz():
        return {"status": "ok", "service": "gateway"}

    @app.get("/readyz", tags=["health"], summary="就绪检查：各服务与消息中间件均可用时返回200")
    async def readyz(request: Request):
        client: aiohttp.ClientSession = request.app.state.client

        async def probe(name: str, url: str) -> tuple[str, str]:
            try:
                async with client.get(url + "/readyz", timeout=aiohttp.ClientTimeout(total=2.0)) as r:
                    return name, "ready" if r.status == 200 else f"not_ready ({r.status})"
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return name, "unreachable"
        results = dict(await asyncio.gather(*(probe(n, u) for n, u in services.items())))
        broker = await asyncio.to_thread(broker_ready, settings.kafka_bootstrap)
        results["kafka"] = "ready" if broker else "unreachable"
        ok = all(v == "ready" for v in results.values())
        body = {"status": "ready" if ok else "not_ready", "components": results}
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.post("/api/v1/auth/dev-token", response_model=DevTokenResponse, tags=["auth"],
              summary="开发环境令牌签发（仅在 GETIHU_DEV_AUTH=1 时可用）")
    def issue_development_token(body: DevTokenRequest) -> DevTokenResponse:
        if not settings.dev_auth:
            raise NotFound("请求的资源或接口不存在，请核对地址")
        token = auth.issue_dev_token(sub=body.sub, roles=body.roles, secret=settings.jwt_secret,
                                     issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                                     region_code=body.region_code, usccs=body.usccs, dataset=body.dataset,
                                     department=body.department)
        return DevTokenResponse(access_token=token, expires_in=auth.DEV_TOKEN_TTL_S)

    app.include_router(signin.router)

    @app.get("/api/v1/labels", response_model=LabelTables, tags=["labels"],
             summary="代码的中文名称（公开）：页面和客户端据此显示状态、身份、数据集等")
    def get_labels() -> LabelTables:
        return LabelTables(**labels.tables())

    @app.get("/openapi.json", include_in_schema=False)
    async def merged_openapi(request: Request):
        stamp, cached = request.app.state.openapi_cache
        if cached is not None and time.monotonic() - stamp < 30:
            return cached
        client: aiohttp.ClientSession = request.app.state.client

        async def fetch(name: str, url: str) -> tuple[str, dict[str, Any] | None]:
            try:
                async with client.get(url + "/openapi.json", timeout=aiohttp.ClientTimeout(total=5.0)) as r:
                    return name, await r.json() if r.status == 200 else None
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                return name, None
        docs = {n: d for n, d in await asyncio.gather(*(fetch(n, u) for n, u in services.items())) if d}
        merged = openapi.document(request.app.routes, docs, list(services))
        if not merged["x-services-missing"]:
            request.app.state.openapi_cache = (time.monotonic(), merged)
        return merged

    # The documentation UIs come from files the platform ships (static/docs), never from a CDN:
    # a bureau's network is often offline.
    app.mount(DOCS_ASSETS, StaticFiles(directory=Path(__file__).parent / "static" / "docs"), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Getihu 平台接口文档",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        return get_redoc_html(openapi_url="/openapi.json", title="Getihu 平台接口文档",
                              redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png", with_google_fonts=False)

    # Every problem's `type` resolves here: the explanation of its code (kit.problems).
    app.include_router(problem_pages.router)

    api_timeout = proxy.timeout(settings.read_timeout_s, settings.connect_timeout_s)
    upload_timeout = proxy.timeout(settings.upload_timeout_s, settings.connect_timeout_s)

    async def forward_to_service(request: Request):
        path = request.scope["path"]  # not request.url: it parses the whole address again
        service = routing.owner(path)
        if service is None:
            return problem(404, "not_found", "未找到", "请求的接口不存在，请核对地址（参见 /docs）", request)
        # Coarse rules here; each service enforces its own fine rules (county scope, ownership).
        # raises 401 for a bad or expired token; an operator's businesses are the service's to resolve
        principal = verified_principal(request)
        if request.method != "GET" and principal.is_public and not routing.anonymous_write_allowed(path):
            return problem(401, "unauthorized", "未登录", "此操作需要登录：请在 Authorization 请求头中携带令牌", request)
        if limiter is not None and principal.is_public:
            refusal = limiter.check(request.method, path, request.client.host if request.client else "")
            if refusal is not None:
                refused.labels(refusal.rule.name).inc()
                return rate_limited(refusal, request)
        upload = request.headers.get("content-type", "").split(";")[0] not in ("", "application/json")
        return await proxy.forward(request, request.app.state.client, services[service], service,
                                   upload_timeout if upload else api_timeout)

    # What a service owns is answered by proxy.ProxyPath ahead of the app; this route answers the rest
    # of /api/v1 (a 404 problem).
    app.add_route("/api/v1/{rest:path}", forward_to_service, methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                  include_in_schema=False)

    # Last: the web console answers every path no route above claims.
    console.install(app, console.dist_dir(settings.console_dir))
    return app


app = create_app()
