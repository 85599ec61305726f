"""Credit reads (附件1 二(七) 末段): a financial institution reads a business's published result with its explanation
facts and its recognition details only under the operator's consent in force — granted online with a scope and an
expiry, withdrawn at any time with effect on the next read — and every read is in the operator's audit list."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from getihu_kit import clock
from getihu_kit.auth import Principal, issue_dev_token
from getihu_kit.db import make_sessionmaker, unit_of_work
from getihu_kit.errors import Forbidden
from getihu_kit.events import make_event
from getihu_kit.schemas.cultivation import RecognitionChanged
from test_runner import work_off
from typing_factories import R, YEAR, apply, business, facts, new_uscc
from typing_svc import projections, service
from typing_svc.credit.rules import permit
from typing_svc.main import create_app
from typing_svc.models import CreditConsent
from typing_svc.settings import Settings

API = "/api/v1/credit"
REGION = "232764"
STAFF = Principal(sub="clerk", roles=frozenset({"prefecture_staff"}))


@pytest.fixture(scope="module")
def world(db_url, engine):
    """Two businesses of one county typed and published (one with tax facts), one recognised, and the API."""
    sessions = make_sessionmaker(engine)
    taxed, other = new_uscc(REGION), new_uscc(REGION)
    with unit_of_work(sessions) as s:
        apply(s, [business(taxed, region=REGION, employees=1), business(other, region=REGION, employees=0)],
              [facts(taxed, tax_paid="812.40", batch="ds_credit_tax", agency="地区税务局")])
    with unit_of_work(sessions) as s:
        run = service.create_run(s, year=YEAR, reference_date=R, region_codes=[REGION], trigger="staff",
                                 created_by="clerk")
    work_off(engine, run["job_id"])
    with unit_of_work(sessions) as s:
        publishing = service.publish_run(s, run_id=run["id"], principal=STAFF, traceparent=None)
    work_off(engine, publishing["job_id"])
    rec_id = f"rec_{uuid.uuid4().hex[:20]}"
    base = dict(recognition_id=rec_id, uscc=taxed, region_code=REGION, category="distinctive",
                recognised_on=dt.date(2025, 11, 20), valid_until=dt.date(2028, 11, 19),
                benefits_from=dt.date(2026, 1, 1), year=2025)
    granted = RecognitionChanged(status="granted", changed_at=dt.datetime(2025, 11, 20, 2, tzinfo=dt.timezone.utc), **base)
    extended = RecognitionChanged(**{**base, "valid_until": dt.date(2031, 11, 19)}, status="extended",
                                  changed_at=dt.datetime(2028, 10, 1, 2, tzinfo=dt.timezone.utc))
    with unit_of_work(sessions) as s:  # the newer change first, the older after it: the older must not win
        projections.apply_recognition_changes(s, [make_event(extended, source="/test", subject=taxed)])
    with unit_of_work(sessions) as s:
        projections.apply_recognition_changes(s, [make_event(granted, source="/test", subject=taxed)])
    settings = Settings(database_url=db_url, topic_prefix="unused.")
    with TestClient(create_app(settings)) as c:
        yield {"client": c, "settings": settings, "engine": engine, "taxed": taxed, "other": other, "rec_id": rec_id}


def _token(w, sub: str, roles: list[str], **claims) -> dict:
    s = w["settings"]
    return {"Authorization": "Bearer " + issue_dev_token(sub=sub, roles=roles, secret=s.jwt_secret, issuer=s.jwt_issuer,
                                                         audience=s.jwt_audience, **claims)}


def _operator(w, *usccs) -> dict:
    return _token(w, f"op-{usccs[0]}", ["operator"], usccs=list(usccs))


def _bank(w, name: str) -> dict:
    return _token(w, name, ["financial_institution"])


def _grant(w, uscc: str, institution: str, scope: list[str], days: int = 30, expect: int = 201) -> dict:
    r = w["client"].post(f"{API}/consents", headers=_operator(w, uscc), json={
        "uscc": uscc, "institution": institution, "scope": scope,
        "expires_on": (clock.today() + dt.timedelta(days=days)).isoformat()})
    assert r.status_code == expect, r.text
    return r.json()


def _refused(r, code: str) -> str:
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["code"] == code and r.headers["content-type"].startswith("application/problem+json")
    return body["detail"]


def test_a_consented_bank_reads_the_facts_and_the_recognition_and_each_read_is_audited(world):
    c, u = world["client"], world["taxed"]
    bank = f"bank-{uuid.uuid4().hex[:6]}"
    consent = _grant(world, u, bank, ["recognition_details", "result_facts"])
    assert consent == {**consent, "status": "in_force", "scope": ["result_facts", "recognition_details"],
                       "scope_labels": ["分型结果及判定依据", "“名特优新”认定信息"], "institution": bank}

    public = c.get(f"/api/v1/typing/results/{u}", params={"year": YEAR}).json()
    assert all(e["fact"] is None for e in public["explanation"])  # what the public cannot see
    r = c.get(f"{API}/businesses/{u}/typing-result", params={"year": YEAR}, headers=_bank(world, bank))
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["consent_id"] == consent["id"] and got["type"] == "growth" and got["published"]
    tax = next(e for e in got["explanation"] if e["condition"] == "tax_paid_prior_year")
    assert tax["met"] and tax["fact"]["tax_paid"] == "812.40" and tax["source"]["batch_id"] == "ds_credit_tax-tax"

    r = c.get(f"{API}/businesses/{u}/recognitions", headers=_bank(world, bank))
    assert r.status_code == 200, r.text
    [rec] = r.json()["items"]
    assert rec == {**rec, "recognition_id": world["rec_id"], "status": "extended", "valid_until": "2031-11-19",
                   "category_label": "特色"}

    reads = c.get(f"{API}/reads", params={"uscc": u}, headers=_operator(world, u)).json()["items"]
    mine = [x for x in reads if x["institution"] == bank]
    assert [(x["what"], x["year"], x["consent_id"]) for x in mine] == [
        ("recognition_details", None, consent["id"]), ("result_facts", YEAR, consent["id"])]
    assert mine[0]["reader"].startswith(bank) and mine[0]["what_label"] == "“名特优新”认定信息"


def test_without_consent_in_force_the_bank_is_told_why(world):
    c, u = world["client"], world["taxed"]
    bank, other_bank = f"bank-{uuid.uuid4().hex[:6]}", f"bank-{uuid.uuid4().hex[:6]}"
    ask = lambda who: c.get(f"{API}/businesses/{u}/typing-result", params={"year": YEAR}, headers=_bank(world, who))  # noqa: E731
    assert "未授权本机构" in _refused(ask(bank), "credit_consent_missing")

    consent = _grant(world, u, bank, ["result_facts"])
    assert ask(bank).status_code == 200
    # consent to one bank is not consent to another
    _refused(ask(other_bank), "credit_consent_missing")
    detail = _refused(c.get(f"{API}/businesses/{u}/recognitions", headers=_bank(world, bank)),
                      "credit_consent_out_of_scope")
    assert "不含“" in detail and "认定信息" in detail

    r = c.post(f"{API}/consents/{consent['id']}/withdrawal", headers=_operator(world, u))
    assert r.status_code == 200 and r.json()["status"] == "withdrawn" and r.json()["withdrawn_at"]
    assert "撤回" in _refused(ask(bank), "credit_consent_withdrawn")  # at once: the very next read
    r = c.post(f"{API}/consents/{consent['id']}/withdrawal", headers=_operator(world, u))
    assert r.status_code == 409 and r.json()["code"] == "credit_consent_not_in_force"

    again = _grant(world, u, bank, ["result_facts"], days=1)
    assert ask(bank).status_code == 200
    with world["engine"].begin() as conn:  # its last day has passed
        conn.execute(update(CreditConsent.__table__).where(CreditConsent.__table__.c.id == again["id"])
                     .values(expires_on=clock.today() - dt.timedelta(days=1)))
    assert "到期" in _refused(ask(bank), "credit_consent_expired")
    listed = c.get(f"{API}/consents", params={"uscc": u}, headers=_operator(world, u)).json()["items"]
    assert {x["id"]: x["status"] for x in listed if x["institution"] == bank} == {
        consent["id"]: "withdrawn", again["id"]: "expired"}
    reads = c.get(f"{API}/reads", params={"uscc": u}, headers=_operator(world, u)).json()["items"]
    assert len([x for x in reads if x["institution"] == bank]) == 2  # the two reads served; no refusal is a read


def test_only_the_operator_grants_sees_and_withdraws_and_only_banks_read(world):
    c, u, other = world["client"], world["taxed"], world["other"]
    bank = f"bank-{uuid.uuid4().hex[:6]}"
    r = c.post(f"{API}/consents", headers=_operator(world, other), json={
        "uscc": u, "institution": bank, "scope": ["result_facts"],
        "expires_on": (clock.today() + dt.timedelta(days=5)).isoformat()})
    assert r.status_code == 403 and r.json()["errors"][0]["field"] == "uscc"
    r = c.post(f"{API}/consents", headers=_operator(world, u), json={
        "uscc": u, "institution": bank, "scope": ["result_facts"], "expires_on": clock.today().isoformat()})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "expires_on"
    r = c.post(f"{API}/consents", headers=_operator(world, u), json={
        "uscc": u, "institution": bank, "scope": [], "expires_on": "2099-01-01"})
    assert r.status_code == 422
    consent = _grant(world, u, bank, ["result_facts"])
    dup = _grant(world, u, bank, ["recognition_details"], expect=409)
    assert dup["code"] == "credit_consent_exists"
    r = c.post(f"{API}/consents/{consent['id']}/withdrawal", headers=_operator(world, other))
    assert r.status_code == 404
    assert c.get(f"{API}/consents", params={"uscc": u}, headers=_operator(world, other)).status_code == 403
    assert c.get(f"{API}/reads", params={"uscc": u}, headers=_operator(world, other)).status_code == 403
    assert all(x["uscc"] == other for x in c.get(f"{API}/consents", headers=_operator(world, other)).json()["items"])
    clerk = _token(world, "clerk", ["county_staff"], region_code=REGION)
    assert c.get(f"{API}/businesses/{u}/typing-result", params={"year": YEAR}, headers=clerk).status_code == 403
    assert c.post(f"{API}/consents", headers=_bank(world, bank), json={
        "uscc": u, "institution": bank, "scope": ["result_facts"], "expires_on": "2099-01-01"}).status_code == 403


class _C:
    def __init__(self, scope, expires_on, granted_at, withdrawn_at=None):
        self.scope, self.expires_on, self.granted_at, self.withdrawn_at = scope, expires_on, granted_at, withdrawn_at


def test_the_rule_picks_the_consent_in_force_and_names_the_newest_otherwise():
    day = dt.date(2026, 6, 1)
    t = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
    old = _C(["result_facts"], dt.date(2026, 5, 31), t)           # expired the day before
    live = _C(["result_facts"], day, t + dt.timedelta(days=1))    # its last day is today
    assert permit([old, live], scope="result_facts", today=day) is live
    with pytest.raises(Forbidden) as e:
        permit([old, live], scope="recognition_details", today=day)
    assert e.value.code == "credit_consent_out_of_scope"
    with pytest.raises(Forbidden) as e:
        permit([old, live], scope="result_facts", today=day + dt.timedelta(days=1))
    assert e.value.code == "credit_consent_expired" and "2026-06-01" in e.value.detail
    gone = _C(["result_facts"], dt.date(2027, 1, 1), t + dt.timedelta(days=2), withdrawn_at=t + dt.timedelta(days=3))
    with pytest.raises(Forbidden) as e:
        permit([old, gone], scope="result_facts", today=day)
    assert e.value.code == "credit_consent_withdrawn"
    with pytest.raises(Forbidden) as e:
        permit([], scope="result_facts", today=day)
    assert e.value.code == "credit_consent_missing"
