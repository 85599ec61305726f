"""The one settings block for how every Kafka client of the platform (producers, consumers, the
relay, the admin client) authenticates and encrypts: TLS and SASL (SCRAM, OAUTHBEARER, PLAIN).

Read from the environment, shared by every service (GETIHU_KAFKA_*):

| variable | meaning |
|---|---|
| GETIHU_KAFKA_SECURITY_PROTOCOL | PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL |
| GETIHU_KAFKA_SASL_MECHANISM | SCRAM-SHA-512, SCRAM-SHA-256, OAUTHBEARER or PLAIN |
| GETIHU_KAFKA_SASL_USERNAME / _PASSWORD | SCRAM and PLAIN credentials |
| GETIHU_KAFKA_OAUTH_TOKEN_URL / _CLIENT_ID / _CLIENT_SECRET / _SCOPE | OAUTHBEARER: OAuth 2 client credentials |
| GETIHU_KAFKA_SSL_CAFILE | PEM of the CA that signed the brokers' certificates (else the system's) |
| GETIHU_KAFKA_SSL_CERTFILE / _KEYFILE / _KEY_PASSWORD | mutual TLS: this client's certificate and key |
| GETIHU_KAFKA_SSL_CHECK_HOSTNAME | 1 (default): the broker's certificate must name the host |

`client_config()` is what every constructor adds to its arguments; bad settings stop the process at
the first client with a Chinese sentence naming the variable (KafkaSecurityError).
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "OAUTHBEARER", "PLAIN")
# A token is renewed this long before it expires, so a connection never presents an expired one.
TOKEN_RENEW_BEFORE_S = 60


class KafkaSecurityError(ValueError):
    """Kafka client security settings that cannot work; the message names the variable."""


@dataclass(frozen=True)
class KafkaSecurity:
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
    oauth_token_url: str | None = None
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = None
    oauth_scope: str | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    ssl_key_password: str | None = None
    ssl_check_hostname: bool = True

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> KafkaSecurity:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            return env.get(f"GETIHU_KAFKA_{name}") or None
        return cls(security_protocol=(get("SECURITY_PROTOCOL") or "PLAINTEXT").upper(),
                   sasl_mechanism=(get("SASL_MECHANISM") or "").upper() or None,
                   sasl_username=get("SASL_USERNAME"), sasl_password=get("SASL_PASSWORD"),
                   oauth_token_url=get("OAUTH_TOKEN_URL"), oauth_client_id=get("OAUTH_CLIENT_ID"),
                   oauth_client_secret=get("OAUTH_CLIENT_SECRET"), oauth_scope=get("OAUTH_SCOPE"),
                   ssl_cafile=get("SSL_CAFILE"), ssl_certfile=get("SSL_CERTFILE"), ssl_keyfile=get("SSL_KEYFILE"),
                   ssl_key_password=get("SSL_KEY_PASSWORD"),
                   ssl_check_hostname=(get("SSL_CHECK_HOSTNAME") or "1").lower() in ("1", "true", "yes"))

    def problems(self) -> list[str]:
        out = []
        if self.security_protocol not in PROTOCOLS:
            out.append(f"GETIHU_KAFKA_SECURITY_PROTOCOL 应为 {'、'.join(PROTOCOLS)} 之一，而不是 {self.security_protocol}")
        sasl = self.security_protocol.startswith("SASL_")
        if sasl and self.sasl_mechanism not in MECHANISMS:
            out.append(f"使用 SASL 时须设置 GETIHU_KAFKA_SASL_MECHANISM 为 {'、'.join(MECHANISMS)} 之一")
        if not sasl and self.sasl_mechanism:
            out.append("设置了 GETIHU_KAFKA_SASL_MECHANISM，但 GETIHU_KAFKA_SECURITY_PROTOCOL 不是 SASL_SSL 或 SASL_PLAINTEXT")
        if sasl and self.sasl_mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512") and not (
                self.sasl_username and self.sasl_password):
            out.append(f"{self.sasl_mechanism} 需要 GETIHU_KAFKA_SASL_USERNAME 和 GETIHU_KAFKA_SASL_PASSWORD")
        if sasl and self.sasl_mechanism == "OAUTHBEARER" and not (
                self.oauth_token_url and self.oauth_client_id and self.oauth_client_secret):
            out.append("OAUTHBEARER 需要 GETIHU_KAFKA_OAUTH_TOKEN_URL、GETIHU_KAFKA_OAUTH_CLIENT_ID 和 "
                       "GETIHU_KAFKA_OAUTH_CLIENT_SECRET")
        if self.security_protocol == "SASL_PLAINTEXT" and self.sasl_mechanism == "PLAIN":
            out.append("SASL PLAIN 会以明文传输密码：请改用 SASL_SSL，或 SCRAM 机制")
        if bool(self.ssl_certfile) != bool(self.ssl_keyfile):
            out.append("双向 TLS 需要同时设置 GETIHU_KAFKA_SSL_CERTFILE 和 GETIHU_KAFKA_SSL_KEYFILE")
        for name, path in (("SSL_CAFILE", self.ssl_cafile), ("SSL_CERTFILE", self.ssl_certfile),
                           ("SSL_KEYFILE", self.ssl_keyfile)):
            if path and not os.path.isfile(path):
                out.append(f"GETIHU_KAFKA_{name} 指向的文件不存在：{path}")
        return out

    def client_config(self) -> dict[str, Any]:
        """The keyword arguments of a kafka-python client (KafkaProducer, KafkaConsumer, the admin
        and the net client alike)."""
        problems = self.problems()
        if problems:
            raise KafkaSecurityError("Kafka 连接的安全设置有误：" + "；".join(problems))
        cfg: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.security_protocol in ("SSL", "SASL_SSL"):
            cfg.update(ssl_cafile=self.ssl_cafile, ssl_certfile=self.ssl_certfile, ssl_keyfile=self.ssl_keyfile,
                       ssl_password=self.ssl_key_password, ssl_check_hostname=self.ssl_check_hostname)
        if self.security_protocol.startswith("SASL_"):
            cfg["sasl_mechanism"] = self.sasl_mechanism
            if self.sasl_mechanism == "OAUTHBEARER":
                cfg["sasl_oauth_token_provider"] = ClientCredentialsTokenProvider(
                    self.oauth_token_url, self.oauth_client_id, self.oauth_client_secret, self.oauth_scope)
            else:
                cfg.update(sasl_plain_username=self.sasl_username, sasl_plain_password=self.sasl_password)
        return {k: v for k, v in cfg.items() if v is not None}


class ClientCredentialsTokenProvider:
    """OAUTHBEARER tokens from the identity provider (OAuth 2 client credentials grant, RFC 6749 §4.4),
    kept until shortly before they expire. kafka-python calls token() on each authentication."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: str | None = None,
                 *, clock=time.monotonic):
        self.token_url, self.client_id, self.client_secret, self.scope = token_url, client_id, client_secret, scope
        self.clock = clock
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self._token is None or self.clock() >= self._renew_at:
                self._token, lifetime = self._fetch()
                self._renew_at = self.clock() + max(0.0, lifetime - TOKEN_RENEW_BEFORE_S)
            return self._token

    def extensions(self) -> dict:
        return {}

    def _fetch(self) -> tuple[str, float]:
        import httpx
        form = {"grant_type": "client_credentials"} | ({"scope": self.scope} if self.scope else {})
        r = httpx.post(self.token_url, data=form, auth=(self.client_id, self.client_secret), timeout=10)
        if r.status_code != 200:
            raise KafkaSecurityError(f"向身份认证服务（{self.token_url}）获取 Kafka 访问令牌失败：HTTP {r.status_code}")
        body = r.json()
        return body["access_token"], float(body.get("expires_in") or 300)


@lru_cache(maxsize=1)
def _from_environment() -> KafkaSecurity:
    return KafkaSecurity.from_env()


def client_config() -> dict[str, Any]:
    """What every Kafka client constructor of the platform adds to its arguments."""
    return _from_environment().client_config()
