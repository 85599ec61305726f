"""The one Kafka security settings block: what each protocol and mechanism needs, the client
arguments it gives every producer and consumer, and OAUTHBEARER tokens from a real local token
endpoint (client credentials), kept until shortly before they expire."""
from __future__ import annotations

import base64
import http.server
import json
import threading

import pytest

from getihu_kit.kafka_security import (ClientCredentialsTokenProvider, KafkaSecurity, KafkaSecurityError,
                                       TOKEN_RENEW_BEFORE_S)


def env(**kw) -> dict[str, str]:
    return {f"GETIHU_KAFKA_{k.upper()}": v for k, v in kw.items()}


def test_the_default_is_plaintext_with_nothing_else():
    assert KafkaSecurity.from_env({}).client_config() == {"security_protocol": "PLAINTEXT"}


def test_sasl_ssl_with_scram_gives_every_client_the_credentials_and_the_ca(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    cfg = KafkaSecurity.from_env(env(security_protocol="sasl_ssl", sasl_mechanism="scram-sha-512",
                                     sasl_username="getihu", sasl_password="s3cret", ssl_cafile=str(ca))
                                 ).client_config()
    assert cfg == {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "getihu",
                   "sasl_plain_password": "s3cret", "ssl_cafile": str(ca), "ssl_check_hostname": True}


def test_oauthbearer_gets_a_token_provider():
    cfg = KafkaSecurity.from_env(env(security_protocol="SASL_SSL", sasl_mechanism="OAUTHBEARER",
                                     oauth_token_url="https://sso.example.gov.cn/token", oauth_client_id="getihu",
                                     oauth_client_secret="x")).client_config()
    assert isinstance(cfg["sasl_oauth_token_provider"], ClientCredentialsTokenProvider)
    assert "sasl_plain_username" not in cfg


@pytest.mark.parametrize("settings,names", [
    pytest.param(env(security_protocol="TLS"), "GETIHU_KAFKA_SECURITY_PROTOCOL", id="unknown-protocol"),
    pytest.param(env(security_protocol="SASL_SSL"), "GETIHU_KAFKA_SASL_MECHANISM", id="sasl-without-mechanism"),
    pytest.param(env(security_protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-256", sasl_username="u"),
                 "GETIHU_KAFKA_SASL_PASSWORD", id="scram-without-password"),
    pytest.param(env(security_protocol="SASL_SSL", sasl_mechanism="OAUTHBEARER"), "GETIHU_KAFKA_OAUTH_TOKEN_URL",
                 id="oauth-without-endpoint"),
    pytest.param(env(security_protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN", sasl_username="u",
                     sasl_password="p"), "SASL_SSL", id="plain-password-in-clear"),
    pytest.param(env(sasl_mechanism="SCRAM-SHA-256"), "GETIHU_KAFKA_SECURITY_PROTOCOL", id="mechanism-without-sasl"),
    pytest.param(env(security_protocol="SSL", ssl_certfile="/nowhere/cert.pem"), "GETIHU_KAFKA_SSL_KEYFILE",
                 id="half-of-mutual-tls"),
    pytest.param(env(security_protocol="SSL", ssl_cafile="/nowhere/ca.pem"), "GETIHU_KAFKA_SSL_CAFILE",
                 id="missing-ca-file"),
])
def test_settings_that_cannot_work_are_refused_naming_the_variable(settings, names):
    with pytest.raises(KafkaSecurityError, match=names) as e:
        KafkaSecurity.from_env(settings).client_config()
    assert not str(e.value).isascii()


class TokenEndpoint:
    def __init__(self, lifetime_s: int):
        self.calls: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                form = self.rfile.read(int(self.headers["Content-Length"])).decode()
                outer.calls.append({"form": form, "auth": self.headers.get("Authorization")})
                body = json.dumps({"access_token": f"tok-{len(outer.calls)}", "token_type": "Bearer",
                                   "expires_in": lifetime_s}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_client_credentials_tokens_are_kept_until_shortly_before_they_expire():
    endpoint = TokenEndpoint(lifetime_s=TOKEN_RENEW_BEFORE_S + 100)
    now = [1000.0]
    try:
        p = ClientCredentialsTokenProvider(endpoint.url, "getihu-worker", "s3cret", "kafka", clock=lambda: now[0])
        assert p.token() == "tok-1"
        now[0] += 99
        assert p.token() == "tok-1" and len(endpoint.calls) == 1
        now[0] += 2  # past lifetime - TOKEN_RENEW_BEFORE_S
        assert p.token() == "tok-2"
    finally:
        endpoint.close()
    first = endpoint.calls[0]
    assert "grant_type=client_credentials" in first["form"] and "scope=kafka" in first["form"]
    assert first["auth"] == "Basic " + base64.b64encode(b"getihu-worker:s3cret").decode()
