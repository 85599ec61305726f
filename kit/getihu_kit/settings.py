"""The one settings pattern: each service subclasses ServiceSettings with its own env prefix.

Shared infrastructure variables (GETIHU_*, DATABASE_URL) are read by every service; a service's own
prefix (e.g. TYPING_DATABASE_URL) overrides them for that service alone.
"""
from __future__ import annotations

import os

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url


def _env(*names: str, default: str | None = None) -> str | None:
    for n in names:
        v = os.environ.get(n)
        if v:
            return v
    return default


LOCAL_DATABASE_URL = f"postgresql+psycopg://getihu:getihu@127.0.0.1:{os.environ.get('GETIHU_PG_PORT') or 55433}/"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    db_name: str = "service"  # database name on a shared PostgreSQL server
    port: int = 8000
    database_url: str | None = None  # full URL for this service; else derived from DATABASE_URL
    kafka_bootstrap: str = Field(default_factory=lambda: _env("GETIHU_KAFKA_BOOTSTRAP", default="127.0.0.1:9092"))
    topic_prefix: str = Field(default_factory=lambda: _env("GETIHU_TOPIC_PREFIX", default=""))
    jwt_secret: str = Field(default_factory=lambda: _env("GETIHU_JWT_SECRET", default="getihu-development-secret-change-me"))
    jwt_issuer: str = Field(default_factory=lambda: _env("GETIHU_JWT_ISSUER", default="getihu-dev"))
    jwt_audience: str = Field(default_factory=lambda: _env("GETIHU_JWT_AUDIENCE", default="getihu"))
    jwks_url: str | None = Field(default_factory=lambda: _env("GETIHU_JWKS_URL"))
    dev_auth: bool = Field(default_factory=lambda: _env("GETIHU_DEV_AUTH", default="0") in ("1", "true", "yes"))
    # how long an Idempotency-Key's answer is kept and replayed (kit.idempotency)
    idempotency_ttl_s: int = Field(default_factory=lambda: int(_env("GETIHU_IDEMPOTENCY_TTL_S", default="86400")))
    log_level: str = Field(default_factory=lambda: _env("GETIHU_LOG_LEVEL", default="INFO"))
    run_migrations_on_start: bool = True

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        # Without DATABASE_URL: the local server that `make up` starts (deploy/postgres).
        url = make_url(_env("DATABASE_URL", default=LOCAL_DATABASE_URL))
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.set(database=self.db_name).render_as_string(hide_password=False)
