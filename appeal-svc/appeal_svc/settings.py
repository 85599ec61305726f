from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="APPEAL_", extra="ignore")

    service_name: str = "appeal"
    db_name: str = "appeal"
    port: int = 8005


settings = Settings()
