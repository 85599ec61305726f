"""Batches, replacement, idempotency, access, audit and coverage over HTTP, on PostgreSQL."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from getihu_kit.schemas.data_sharing import facts_key


YEAR = 2025


@pytest.fixture(scope="module")
def tax(token):
    return token("tax-bureau-1", ["agency"], dataset="tax")


@pytest.fixture(scope="module")
def prefecture(token):
    return token("pref-clerk", ["prefecture_staff"])


def facts_events(engine, uscc: str, year: int = YEAR) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM outbox WHERE aggregateid = :k ORDER BY seq"),
                            {"k": facts_key(uscc, year)}).scalars().all()
    return [json.loads(p)["data"] for p in rows]


def tax_row(uscc: str, paid: str = "100.00", general: bool = False) -> dict:
    return {"uscc": uscc, "tax_paid": paid, "general_taxpayer": general, "abnormal_taxpayer": False}


def submit(client, headers, dataset: str, records: list, year: int = YEAR):
    return client.post("/api/v1/data-sharing/batches", json={"dataset": dataset, "year": year, "records": records},
                       headers=headers)


def test_valid_rows_are_accepted_and_invalid_ones_listed(client, tax, engine, new_uscc):
    u1, u2 = new_uscc(), new_uscc()
    r = submit(client, tax, "tax", [tax_row(u1), {"uscc": u2[:-1] + "0", "tax_paid": "1.001"}, tax_row(u2, "5")])
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["accepted"], body["rejected"], body["changed"]) == (2, 1, 2)
    assert {(e["row"], e["field"]) for e in body["errors"]} >= {(2, "tax_paid"), (2, "general_taxpayer")}
    assert body["agency"] == "tax-bureau-1" and body["id"].startswith("dsb_")
    ev = facts_events(engine, u2)
    assert len(ev) == 1 and ev[0]["tax"]["tax_paid"] == "5.00" and ev[0]["tax"]["batch_id"] == body["id"]
    assert ev[0]["version"] == 1


def test_identical_resubmission_changes_nothing_and_emits_nothing(client, tax, engine, new_uscc):
    u = new_uscc()
    first = submit(client, tax, "tax", [tax_row(u, "10")]).json()
    again = submit(client, tax, "tax", [tax_row(u, "10")])
    assert again.status_code == 201
    assert again.json()["id"] == first["id"] and again.json()["changed"] == first["changed"] == 1
    assert len(facts_events(engine, u)) == 1
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM record_versions WHERE uscc = :u"), {"u": u}).scalar() == 1


def test_a_later_record_replaces_and_both_stay_in_the_history(client, tax, prefecture, engine, new_uscc):
    u = new_uscc()
    b1 = submit(client, tax, "tax", [tax_row(u, "10")]).json()
    b2 = submit(client, token_for_other_tax_clerk(client), "tax", [tax_row(u, "20", general=True)]).json()
    assert b2["id"] != b1["id"]
    facts = client.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR}, headers=prefecture).json()
    assert facts["tax"]["tax_paid"] == "20.00" and facts["tax"]["general_taxpayer"] is True
    assert facts["tax"]["batch_id"] == b2["id"] and facts["tax"]["agency"] == "tax-bureau-2"
    with engine.connect() as conn:
        history = conn.execute(text("SELECT batch_id, agency, data FROM record_versions WHERE uscc = :u ORDER BY id"),
                               {"u": u}).all()
    assert [(h[0], h[1]) for h in history] == [(b1["id"], "tax-bureau-1"), (b2["id"], "tax-bureau-2")]
    events = facts_events(engine, u)
    assert [e["version"] for e in events] == [1, 2] and events[-1]["tax"]["tax_paid"] == "20.00"
    # going back to the first content is a change again, not a duplicate
    b3 = submit(client, tax, "tax", [tax_row(u, "10")]).json()
    assert b3["changed"] == 1 and b3["id"] not in (b1["id"], b2["id"])


def token_for_other_tax_clerk(client):
    from getihu_kit.auth import issue_dev_token
    s = client.app.state.settings
    return {"Authorization": "Bearer " + issue_dev_token(sub="tax-bureau-2", roles=["agency"], dataset="tax",
                                                         secret=s.jwt_secret, issuer=s.jwt_issuer,
                                                         audience=s.jwt_audience)}


def test_facts_merge_every_dataset_with_their_sources(client, token, prefecture, new_uscc):
    u = new_uscc()
    batches = {
        "tax": [tax_row(u, "99.50", general=True)],
        "social_insurance": [{"uscc": u, "insured_employees": 4}],
        "trademark": [{"uscc": u, "registration_no": "T2", "holder": "operator", "in_use": True},
                      {"uscc": u, "registration_no": "T1", "holder": "business", "in_use": False}],
        "patent": [{"uscc": u, "patent_no": "ZL1", "holder": "business"}],
        "certificate": [{"uscc": u, "kind": "绿色食品", "issued_on": "2024-01-02"}],
    }
    ids = {}
    for ds, rows in batches.items():
        r = submit(client, token(f"{ds}-agency", ["agency"], dataset=ds), ds, rows)
        assert r.status_code == 201 and r.json()["accepted"] == len(rows), r.text
        ids[ds] = r.json()["id"]
    f = client.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR}, headers=prefecture).json()
    assert f["social_insurance"]["insured_employees"] == 4
    assert f["social_insurance"]["batch_id"] == ids["social_insurance"]
    assert [t["registration_no"] for t in f["trademarks"]] == ["T1", "T2"]
    assert f["patents"][0]["agency"] == "patent-agency" and f["certificates"][0]["kind"] == "绿色食品"
    assert f["registered"] is False and f["version"] == 5
    # another year has nothing
    other = client.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR - 1}, headers=prefecture).json()
    assert other["tax"] is None and other["trademarks"] == []


def test_dishonest_debtor_listing_is_person_facts(client, token, engine, new_id_number):
    person = new_id_number()
    court = token("court-1", ["agency"], dataset="dishonest_debtor")
    r = submit(client, court, "dishonest_debtor", [{"id_number": person, "listed_on": "2025-02-01"}])
    assert r.status_code == 201 and r.json()["accepted"] == 1, r.text
    with engine.connect() as conn:
        payloads = conn.execute(text("SELECT payload FROM outbox WHERE aggregateid = :k"), {"k": person}).scalars().all()
    data = json.loads(payloads[-1])["data"]
    assert data["id_number"] == person and data["dishonest_debtor"][0]["listed_on"] == "2025-02-01"


@pytest.mark.parametrize("who, claims, status", [
    ("public", None, 401),
    ("tax agency reads facts", (["agency"], {"dataset": "tax"}), 403),
    ("operator", (["operator"], {"usccs": []}), 403),
    ("department", (["department"], {"department": "文旅"}), 403),
])
def test_facts_are_never_shown_outside_staff(client, tax, token, who, claims, status, new_uscc):
    u = new_uscc()
    submit(client, tax, "tax", [tax_row(u)])
    headers = token("someone", claims[0], **claims[1]) if claims else {}
    if who == "operator":
        headers = token("op", ["operator"], usccs=[u])
    r = client.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR}, headers=headers)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json") and "tax_paid" not in r.text


def test_an_agency_submits_only_its_own_dataset(client, tax, token, new_uscc):
    u = new_uscc()
    r = submit(client, tax, "social_insurance", [{"uscc": u, "insured_employees": 1}])
    assert r.status_code == 403 and r.json()["errors"][0]["field"] == "dataset"
    r = submit(client, token("staff", ["prefecture_staff"]), "tax", [tax_row(u)])
    assert r.status_code == 403


def test_an_agency_cannot_read_another_agencys_batch_or_coverage(client, tax, token, new_uscc):
    u = new_uscc()
    si = token("hr-1", ["agency"], dataset="social_insurance")
    b = submit(client, si, "social_insurance", [{"uscc": u, "insured_employees": 2}]).json()
    assert client.get(f"/api/v1/data-sharing/batches/{b['id']}", headers=si).status_code == 200
    assert client.get(f"/api/v1/data-sharing/batches/{b['id']}", headers=tax).status_code == 404
    cov = client.get("/api/v1/data-sharing/coverage", params={"year": YEAR}, headers=tax).json()
    assert [d["dataset"] for d in cov["datasets"]] == ["tax"]


def test_county_staff_read_only_businesses_of_their_region(client, tax, token, engine, new_uscc, new_id_number):
    u_here, u_there, u_unknown = new_uscc(), new_uscc(), new_uscc()
    submit(client, tax, "tax", [tax_row(u_here), tax_row(u_there), tax_row(u_unknown)])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO business_projection (uscc, region_code, operator_id_number, version) "
                          "VALUES (:a, '232721', :p, 1), (:b, '232722', :p, 1)"),
                     {"a": u_here, "b": u_there, "p": new_id_number()})
    county = token("huma-clerk", ["county_staff"], region_code="232721")
    ok = client.get(f"/api/v1/data-sharing/facts/{u_here}", params={"year": YEAR}, headers=county)
    assert ok.status_code == 200 and ok.json()["registered"] is True and ok.json()["region_code"] == "232721"
    for u in (u_there, u_unknown):
        assert client.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR}, headers=county).status_code == 403


def test_every_staff_read_is_audited_and_only_prefecture_or_admin_query_it(client, tax, token, prefecture, new_uscc):
    u = new_uscc()
    submit(client, tax, "tax", [tax_row(u)])
    reader = token("pref-reader-7", ["prefecture_staff"])
    client.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR}, headers=reader)
    client.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR - 1}, headers=reader)
    page = client.get("/api/v1/data-sharing/audit", params={"uscc": u, "limit": 1}, headers=prefecture).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    first = page["items"][0]
    assert first["reader"] == "pref-reader-7" and first["year"] == YEAR - 1 and first["fields"] == []
    page2 = client.get("/api/v1/data-sharing/audit", params={"uscc": u, "limit": 1, "cursor": page["next_cursor"]},
                       headers=prefecture).json()
    assert page2["items"][0]["fields"] == ["tax"] and page2["items"][0]["year"] == YEAR
    admin = token("root", ["admin"])
    assert client.get("/api/v1/data-sharing/audit", params={"reader": "pref-reader-7"}, headers=admin).status_code == 200
    for h in (token("c", ["county_staff"], region_code="232721"), tax, {}):
        assert client.get("/api/v1/data-sharing/audit", headers=h).status_code in (401, 403)
    bad = client.get("/api/v1/data-sharing/audit", params={"cursor": "!!"}, headers=prefecture)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_coverage_shows_which_datasets_arrived(client, token, prefecture, new_uscc):
    year = 2019
    si = token("hr-2", ["agency"], dataset="social_insurance")
    submit(client, si, "social_insurance", [{"uscc": new_uscc(), "insured_employees": 1},
                                            {"uscc": new_uscc(), "insured_employees": 0}], year=year)
    cov = client.get("/api/v1/data-sharing/coverage", params={"year": year}, headers=prefecture).json()
    by = {d["dataset"]: d for d in cov["datasets"]}
    assert set(by) == {"tax", "social_insurance", "trademark", "patent", "dishonest_debtor", "certificate"}
    assert by["social_insurance"]["arrived"] and by["social_insurance"]["records"] == 2
    assert by["social_insurance"]["batches"] == 1 and by["social_insurance"]["last_received_at"]
    assert not by["tax"]["arrived"] and by["tax"]["records"] == 0


@pytest.mark.parametrize("body, field", [
    ({"dataset": "weather", "year": YEAR, "records": []}, "dataset"),
    ({"dataset": "tax", "year": 1800, "records": []}, "year"),
    ({"dataset": "tax", "year": YEAR}, "records"),
])
def test_a_malformed_batch_is_a_422_naming_the_field(client, tax, body, field):
    r = client.post("/api/v1/data-sharing/batches", json=body, headers=tax)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field


def test_facts_of_a_malformed_uscc_is_a_422(client, prefecture):
    r = client.get("/api/v1/data-sharing/facts/92232701XXXX", params={"year": YEAR}, headers=prefecture)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "uscc"


def _versions(engine, dataset: str, key: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM record_versions WHERE dataset = :d AND key = :k"),
                            {"d": dataset, "k": key}).scalar()


def _events(engine, key: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox WHERE aggregateid = :k"), {"k": key}).scalar()


@pytest.mark.parametrize("dataset, first, second, key_fields", [
    ("tax", {"tax_paid": "1.00", "general_taxpayer": False, "abnormal_taxpayer": False},
     {"tax_paid": "2.00", "general_taxpayer": False, "abnormal_taxpayer": True}, ("uscc",)),
    ("social_insurance", {"insured_employees": 1}, {"insured_employees": 5}, ("uscc",)),
    ("trademark", {"registration_no": "R9", "holder": "business", "in_use": False},
     {"registration_no": "R9", "holder": "business", "in_use": True}, ("uscc", "registration_no")),
    ("patent", {"patent_no": "ZL9", "holder": "business"}, {"patent_no": "ZL9", "holder": "operator"},
     ("uscc", "patent_no")),
    ("certificate", {"kind": "非遗", "issued_on": "2024-01-01"},
     {"kind": "非遗", "issued_on": "2024-01-01", "expires_on": "2027-01-01"}, ("uscc", "kind")),
    ("dishonest_debtor", {"listed_on": "2024-02-02"}, {"listed_on": "2024-02-02", "removed_on": "2025-01-01"},
     ("id_number", "listed_on")),
])
def test_each_dataset_replaces_by_key_keeps_history_and_ignores_resubmission(
        client, token, engine, new_uscc, new_id_number, dataset, first, second, key_fields):
    agency = token(f"{dataset}-agency-r", ["agency"], dataset=dataset)
    subject = {"id_number": new_id_number()} if dataset == "dishonest_debtor" else {"uscc": new_uscc()}
    event_key = subject.get("id_number") or facts_key(subject["uscc"], YEAR)
    b1 = submit(client, agency, dataset, [{**subject, **first}])
    assert b1.status_code == 201 and b1.json()["accepted"] == 1, b1.text
    b2 = submit(client, agency, dataset, [{**subject, **second}]).json()
    key = "|".join(str({**subject, **second}[k]) for k in key_fields)
    assert b2["changed"] == 1 and _versions(engine, dataset, key) == 2 and _events(engine, event_key) == 2
    with engine.connect() as conn:
        current = conn.execute(text("SELECT batch_id, data FROM current_records WHERE dataset = :d AND key = :k"),
                               {"d": dataset, "k": key}).one()
    data = current[1]
    assert current[0] == b2["id"] and all(data[f] == v for f, v in second.items() if f not in key_fields)
    again = submit(client, agency, dataset, [{**subject, **second}]).json()
    assert again["id"] == b2["id"]
    assert _versions(engine, dataset, key) == 2 and _events(engine, event_key) == 2
