"""App factory of notify-svc."""
from __future__ import annotations

from fastapi import FastAPI

from getihu_kit import idempotency
from getihu_kit.web import create_app as kit_create_app
from notify_svc.examples import EXAMPLES
from notify_svc.models import idempotency_keys
from notify_svc.routes import router
from notify_svc.settings import MIGRATIONS, Settings, settings as default_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    app = kit_create_app(settings=settings or default_settings, title="Getihu notify-svc",
                         description="通知：站内信、电子邮件、短信", routers=[router], migrations_dir=MIGRATIONS, examples=EXAMPLES)
    idempotency.install(app, idempotency_keys)
    return app


app = create_app()
