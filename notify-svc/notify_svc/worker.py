"""The worker process of notify-svc: outbox relay, consumers, the delivery loop and the reminders."""
from __future__ import annotations

from getihu_kit.worker import WorkerSpec, run_forever
from notify_svc.consumers import channels_of, subscriptions
from notify_svc.delivery import delivery_loop
from notify_svc.delivery_metrics import delivery_metrics
from notify_svc.models import inbox, outbox
from notify_svc.reminders import reminder_loop
from notify_svc.settings import MIGRATIONS, Settings, settings as default_settings


def spec(settings: Settings | None = None) -> WorkerSpec:
    s = settings or default_settings
    return WorkerSpec(settings=s, outbox=outbox, inbox=inbox, migrations_dir=MIGRATIONS,
                      subscriptions=subscriptions(s),
                      loops=[delivery_loop(s), reminder_loop(s, channels_of(s))],
                      collectors=[delivery_metrics])


if __name__ == "__main__":
    run_forever(spec())
