"""App factory of cultivation-svc."""
from __future__ import annotations

from fastapi import FastAPI

from getihu_kit import idempotency
from getihu_kit.web import create_app as kit_create_app
from cultivation_svc.examples import EXAMPLES
from cultivation_svc.models import idempotency_keys
from cultivation_svc.routes import router
from cultivation_svc.settings import MIGRATIONS, Settings, settings as default_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    app = kit_create_app(settings=settings or default_settings, title="Getihu cultivation-svc",
                         description="“名特优新”个体工商户培育平台与帮扶措施目录", routers=[router], migrations_dir=MIGRATIONS,
                         examples=EXAMPLES)
    idempotency.install(app, idempotency_keys)
    return app


app = create_app()
