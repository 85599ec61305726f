from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    service_name: str = "notify"
    db_name: str = "notify"
    port: int = 8006


settings = Settings()
