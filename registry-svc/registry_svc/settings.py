from pathlib import Path

from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    service_name: str = "registry"
    db_name: str = "registry"
    port: int = 8001
    # The import job loop is CPU-bound: publishing from a process of its own keeps both cores busy.
    relay_process: bool = True


settings = Settings()
# The service's Alembic scripts, for the API (main) and the worker alike.
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
