"""What the console's sign-in page reads from the gateway: which sign-ins are on (the OIDC provider's
public settings, the development issuer), and who signed in; a real-name operator whose businesses
cannot be asked of the registry gets a 502 in Chinese, never a 500."""
from __future__ import annotations

import socket
import time

import pytest
from fastapi.testclient import TestClient

from gateway_svc.main import create_app
from gateway_svc.settings import Settings
from getihu_kit.domain import id_number, uscc
from getihu_kit.testing import LocalJwks

ISSUER = "https://sso.test/realms/getihu"


def settings(**over) -> Settings:
    with socket.socket() as sock:  # a port nothing listens on: every service (the registry too) is down
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    return Settings(**{name: dead for name in ("registry_url", "data_sharing_url", "typing_url", "cultivation_url",
                                               "appeal_url", "notify_url", "monitoring_url")},
                    kafka_bootstrap="127.0.0.1:1", **over)


def test_the_config_names_the_provider_only_when_an_issuer_is_set():
    with TestClient(create_app(settings(dev_auth=True))) as c:
        assert c.get("/api/v1/auth/config").json() == {"dev_auth": True, "oidc": None}
    s = settings(dev_auth=False, jwt_secret="a-secret-of-this-test-only-32-bytes!", oidc_issuer=ISSUER,
                 oidc_client_id="console", oidc_scopes="openid profile getihu")
    with TestClient(create_app(s)) as c:
        assert c.get("/api/v1/auth/config").json() == {"dev_auth": False, "oidc": {
            "issuer": ISSUER, "client_id": "console", "scopes": "openid profile getihu", "redirect_uri": None,
            "resource": None}}


def test_me_is_the_development_tokens_claims_and_needs_a_token():
    with TestClient(create_app(settings(dev_auth=True))) as c:
        own = uscc.make("232701", serial=5)
        r = c.post("/api/v1/auth/dev-token", json={"sub": "op", "roles": ["operator"], "usccs": [own]})
        me = c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
        assert me.status_code == 200 and me.json()["usccs"] == [own]
        assert me.json()["roles"] == ["operator"]
        assert c.get("/api/v1/auth/me").status_code == 401


@pytest.fixture(scope="module")
def provider():
    j = LocalJwks()
    yield j
    j.close()


def test_an_operator_whose_businesses_the_registry_cannot_tell_gets_a_502_in_chinese(provider):
    s = settings(dev_auth=False, jwt_secret="a-secret-of-this-test-only-32-bytes!", jwks_url=provider.url,
                 jwt_issuer=ISSUER)
    now = int(time.time())
    token = provider.sign({"sub": "p1", "iss": ISSUER, "aud": s.jwt_audience, "iat": now, "exp": now + 600,
                           "id_number": id_number.make(serial=77)})
    with TestClient(create_app(s)) as c:
        r = c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 502 and r.json()["code"] == "upstream_unavailable"
    assert "登记系统" in r.json()["detail"]
