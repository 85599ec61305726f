from pathlib import Path

from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TYPING_", extra="ignore")

    service_name: str = "typing"
    db_name: str = "typing"
    port: int = 8003
    # Businesses per INSERT … SELECT of a run: large enough to stay set-based, small enough to show progress.
    run_chunk_size: int = 100_000
    # Chunks evaluated at once, one connection each.
    run_parallelism: int = 2
    # Results per transaction of a publication (feed rows and their events): each chunk well inside
    # the job's lease, and a worker that dies loses at most one chunk's work.
    publish_chunk_size: int = 50_000
    # Before a run reads its projections it waits for what registry and data-sharing had accepted
    # (kit.barrier): their APIs' base URLs (None: no outbox to wait for, the topics only, as in tests
    # that feed the topics themselves), and how long it may wait before the run fails.
    registry_url: str | None = "http://127.0.0.1:8001"
    data_sharing_url: str | None = "http://127.0.0.1:8002"
    barrier_timeout_s: float = 300.0


settings = Settings()
