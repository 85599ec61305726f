from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CULTIVATION_", extra="ignore")

    service_name: str = "cultivation"
    db_name: str = "cultivation"
    port: int = 8004


settings = Settings()
