"""The worker process of typing-svc: outbox relay, consumers and the job loop (runs and publications)."""
from __future__ import annotations

from getihu_kit.barrier import Barrier, Upstream
from getihu_kit.jobs import job_loop
from getihu_kit.worker import WorkerSpec, run_forever
from typing_svc import runner, service
from typing_svc.consumers import projections_read_by_runs, subscriptions
from typing_svc.models import inbox, outbox
from typing_svc.settings import MIGRATIONS, Settings, settings as default_settings


def spec(settings: Settings | None = None, *, idle_wait_s: float = 0.1) -> WorkerSpec:
    s = settings or default_settings
    sources = {"registry": s.registry_url, "data-sharing": s.data_sharing_url}
    barrier = Barrier([Upstream(name, url) for name, url in sources.items() if url], projections_read_by_runs(), bootstrap=s.kafka_bootstrap, topic_prefix=s.topic_prefix,
                      timeout_s=s.barrier_timeout_s)
    work = runner.processors(chunk_size=s.run_chunk_size, parallelism=s.run_parallelism,
                             publish_chunk_size=s.publish_chunk_size, barrier=barrier)
    work |= service.export_jobs.processors()
    return WorkerSpec(settings=s, outbox=outbox, inbox=inbox, migrations_dir=MIGRATIONS,
                      subscriptions=subscriptions(), loops=[job_loop(service.job_store, work, idle_wait_s=idle_wait_s)])


if __name__ == "__main__":
    run_forever(spec())
