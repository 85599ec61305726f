import datetime as dt
from pathlib import Path

from pydantic_settings import SettingsConfigDict

from getihu_kit import clock
from getihu_kit.settings import ServiceSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CULTIVATION_", extra="ignore")

    service_name: str = "cultivation"
    db_name: str = "cultivation"
    port: int = 8004
    # Tests only: a fixed business day for the rules (deadlines, windows, validity). None: the bureau's today.
    today: dt.date | None = None
    # 二(四)3's base (the published 成长型+发展型) is read from the projection of typing's events: before a recognition
    # or the quota reads it, it waits until that projection applied what typing had committed (kit.barrier) — at
    # most barrier_timeout_s, then 503 data_not_ready. typing's API base URL (None: no barrier, for tests that
    # feed the projections themselves).
    typing_url: str | None = "http://127.0.0.1:8003"
    barrier_timeout_s: float = 10.0

    def business_day(self) -> dt.date:
        return self.today or clock.today()


settings = Settings()
