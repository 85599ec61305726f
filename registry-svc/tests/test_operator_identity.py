"""A real-name operator signed in at the identity provider acts for the businesses the registry has
that person as current operator of: tokens signed by the provider's key (RS256, verified through its
JWKS as production does), the ID number a claim of the provider; after a change of operator the old
person no longer gets the business, the new one does — here (the registry resolves from its
database) and in another service's resolver (kit.operator_identity over HTTP, with the caller's token)."""
from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from fastapi.testclient import TestClient

from getihu_kit import auth
from getihu_kit.domain import id_number
from getihu_kit.operator_identity import LOOKUP_PATH, OperatorBusinesses, http_fetch
from getihu_kit.testing import LocalJwks
from registry_factories import business_doc
from registry_svc.main import create_app

ISSUER = "https://sso.test/realms/getihu"


@pytest.fixture(scope="module")
def provider():
    j = LocalJwks()
    yield j
    j.close()


@pytest.fixture(scope="module")
def sso_client(settings, provider):
    s = settings.model_copy(update={"jwks_url": provider.url, "jwt_issuer": ISSUER, "dev_auth": False,
                                    "jwt_secret": "x" * 48})
    with TestClient(create_app(s)) as c:
        yield c


def bearer(provider: LocalJwks, settings, **claims) -> dict[str, str]:
    now = int(time.time())
    token = provider.sign({"sub": f"sso-{now}", "iss": ISSUER, "aud": settings.jwt_audience, "iat": now,
                           "exp": now + 600, **claims})
    return {"Authorization": f"Bearer {token}"}


def test_the_current_operator_gets_the_business_and_after_a_change_the_old_one_does_not(sso_client, provider,
                                                                                          settings):
    clerk = bearer(provider, settings, roles=["county_staff"], region_code="232701")
    doc = business_doc()
    assert sso_client.post("/api/v1/businesses", json=doc, headers=clerk).status_code == 201, "registered"
    old, new = doc["operator"]["id_number"], id_number.make("232721", dt.date(1986, 3, 3), random.randrange(1, 999))
    as_old, as_new = bearer(provider, settings, id_number=old), bearer(provider, settings, id_number=new)
    other_service = OperatorBusinesses(http_fetch(sso_client), ttl_s=0)  # what every other service runs

    assert sso_client.get(LOOKUP_PATH, headers=as_old).json() == {"usccs": [doc["uscc"]]}
    assert sso_client.get(LOOKUP_PATH, headers=as_new).json() == {"usccs": []}
    # ownership is Principal.owns, as for any operator: the owner reads the unmasked record
    mine = sso_client.get(f"/api/v1/businesses/{doc['uscc']}", headers=as_old).json()
    assert mine["operator"]["id_number"] == old

    r = sso_client.post(f"/api/v1/businesses/{doc['uscc']}/operator", headers=clerk,
                        json={"name": "李秀英", "id_number": new, "effective_on": "2024-03-01"})
    assert r.status_code == 200, r.text
    assert sso_client.get(LOOKUP_PATH, headers=as_old).json() == {"usccs": []}
    assert sso_client.get(LOOKUP_PATH, headers=as_new).json() == {"usccs": [doc["uscc"]]}
    seen_by_old = sso_client.get(f"/api/v1/businesses/{doc['uscc']}", headers=as_old).json()
    assert seen_by_old["operator"]["id_number"] != old  # masked: no longer theirs

    token = as_new["Authorization"].split()[1]
    p = auth.verify(token, secret="", issuer=ISSUER, audience=settings.jwt_audience, jwks_url=provider.url)
    assert other_service.resolve(p, token).usccs == {doc["uscc"]}
    old_token = as_old["Authorization"].split()[1]
    p_old = auth.verify(old_token, secret="", issuer=ISSUER, audience=settings.jwt_audience, jwks_url=provider.url)
    assert other_service.resolve(p_old, old_token).usccs == frozenset()


def test_the_lookup_answers_only_for_a_vouched_operator(sso_client, provider, settings):
    r = sso_client.get(LOOKUP_PATH, headers=bearer(provider, settings, roles=["county_staff"], region_code="232701"))
    assert r.status_code == 403 and not r.json()["detail"].isascii()
    assert sso_client.get(LOOKUP_PATH).status_code == 401
