from pathlib import Path

from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DATA_SHARING_", extra="ignore")

    service_name: str = "data-sharing"
    db_name: str = "data_sharing"
    port: int = 8002


settings = Settings()
