"""App factory of cultivation-svc."""
from __future__ import annotations

from fastapi import FastAPI

from getihu_kit import idempotency
from getihu_kit.barrier import Barrier, Upstream
from getihu_kit.web import create_app as kit_create_app
from cultivation_svc.consumers import projections_read_by_quota
from cultivation_svc.examples import EXAMPLES
from cultivation_svc.models import idempotency_keys
from cultivation_svc.routes import router
from cultivation_svc.settings import MIGRATIONS, Settings, settings as default_settings


def quota_barrier(s: Settings) -> Barrier | None:
    """What a recognition waits for before it counts the 5 %: typing's outbox, then the typing projection's lag."""
    if not s.typing_url:
        return None
    return Barrier([Upstream("typing", s.typing_url)], projections_read_by_quota(), bootstrap=s.kafka_bootstrap,
                   topic_prefix=s.topic_prefix, timeout_s=s.barrier_timeout_s)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or default_settings
    app = kit_create_app(settings=settings, title="Getihu cultivation-svc",
                         description="“名特优新”个体工商户培育平台与帮扶措施目录", routers=[router], migrations_dir=MIGRATIONS,
                         examples=EXAMPLES)
    idempotency.install(app, idempotency_keys)
    app.state.quota_barrier = quota_barrier(settings)
    return app


app = create_app()
