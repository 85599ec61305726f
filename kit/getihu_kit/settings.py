"""The one settings pattern: each service subclasses ServiceSettings with its own env prefix.

Shared infrastructure variables (GETIHU_*, DATABASE_URL) are read by every service; a service's own
prefix (e.g. TYPING_DATABASE_URL) overrides them for that service alone.
"""
from __future__ import annotations

import os

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from getihu_kit.auth import ClaimNames


def _env(*names: str, default: str | None = None) -> str | None:
    for n in names:
        v = os.environ.get(n)
        if v:
            return v
    return default


# The development issuer's secret: public in this repository, so it signs nothing outside development.
DEVELOPMENT_JWT_SECRET = "getihu-development-secret-change-me"
# Secrets that deployment templates and tutorials ship: a token signed with one of them is forgeable.
KNOWN_DEFAULT_SECRETS = frozenset({DEVELOPMENT_JWT_SECRET, "change-me-in-production", "change-me", "changeme",
                                   "secret", "getihu"})
# RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits = 32 bytes).
MIN_HS256_SECRET_BYTES = 32
PRODUCTION = "production"


class InsecureSettings(RuntimeError):
    """The settings would let someone forge a login; the process refuses to start."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def auth_refusals(*, env: str, jwks_url: str | None, dev_auth: bool, jwt_secret: str) -> list[str]:
    """Why these login settings are unsafe, one Chinese sentence per reason (empty when safe).

    Production (GETIHU_ENV=production) accepts only tokens verified against the identity provider's
    JWKS; elsewhere the HS256 secret signs tokens, so a known or short one is allowed only while the
    development issuer is on (GETIHU_DEV_AUTH=1: local runs and tests)."""
    out = []
    if env == PRODUCTION and not jwks_url:
        out.append("生产环境（GETIHU_ENV=production）必须设置 GETIHU_JWKS_URL（统一身份认证的 JWKS 地址），否则无法验证登录令牌")
    if env == PRODUCTION and dev_auth:
        out.append("生产环境不得开启开发令牌（GETIHU_DEV_AUTH 须为 0）")
    if not dev_auth and jwt_secret in KNOWN_DEFAULT_SECRETS:
        out.append("GETIHU_JWT_SECRET 仍是公开的默认值，任何人都能伪造令牌：请设置一个随机的密钥"
                   "（如 `python -c 'import secrets; print(secrets.token_urlsafe(48))'`）")
    elif not dev_auth and len(jwt_secret.encode()) < MIN_HS256_SECRET_BYTES:
        out.append(f"GETIHU_JWT_SECRET 太短（至少 {MIN_HS256_SECRET_BYTES} 字节），容易被猜出：请设置一个随机的长密钥")
    return out


LOCAL_DATABASE_URL = f"postgresql+psycopg://getihu:getihu@127.0.0.1:{os.environ.get('GETIHU_PG_PORT') or 55433}/"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "service"
    db_name: str = "service"  # database name on a shared PostgreSQL server
    port: int = 8000
    database_url: str | None = None  # full URL for this service; else derived from DATABASE_URL
    kafka_bootstrap: str = Field(default_factory=lambda: _env("GETIHU_KAFKA_BOOTSTRAP", default="127.0.0.1:9092"))
    topic_prefix: str = Field(default_factory=lambda: _env("GETIHU_TOPIC_PREFIX", default=""))
    # GETIHU_ENV=production: only JWKS-verified tokens, no development issuer (check_auth)
    env: str = Field(default_factory=lambda: _env("GETIHU_ENV", default="development"))
    jwt_secret: str = Field(default_factory=lambda: _env("GETIHU_JWT_SECRET", default=DEVELOPMENT_JWT_SECRET))
    jwt_issuer: str = Field(default_factory=lambda: _env("GETIHU_JWT_ISSUER", default="getihu-dev"))
    jwt_audience: str = Field(default_factory=lambda: _env("GETIHU_JWT_AUDIENCE", default="getihu"))
    jwks_url: str | None = Field(default_factory=lambda: _env("GETIHU_JWKS_URL"))
    dev_auth: bool = Field(default_factory=lambda: _truthy(_env("GETIHU_DEV_AUTH", default="0")))
    # Where the identity provider puts each fact in its tokens (kit.auth.ClaimNames; README "Sign-in")
    oidc_claim_roles: str = Field(default_factory=lambda: _env("GETIHU_OIDC_CLAIM_ROLES", default="roles"))
    oidc_claim_region_code: str = Field(default_factory=lambda: _env("GETIHU_OIDC_CLAIM_REGION_CODE",
                                                                     default="region_code"))
    oidc_claim_department: str = Field(default_factory=lambda: _env("GETIHU_OIDC_CLAIM_DEPARTMENT",
                                                                    default="department"))
    oidc_claim_dataset: str = Field(default_factory=lambda: _env("GETIHU_OIDC_CLAIM_DATASET", default="dataset"))
    oidc_claim_id_number: str = Field(default_factory=lambda: _env("GETIHU_OIDC_CLAIM_ID_NUMBER",
                                                                   default="id_number"))
    # The registry, which says which businesses a real-name operator currently operates
    # (kit.operator_identity), and how long its answer is kept per person.
    operator_lookup_url: str = Field(default_factory=lambda: _env("GETIHU_OPERATOR_LOOKUP_URL",
                                                                  default="http://127.0.0.1:8001"))
    operator_cache_ttl_s: float = Field(default_factory=lambda: float(_env("GETIHU_OPERATOR_CACHE_TTL_S",
                                                                           default="60")))
    # how long an Idempotency-Key's answer is kept and replayed (kit.idempotency)
    idempotency_ttl_s: int = Field(default_factory=lambda: int(_env("GETIHU_IDEMPOTENCY_TTL_S", default="86400")))
    log_level: str = Field(default_factory=lambda: _env("GETIHU_LOG_LEVEL", default="INFO"))
    # Prometheus /metrics and /healthz of a worker (and the gateway) on a port of its own, never the
    # public one (kit.metrics); 0 = off. Containers set the host to 0.0.0.0 for the scraper.
    metrics_port: int = Field(default_factory=lambda: int(_env("GETIHU_METRICS_PORT", default="0")))
    metrics_host: str = Field(default_factory=lambda: _env("GETIHU_METRICS_HOST", default="127.0.0.1"))
    run_migrations_on_start: bool = True

    def claim_names(self) -> ClaimNames:
        return ClaimNames(roles=self.oidc_claim_roles, region_code=self.oidc_claim_region_code,
                          department=self.oidc_claim_department, dataset=self.oidc_claim_dataset,
                          id_number=self.oidc_claim_id_number)

    @property
    def production(self) -> bool:
        return self.env == PRODUCTION

    def check_auth(self) -> None:
        """Refuse to start (InsecureSettings) on login settings that would let tokens be forged."""
        refusals = auth_refusals(env=self.env, jwks_url=self.jwks_url, dev_auth=self.dev_auth,
                                 jwt_secret=self.jwt_secret)
        if refusals:
            raise InsecureSettings(f"{self.service_name} 拒绝启动：" + "；".join(refusals))

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        # Without DATABASE_URL: the local server that `make up` starts (deploy/postgres).
        url = make_url(_env("DATABASE_URL", default=LOCAL_DATABASE_URL))
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.set(database=self.db_name).render_as_string(hide_password=False)
