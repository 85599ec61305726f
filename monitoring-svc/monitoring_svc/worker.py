"""The worker process of monitoring-svc: outbox relay, the projections' consumer and the job loop (imports, reports)."""
from __future__ import annotations

from getihu_kit.worker import WorkerSpec, run_forever
from monitoring_svc.consumers import subscriptions
from monitoring_svc.imports import job_runner
from monitoring_svc.models import inbox, outbox
from monitoring_svc.settings import MIGRATIONS, Settings, settings as default_settings


def spec(settings: Settings | None = None, *, job_idle_wait_s: float = 0.5) -> WorkerSpec:
    return WorkerSpec(settings=settings or default_settings, outbox=outbox, inbox=inbox, migrations_dir=MIGRATIONS,
                      subscriptions=subscriptions(), loops=[job_runner(job_idle_wait_s)])


if __name__ == "__main__":
    run_forever(spec())
