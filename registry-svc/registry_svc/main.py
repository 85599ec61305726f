"""App factory of registry-svc."""
from __future__ import annotations

from fastapi import FastAPI

from getihu_kit import idempotency
from getihu_kit.web import create_app as kit_create_app
from registry_svc import operator_lookup
from registry_svc.examples import EXAMPLES
from registry_svc.models import idempotency_keys
from registry_svc.routes import router
from registry_svc.settings import MIGRATIONS, Settings, settings as default_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    app = kit_create_app(settings=settings or default_settings, title="Getihu registry-svc",
                         description="个体工商户登记、状态、年报、标记与个体工商户名录",
                         routers=[router, operator_lookup.router], migrations_dir=MIGRATIONS, examples=EXAMPLES,
                         on_startup=[operator_lookup.install])
    idempotency.install(app, idempotency_keys)
    return app


app = create_app()
