from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TYPING_", extra="ignore")

    service_name: str = "typing"
    db_name: str = "typing"
    port: int = 8003


settings = Settings()
