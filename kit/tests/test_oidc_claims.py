"""An OIDC provider's claims → the platform's Principal (kit.auth.ClaimNames, README "Sign-in"): the
default claim names, configured names and nested paths, the roles the platform does not know left
out, a vouched ID number making an operator whose businesses only the registry names."""
from __future__ import annotations

import pytest

from getihu_kit import auth
from getihu_kit.domain import id_number
from getihu_kit.errors import Forbidden, Unauthorized
from getihu_kit.operator_identity import OperatorBusinesses, require_some_business
from getihu_kit.settings import ServiceSettings

PERSON = id_number.make(serial=4711)


def provider(claims: dict, names: auth.ClaimNames = auth.DEFAULT_CLAIMS) -> auth.Principal:
    return auth.claims_to_principal({"sub": "u1", "iss": "https://sso", **claims}, names, provider=True)


def test_county_staff_with_the_default_claim_names():
    p = provider({"roles": ["county_staff", "offline_access"], "region_code": "232701"})
    assert p.roles == {"county_staff"} and p.region_code == "232701" and p.id_number is None


def test_configured_names_and_a_nested_path_as_keycloak_writes_roles():
    names = ServiceSettings(oidc_claim_roles="realm_access.roles", oidc_claim_region_code="county",
                            oidc_claim_department="org_id").claim_names()
    p = provider({"realm_access": {"roles": ["department", "default-roles-getihu"]}, "org_id": ["dept-tax"],
                  "county": "232721", "roles": ["admin"]}, names)
    # the top-level `roles` is not the configured claim: it grants nothing
    assert p.roles == {"department"} and p.department == "dept-tax" and p.region_code == "232721"


def test_roles_as_a_space_separated_string():
    assert provider({"roles": "prefecture_staff admin"}).roles == {"prefecture_staff", "admin"}


def test_a_vouched_id_number_without_a_platform_role_is_an_operator_and_its_usccs_claim_counts_for_nothing():
    p = provider({"id_number": PERSON.lower(), "usccs": ["92232701MA00000001"]})
    assert p.roles == {"operator"} and p.id_number == PERSON.upper() and p.usccs == frozenset()
    assert PERSON not in repr(p) and PERSON not in p.audit_name()


def test_a_malformed_id_number_is_a_401_naming_the_claim():
    with pytest.raises(Unauthorized) as e:
        provider({"id_number": PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")})
    assert e.value.code == "token_invalid" and "id_number" in e.value.detail


def test_the_development_issuer_still_refuses_unknown_roles_and_keeps_its_usccs():
    with pytest.raises(Unauthorized):
        auth.claims_to_principal({"sub": "a", "roles": ["wizard"]})
    p = auth.claims_to_principal({"sub": "a", "roles": ["operator"], "usccs": ["X1"], "id_number": PERSON})
    assert p.usccs == {"X1"} and p.id_number is None  # only a provider vouches for an ID number


def test_the_resolver_keeps_an_answer_per_person_for_its_ttl_and_asks_again_after():
    asked: list[str] = []
    answers = {PERSON: frozenset({"U1"})}

    def fetch(p, token):
        asked.append(token)
        return answers.get(p.id_number, frozenset())
    p = provider({"id_number": PERSON})
    cached = OperatorBusinesses(fetch, ttl_s=3600)
    assert cached.resolve(p, "t1").usccs == {"U1"}
    answers[PERSON] = frozenset()
    assert cached.resolve(p, "t2").usccs == {"U1"} and asked == ["t1"]
    fresh = OperatorBusinesses(fetch, ttl_s=0)
    assert fresh.resolve(p, "t3").usccs == frozenset()
    # staff are never looked up
    assert fresh.resolve(provider({"roles": ["county_staff"]}), "t4").usccs == frozenset() and "t4" not in asked


def test_an_operator_of_no_business_gets_a_chinese_refusal_not_an_empty_console():
    p = provider({"id_number": PERSON})
    with pytest.raises(Forbidden) as e:
        require_some_business(p)
    assert e.value.code == "operator_without_business" and "身份证号码" in e.value.detail
    assert require_some_business(auth.with_businesses(p, frozenset({"U1"}))).usccs == {"U1"}
