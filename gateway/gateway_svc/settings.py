from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from getihu_kit.settings import ServiceSettings, _env

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
MiB = 1024 * 1024


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    db_name: str = "gateway"
    port: int = 8000
    registry_url: str = "http://127.0.0.1:8001"
    data_sharing_url: str = "http://127.0.0.1:8002"
    typing_url: str = "http://127.0.0.1:8003"
    cultivation_url: str = "http://127.0.0.1:8004"
    appeal_url: str = "http://127.0.0.1:8005"
    notify_url: str = "http://127.0.0.1:8006"
    monitoring_url: str = "http://127.0.0.1:8007"
    connect_timeout_s: float = 2.0
    read_timeout_s: float = 30.0
    upload_timeout_s: float = 600.0
    cors_origins: str = "*"
    # The web console's built files (console/dist of the checkout unless set; images set it).
    console_dir: str | None = None
    # Body limits (limits.py): JSON small, a JSON batch and evidence (Base64 in the JSON) larger, files largest.
    json_max_bytes: int = Field(default=1 * MiB, ge=1024)
    batch_max_bytes: int = Field(default=64 * MiB, ge=1024)
    evidence_max_bytes: int = Field(default=160 * MiB, ge=1024)  # 10 files of 10 MB, Base64
    upload_max_bytes: int = Field(default=512 * MiB, ge=1024)
    # Anonymous callers' limits per client address (ratelimit.py), shared through the gateway's database.
    # The client address is the connection's, or what a trusted proxy in front says (uvicorn's
    # --forwarded-allow-ips / FORWARDED_ALLOW_IPS names the ingress).
    rate_limit: bool = True
    rate_directory_per_minute: int = Field(default=120, ge=1)
    rate_notice_objections_per_hour: int = Field(default=20, ge=1)
    rate_anonymous_per_minute: int = Field(default=600, ge=1)
    # Higher allowances for addresses many people share: "10.8.0.0/16=20,203.0.113.7=50".
    rate_allowances: str = ""
    rate_flush_interval_s: float = Field(default=0.25, gt=0, le=10)
    # The console's OIDC sign-in (authorization code with PKCE, a public client without a secret):
    # served to the console at GET /api/v1/auth/config; no issuer = no OIDC sign-in.
    oidc_issuer: str | None = Field(default_factory=lambda: _env("GETIHU_OIDC_ISSUER"))
    oidc_client_id: str = Field(default_factory=lambda: _env("GETIHU_OIDC_CLIENT_ID", default="getihu-console"))
    oidc_scopes: str = Field(default_factory=lambda: _env("GETIHU_OIDC_SCOPES", default="openid profile"))
    # Unset: the console's own /signin/callback (the provider must list it for the client)
    oidc_redirect_uri: str | None = Field(default_factory=lambda: _env("GETIHU_OIDC_REDIRECT_URI"))
    # The API resource (RFC 8707) the console asks its access token for; unset: the provider's default
    oidc_resource: str | None = Field(default_factory=lambda: _env("GETIHU_OIDC_RESOURCE"))

    def services(self) -> dict[str, str]:
        return {"registry": self.registry_url, "data-sharing": self.data_sharing_url, "typing": self.typing_url,
                "cultivation": self.cultivation_url, "appeal": self.appeal_url, "notify": self.notify_url,
                "monitoring": self.monitoring_url}


settings = Settings()
