from pathlib import Path

from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    service_name: str = "notify"
    db_name: str = "notify"
    port: int = 8006

    # Consumers in the one group: Kafka splits the partitions among them (order per USCC holds)
    consumer_threads: int = 6  # the partitions of the per-business topics (getihu_kit.events.TOPICS)

    # E-mail over SMTP (no SMTP host: e-mail deliveries are not created)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "noreply@getihu.local"
    smtp_timeout_s: float = 10.0

    # SMS provider over HTTP (no URL: SMS deliveries are not created)
    sms_url: str | None = None
    sms_key: str | None = None
    sms_timeout_s: float = 10.0
    sms_per_hour: int = 5  # per recipient; excess is deferred, never dropped

    # Delivery loop: retries with exponential backoff, then `dead`
    delivery_max_attempts: int = 5
    delivery_backoff_s: float = 30.0
    delivery_batch: int = 100
    delivery_poll_s: float = 1.0
    delivery_lease_s: float = 120.0

    # Reminder scheduler
    reminder_poll_s: float = 3600.0
    reminder_chunk: int = 5000


settings = Settings()
