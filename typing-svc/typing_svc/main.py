"""App factory of typing-svc."""
from __future__ import annotations

from fastapi import FastAPI

from getihu_kit import idempotency
from getihu_kit.web import create_app as kit_create_app
from typing_svc.examples import EXAMPLES
from typing_svc.models import idempotency_keys
from typing_svc.credit.routes import router as credit_router
from typing_svc.routes import jobs_router, router
from typing_svc.settings import MIGRATIONS, Settings, settings as default_settings

__all__ = ["MIGRATIONS", "app", "create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    app = kit_create_app(settings=settings or default_settings, title="Getihu typing-svc",
                         description="个体工商户分型：规则集、年度分型运行、发布与全国名录数据推送；经营者授权的金融机构信用查询", routers=[router, jobs_router, credit_router], migrations_dir=MIGRATIONS,
                         examples=EXAMPLES)
    idempotency.install(app, idempotency_keys)
    return app


app = create_app()
