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

    def business_day(self) -> dt.date:
        return self.today or clock.today()


settings = Settings()
