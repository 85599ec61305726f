"""Login settings that would let tokens be forged stop every process before it serves anything:
production without a JWKS or with the development issuer, and, elsewhere, a known or short HS256
secret unless the development issuer is on (GETIHU_DEV_AUTH=1)."""
from __future__ import annotations

import pytest

from getihu_kit.settings import (DEVELOPMENT_JWT_SECRET, MIN_HS256_SECRET_BYTES, InsecureSettings,
                                 ServiceSettings, auth_refusals)
from getihu_kit.web import create_app
from getihu_kit.worker import WorkerSpec, run_forever

JWKS = "https://sso.example.gov.cn/realms/getihu/protocol/openid-connect/certs"
STRONG = "s" * MIN_HS256_SECRET_BYTES


@pytest.mark.parametrize("env,jwks_url,dev_auth,secret,safe", [
    pytest.param("production", JWKS, False, STRONG, True, id="production-with-jwks"),
    pytest.param("production", None, False, STRONG, False, id="production-without-jwks"),
    pytest.param("production", JWKS, True, STRONG, False, id="production-with-dev-auth"),
    pytest.param("production", JWKS, False, DEVELOPMENT_JWT_SECRET, False, id="production-with-the-public-secret"),
    pytest.param("staging", None, False, DEVELOPMENT_JWT_SECRET, False, id="the-public-secret-without-dev-auth"),
    pytest.param("staging", None, False, "change-me-in-production", False, id="the-compose-placeholder"),
    pytest.param("development", None, True, DEVELOPMENT_JWT_SECRET, True, id="the-public-secret-with-dev-auth"),
    pytest.param("staging", None, False, "x" * (MIN_HS256_SECRET_BYTES - 1), False, id="one-byte-too-short"),
    pytest.param("staging", None, False, "x" * MIN_HS256_SECRET_BYTES, True, id="just-long-enough"),
    pytest.param("staging", None, False, "密" * 11, True, id="length-is-counted-in-bytes"),  # 33 bytes
    pytest.param("staging", None, True, "short", True, id="a-short-secret-with-dev-auth"),
])
def test_auth_refusals(env, jwks_url, dev_auth, secret, safe):
    reasons = auth_refusals(env=env, jwks_url=jwks_url, dev_auth=dev_auth, jwt_secret=secret)
    assert (reasons == []) is safe, reasons
    assert all(not r.isascii() for r in reasons)  # Chinese an operator can act on


def settings(**over) -> ServiceSettings:
    base = dict(service_name="t", db_name="t", env="development", jwks_url=None, dev_auth=False,
                jwt_secret=STRONG)
    return ServiceSettings(**{**base, **over})


def test_the_environment_names_production(monkeypatch):
    monkeypatch.setenv("GETIHU_ENV", "production")
    monkeypatch.setenv("GETIHU_DEV_AUTH", "0")
    monkeypatch.delenv("GETIHU_JWKS_URL", raising=False)
    s = ServiceSettings()
    assert s.production
    with pytest.raises(InsecureSettings, match="GETIHU_JWKS_URL"):
        s.check_auth()


@pytest.mark.parametrize("over,names", [
    pytest.param({"env": "production"}, "GETIHU_JWKS_URL", id="no-jwks"),
    pytest.param({"env": "production", "jwks_url": JWKS, "dev_auth": True}, "GETIHU_DEV_AUTH", id="dev-auth"),
    pytest.param({"jwt_secret": DEVELOPMENT_JWT_SECRET}, "GETIHU_JWT_SECRET", id="default-secret"),
])
def test_an_api_refuses_to_start(over, names):
    with pytest.raises(InsecureSettings, match=names):
        create_app(settings=settings(**over), title="t")


def test_a_worker_refuses_to_start_before_touching_anything():
    spec = WorkerSpec(settings=settings(env="production"), outbox=None, inbox=None, migrations_dir=None)
    with pytest.raises(InsecureSettings, match="GETIHU_JWKS_URL"):
        run_forever(spec)


def test_the_gateway_refuses_to_start():
    from gateway_svc.main import create_app as gateway_app
    from gateway_svc.settings import Settings
    with pytest.raises(InsecureSettings, match="GETIHU_JWT_SECRET"):
        gateway_app(Settings(dev_auth=False, jwt_secret="change-me-in-production"))
    gateway_app(Settings(env="production", jwks_url=JWKS, dev_auth=False, jwt_secret=STRONG))
