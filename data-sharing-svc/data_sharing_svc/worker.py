"""The worker process of data-sharing-svc: outbox relay, the registry projection and file jobs.

The relay runs in a child process: a million-record file job keeps this process's
interpreter busy, and publishing in the same process would compete with it for the GIL."""
from __future__ import annotations

from getihu_kit.jobs import job_loop
from getihu_kit.worker import WorkerSpec, run_forever
from data_sharing_svc import service
from data_sharing_svc.consumers import subscriptions
from data_sharing_svc.models import inbox, outbox
from data_sharing_svc.settings import MIGRATIONS, Settings, settings as default_settings


def spec(settings: Settings | None = None) -> WorkerSpec:
    return WorkerSpec(settings=settings or default_settings, outbox=outbox, inbox=inbox,
                      migrations_dir=MIGRATIONS, subscriptions=subscriptions(),
                      loops=[job_loop(service.job_store, {service.FILE_JOB: service.process_file})],
                      relay_process=True)


if __name__ == "__main__":
    run_forever(spec())
