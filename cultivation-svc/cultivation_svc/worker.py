"""The worker process of cultivation-svc: outbox relay, consumers, and the hourly round: lapsed recognitions expire,
lapsed spot-check material requests get their outcome."""
from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit.db import unit_of_work
from getihu_kit.worker import WorkerSpec, periodic, run_forever
from cultivation_svc.consumers import subscriptions
from cultivation_svc.models import inbox, outbox
from cultivation_svc.recognitions.service import expire_lapsed, lapse_material_requests
from cultivation_svc.settings import MIGRATIONS, Settings, settings as default_settings

log = logging.getLogger(__name__)


def expiry_round(settings: Settings):
    def expire_recognitions(engine: Engine, sessions: sessionmaker[Session]) -> None:
        today = settings.business_day()
        while True:  # in bounded batches, each its own transaction
            with unit_of_work(sessions) as session:
                n = expire_lapsed(session, today=today)
                m = lapse_material_requests(session, today=today)
            if n == 0 and m == 0:
                return
            log.info("expired %d lapsed recognitions, refused %d lapsed material requests", n, m)
    return expire_recognitions


def spec(settings: Settings | None = None, expiry_every_s: float = 3600.0) -> WorkerSpec:
    s = settings or default_settings
    return WorkerSpec(settings=s, outbox=outbox, inbox=inbox, migrations_dir=MIGRATIONS, subscriptions=subscriptions(),
                      loops=[periodic("expire-recognitions", expiry_every_s, expiry_round(s))])


if __name__ == "__main__":
    run_forever(spec())
