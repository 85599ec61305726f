"""App factory of appeal-svc."""
from __future__ import annotations

from fastapi import FastAPI

from getihu_kit import idempotency
from getihu_kit.web import create_app as kit_create_app
from appeal_svc.examples import EXAMPLES
from appeal_svc.models import idempotency_keys
from appeal_svc.routes import router
from appeal_svc.settings import MIGRATIONS, Settings, settings as default_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    app = kit_create_app(settings=settings or default_settings, title="Getihu appeal-svc",
                         description="分型与认定结果的异议申诉", routers=[router], migrations_dir=MIGRATIONS, examples=EXAMPLES)
    idempotency.install(app, idempotency_keys)
    return app


app = create_app()
