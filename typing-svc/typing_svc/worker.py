"""The worker process of typing-svc: outbox relay, consumers and the typing-run loop."""
from __future__ import annotations

from getihu_kit.worker import WorkerSpec, run_forever
from typing_svc.consumers import subscriptions
from typing_svc.main import MIGRATIONS
from typing_svc.models import inbox, outbox
from typing_svc.runner import run_loop
from typing_svc.settings import Settings, settings as default_settings


def spec(settings: Settings | None = None) -> WorkerSpec:
    s = settings or default_settings
    return WorkerSpec(settings=s, outbox=outbox, inbox=inbox, migrations_dir=MIGRATIONS,
                      subscriptions=subscriptions(), loops=[run_loop(chunk_size=s.run_chunk_size, parallelism=s.run_parallelism)])


if __name__ == "__main__":
    run_forever(spec())
