"""The worker process of appeal-svc: outbox relay and consumers."""
from __future__ import annotations

from getihu_kit.worker import WorkerSpec, run_forever
from appeal_svc.consumers import subscriptions
from appeal_svc.models import inbox, outbox
from appeal_svc.settings import MIGRATIONS, Settings, settings as default_settings


def spec(settings: Settings | None = None) -> WorkerSpec:
    return WorkerSpec(settings=settings or default_settings, outbox=outbox, inbox=inbox,
                      migrations_dir=MIGRATIONS, subscriptions=subscriptions())


if __name__ == "__main__":
    run_forever(spec())
