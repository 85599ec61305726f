import datetime as dt

from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CULTIVATION_", extra="ignore")

    service_name: str = "cultivation"
    db_name: str = "cultivation"
    port: int = 8004
    # The business day the rules read (deadlines, windows, validity). None: today in China Standard Time.
    today: dt.date | None = None


settings = Settings()
