"""Bearer tokens over HTTP: issuer, audience, times and algorithm are all checked; every refusal is a
401 problem+json with a stable code. The JWKS cases use a real RSA and a real P-256 key served by a local
HTTP server, as an OIDC provider serves them."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient

from getihu_kit import auth
from getihu_kit.settings import ServiceSettings
from getihu_kit.testing import LocalJwks as Jwks
from getihu_kit.web import create_app, requires

router = APIRouter()


@router.get("/me")
def me(p=Depends(requires("county_staff"))):
    return {"sub": p.sub, "iss": p.issuer}


SETTINGS = ServiceSettings(service_name="t", db_name="t", jwt_issuer="test-issuer", jwt_audience="getihu",
                           jwks_url=None, dev_auth=True, env="development")


def claims(**over) -> dict:
    now = int(time.time())
    c = {"sub": "clerk", "roles": ["county_staff"], "iss": "test-issuer", "aud": "getihu", "iat": now,
         "exp": now + 600}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_by_hand(payload: dict, secret: bytes, kid: str | None = None) -> str:
    """An HS256 token whose HMAC key is arbitrary bytes (PyJWT refuses to sign with a public key)."""
    header = {"alg": "HS256", "typ": "JWT", **({"kid": kid} if kid else {})}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    sig = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(sig)}"


def unsigned(payload: dict) -> str:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64(json.dumps(payload).encode())}."


def get(client: TestClient, token: str):
    return client.get("/me", headers={"Authorization": f"Bearer {token}"})


def refused(r, code: str) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code and body["detail"] and not body["detail"].isascii()


@pytest.fixture(scope="module")
def dev_client():
    with TestClient(create_app(settings=SETTINGS, title="t", routers=[router])) as c:
        yield c


def dev(**over) -> str:
    return jwt.encode(claims(**over), SETTINGS.jwt_secret, algorithm="HS256")


def test_the_dev_issuer_puts_the_audience_in_and_its_token_is_accepted(dev_client):
    t = auth.issue_dev_token(sub="clerk", roles=["county_staff"], secret=SETTINGS.jwt_secret,
                             issuer=SETTINGS.jwt_issuer, audience=SETTINGS.jwt_audience)
    assert jwt.decode(t, options={"verify_signature": False})["aud"] == "getihu"
    assert get(dev_client, t).json() == {"sub": "clerk", "iss": "test-issuer"}


def test_a_small_clock_skew_is_tolerated(dev_client):
    now = int(time.time())
    assert get(dev_client, dev(exp=now - 10)).status_code == 200  # within the 30 s leeway
    assert get(dev_client, dev(iat=now + 10)).status_code == 200


@pytest.mark.parametrize("token,code", [
    pytest.param(lambda now: dev(exp=now - 120), "token_expired", id="expired"),
    pytest.param(lambda now: dev(iat=now + 600, exp=now + 1200), "token_not_yet_valid", id="issued-in-the-future"),
    pytest.param(lambda now: dev(nbf=now + 600), "token_not_yet_valid", id="not-before-in-the-future"),
    pytest.param(lambda now: dev(iss="someone-else"), "token_invalid", id="wrong-issuer"),
    pytest.param(lambda now: dev(aud="another-platform"), "token_invalid", id="wrong-audience"),
    pytest.param(lambda now: dev(aud=None), "token_invalid", id="no-audience"),
    pytest.param(lambda now: dev(exp=None), "token_invalid", id="no-exp"),
    pytest.param(lambda now: dev(iat=None), "token_invalid", id="no-iat"),
    pytest.param(lambda now: dev(sub=None), "token_invalid", id="no-sub"),
    pytest.param(lambda now: unsigned(claims()), "token_invalid", id="alg-none"),
    pytest.param(lambda now: jwt.encode(claims(), "not-the-secret-but-long-enough-for-hs256", algorithm="HS256"),
                 "token_invalid", id="wrong-secret"),
])
def test_the_development_issuer_refuses(dev_client, token, code):
    refused(get(dev_client, token(int(time.time()))), code)


# --- production: RS256 and ES256 against the issuer's JWKS ---------------------------------------------
@pytest.fixture(scope="module")
def jwks():
    j = Jwks()
    yield j
    j.close()


@pytest.fixture(scope="module")
def jwks_client(jwks):
    settings = SETTINGS.model_copy(update={"jwks_url": jwks.url})
    with TestClient(create_app(settings=settings, title="t", routers=[router])) as c:
        yield c


def rs256(key, **over) -> str:
    return jwt.encode(claims(**over), key, algorithm="RS256", headers={"kid": "k1"})


def es256(key, **over) -> str:
    return jwt.encode(claims(**over), key, algorithm="ES256", headers={"kid": "k2"})


def test_an_rs256_token_signed_with_the_issuers_key_is_accepted(jwks_client, jwks):
    assert get(jwks_client, rs256(jwks.key)).json() == {"sub": "clerk", "iss": "test-issuer"}


def test_an_es256_token_signed_with_the_issuers_key_is_accepted(jwks_client, jwks):
    assert get(jwks_client, es256(jwks.ec_key)).json() == {"sub": "clerk", "iss": "test-issuer"}


@pytest.fixture(scope="module")
def production_client(jwks):
    """GETIHU_ENV=production as a bureau runs it: the JWKS, no development issuer, no secret of ours."""
    settings = SETTINGS.model_copy(update={"jwks_url": jwks.url, "env": "production", "dev_auth": False,
                                           "jwt_secret": "p" * 48})
    with TestClient(create_app(settings=settings, title="t", routers=[router])) as c:
        yield c


def test_in_production_the_issuers_rs256_and_es256_tokens_are_accepted(production_client, jwks):
    assert get(production_client, rs256(jwks.key)).status_code == 200
    assert get(production_client, es256(jwks.ec_key)).status_code == 200


def test_in_production_an_hs256_token_is_refused_even_with_the_configured_secret(production_client):
    refused(get(production_client, jwt.encode(claims(), "p" * 48, algorithm="HS256")), "token_invalid")
    refused(get(production_client, dev()), "token_invalid")


@pytest.mark.parametrize("token,code", [
    pytest.param(lambda j: hs256_by_hand(claims(), j.public_pem, kid="k1"), "token_invalid",
                 id="hs256-keyed-with-the-public-pem"),
    pytest.param(lambda j: hs256_by_hand(claims(), j.body, kid="k1"), "token_invalid",
                 id="hs256-keyed-with-the-jwks"),
    pytest.param(lambda j: jwt.encode(claims(), SETTINGS.jwt_secret, algorithm="HS256", headers={"kid": "k1"}),
                 "token_invalid", id="hs256-with-the-dev-secret"),
    pytest.param(lambda j: unsigned(claims()), "token_invalid", id="alg-none"),
    pytest.param(lambda j: rs256(rsa.generate_private_key(public_exponent=65537, key_size=2048)), "token_invalid",
                 id="rs256-with-another-key"),
    pytest.param(lambda j: rs256(j.key, aud="another-platform"), "token_invalid", id="rs256-wrong-audience"),
    pytest.param(lambda j: rs256(j.key, iss="someone-else"), "token_invalid", id="rs256-wrong-issuer"),
    pytest.param(lambda j: rs256(j.key, exp=int(time.time()) - 120), "token_expired", id="rs256-expired"),
    pytest.param(lambda j: es256(ec.generate_private_key(ec.SECP256R1())), "token_invalid", id="es256-with-another-key"),
    pytest.param(lambda j: es256(j.ec_key, aud="another-platform"), "token_invalid", id="es256-wrong-audience"),
    pytest.param(lambda j: jwt.encode(claims(), j.ec_key, algorithm="ES256", headers={"kid": "k1"}), "token_invalid",
                 id="es256-under-the-rsa-kid"),
])
def test_with_a_jwks_only_the_issuers_asymmetric_signature_is_accepted(jwks_client, jwks, token, code):
    refused(get(jwks_client, token(jwks)), code)
