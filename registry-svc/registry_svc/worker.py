"""The worker process of registry-svc: outbox relay, the 名录 consumers and the import job loop."""
from __future__ import annotations

from getihu_kit.worker import WorkerSpec, run_forever
from registry_svc import county_list
from registry_svc.consumers import subscriptions
from registry_svc.imports import import_loop
from registry_svc.models import inbox, outbox
from registry_svc.settings import MIGRATIONS, Settings, settings as default_settings


def spec(settings: Settings | None = None, *, job_idle_wait_s: float = 0.5) -> WorkerSpec:
    settings = settings or default_settings
    return WorkerSpec(settings=settings, outbox=outbox, inbox=inbox,
                      migrations_dir=MIGRATIONS, subscriptions=subscriptions(),
                      loops=[import_loop(job_idle_wait_s, also=county_list.JOBS.processors())], relay_process=settings.relay_process)


if __name__ == "__main__":
    run_forever(spec())
