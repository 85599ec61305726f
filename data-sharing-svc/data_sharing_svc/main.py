"""App factory of data-sharing-svc."""
from __future__ import annotations

from fastapi import FastAPI

from getihu_kit import idempotency
from getihu_kit.web import create_app as kit_create_app
from data_sharing_svc.examples import EXAMPLES
from data_sharing_svc.models import idempotency_keys
from data_sharing_svc.routes import jobs_router, router
from data_sharing_svc.settings import MIGRATIONS, Settings, settings as default_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    app = kit_create_app(settings=settings or default_settings, title="Getihu data-sharing-svc",
                         description="部门间数据共享：税务、人社、知识产权、法院等数据批次、来源与保密审计", routers=[router, jobs_router], migrations_dir=MIGRATIONS,
                         examples=EXAMPLES)
    idempotency.install(app, idempotency_keys)
    return app


app = create_app()
