from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TYPING_", extra="ignore")

    service_name: str = "typing"
    db_name: str = "typing"
    port: int = 8003
    # Businesses per INSERT … SELECT of a run: large enough to stay set-based, small enough to show progress.
    run_chunk_size: int = 100_000
    # Chunks evaluated at once (one connection each); PostgreSQL only, SQLite has one writer.
    run_parallelism: int = 2


settings = Settings()
