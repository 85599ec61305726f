from pathlib import Path

from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MONITORING_", extra="ignore")

    service_name: str = "monitoring"
    db_name: str = "monitoring"
    port: int = 8007


settings = Settings()
