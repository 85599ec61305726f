"""App factory of monitoring-svc."""
from __future__ import annotations

from fastapi import FastAPI

from getihu_kit import idempotency
from getihu_kit.web import create_app as kit_create_app
from monitoring_svc.examples import EXAMPLES
from monitoring_svc.models import idempotency_keys
from monitoring_svc.routes import jobs_router, router
from monitoring_svc.settings import MIGRATIONS, Settings, settings as default_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    app = kit_create_app(settings=settings or default_settings, title="Getihu monitoring-svc",
                         description="监测分析：联系点、经营数据、惠企政策公示", routers=[router, jobs_router],
                         migrations_dir=MIGRATIONS, examples=EXAMPLES)
    idempotency.install(app, idempotency_keys)
    return app


app = create_app()
