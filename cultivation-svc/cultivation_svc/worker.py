"""The worker process of cultivation-svc: outbox relay, consumers, and the daily expiry of lapsed recognitions."""
from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit.db import unit_of_work
from getihu_kit.worker import WorkerSpec, run_forever
from cultivation_svc.consumers import subscriptions
from cultivation_svc.dependencies import CHINA
from cultivation_svc.main import MIGRATIONS
from cultivation_svc.models import inbox, outbox
from cultivation_svc.recognitions.service import expire_lapsed
from cultivation_svc.settings import Settings, settings as default_settings

log = logging.getLogger(__name__)


def expiry_loop(settings: Settings, every_s: float = 3600.0):
    def expire_recognitions(engine: Engine, sessions: sessionmaker[Session], stop: threading.Event) -> None:
        while not stop.is_set():
            today = settings.today or dt.datetime.now(CHINA).date()
            try:
                while True:  # in bounded batches, each its own transaction
                    with unit_of_work(sessions) as session:
                        n = expire_lapsed(session, today=today)
                    if n == 0:
                        break
                    log.info("expired %d lapsed recognitions", n)
            except Exception:  # the database may be away: try again next round
                log.exception("expiring lapsed recognitions failed; will retry")
            stop.wait(every_s)
    return expire_recognitions


def spec(settings: Settings | None = None) -> WorkerSpec:
    s = settings or default_settings
    return WorkerSpec(settings=s, outbox=outbox, inbox=inbox, migrations_dir=MIGRATIONS,
                      subscriptions=subscriptions(), loops=[expiry_loop(s)])


if __name__ == "__main__":
    run_forever(spec())
