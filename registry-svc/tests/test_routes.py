"""HTTP rules of registry-svc against PostgreSQL: registration, status, annual reports, marks,
operator change, windows, access and the 名录."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from getihu_kit import clock
from getihu_kit.domain import id_number
from registry_factories import business_doc, new_uscc

TODAY = clock.today()


def problem_fields(r) -> set[str]:
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    return {e["field"] for e in r.json().get("errors", [])}


# --- registration bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize("change, field, status", [
    ({"uscc": "92232701L000000010"}, "uscc", 422),                       # wrong check digit
    ({"region_code": "110101"}, "region_code", 422),                     # not a county of the prefecture
    ({"industry_code": "Z99"}, "industry_code", 422),                    # not GB/T 4754
    ({"established_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "established_on", 422),
    ({"operator": {"name": "李四", "id_number": "23270119800101001X"}}, "operator.id_number", 422),
    ({"operator": {"name": "李四", "id_number": "232701198001010019", "phone": "abc"}}, "operator.phone", 422),
])
def test_registration_bad_input_names_the_field(client, tokens, change, field, status):
    r = client.post("/api/v1/businesses", json=business_doc(**change), headers=tokens.prefecture)
    assert r.status_code == status, r.text
    assert field in problem_fields(r)


def test_duplicate_uscc_is_409_and_alias_region_is_canonical(client, tokens):
    doc = business_doc(region_code="232723")  # 漠河县 before 2018 → 漠河市 232701
    r = client.post("/api/v1/businesses", json=doc, headers=tokens.prefecture)
    assert r.status_code == 201 and r.json()["region_code"] == "232701"
    r = client.post("/api/v1/businesses", json=doc, headers=tokens.prefecture)
    assert r.status_code == 409 and problem_fields(r) == {"uscc"}


# --- status ---------------------------------------------------------------------------------------------
def test_status_changes_keep_history(client, tokens, registered):
    doc = registered()
    url = f"/api/v1/businesses/{doc['uscc']}/status"
    r = client.post(url, json={"status": "revoked", "effective_on": "2023-03-01"}, headers=tokens.prefecture)
    assert r.status_code == 200 and r.json()["status"] == "revoked", r.text
    r = client.post(url, json={"status": "registered", "effective_on": "2023-09-01"}, headers=tokens.prefecture)
    body = r.json()
    assert body["status"] == "registered" and body["status_effective_on"] == "2023-09-01"
    assert [(s["status"], s["effective_on"]) for s in body["status_history"]] == [
        ("registered", "2019-05-01"), ("revoked", "2023-03-01"), ("registered", "2023-09-01")]
    assert body["version"] == 3


@pytest.mark.parametrize("body, field, status", [
    ({"status": "registered", "effective_on": "2024-01-01"}, "status", 409),     # already registered
    ({"status": "cancelled", "effective_on": "2018-01-01"}, "effective_on", 409),  # before establishment
    ({"status": "sold", "effective_on": "2024-01-01"}, "status", 422),
    ({"status": "cancelled", "effective_on": (TODAY + dt.timedelta(days=2)).isoformat()}, "effective_on", 422),
])
def test_status_change_refusals(client, tokens, registered, body, field, status):
    doc = registered()
    r = client.post(f"/api/v1/businesses/{doc['uscc']}/status", json=body, headers=tokens.prefecture)
    assert r.status_code == status, r.text
    assert field in problem_fields(r)


def test_status_of_unknown_business_is_404(client, tokens):
    r = client.post(f"/api/v1/businesses/{new_uscc()}/status", json={"status": "revoked", "effective_on": "2024-01-01"},
                    headers=tokens.prefecture)
    assert r.status_code == 404


# --- annual reports ---------------------------------------------------------------------------------------
def test_annual_report_late_filing_and_upsert_per_year(client, tokens, registered):
    doc = registered()
    url = f"/api/v1/businesses/{doc['uscc']}/annual-reports"
    late = {"year": 2022, "submitted_on": "2023-11-20", "employees": 2, "revenue": "120000.50", "tax_paid": "0"}
    assert client.post(url, json=late, headers=tokens.prefecture).status_code == 201
    fixed = {**late, "employees": 3}
    r = client.post(url, json=fixed, headers=tokens.prefecture)
    assert r.status_code == 201 and r.json()["employees"] == 3
    reports = client.get(f"/api/v1/businesses/{doc['uscc']}", headers=tokens.prefecture).json()["annual_reports"]
    assert [(a["year"], a["employees"], a["revenue"]) for a in reports] == [(2022, 3, "120000.50")]


@pytest.mark.parametrize("body, field", [
    ({"year": 2022, "submitted_on": "2022-12-31", "employees": 1}, "submitted_on"),  # before the year ended
    ({"year": 2017, "submitted_on": "2018-03-01", "employees": 1}, "year"),          # before establishment
    ({"year": TODAY.year, "submitted_on": TODAY.isoformat(), "employees": 1}, "submitted_on"),
    ({"year": 2022, "submitted_on": "2023-03-01", "employees": -1}, "employees"),
    ({"year": 2022, "submitted_on": "2023-03-01", "employees": 1, "revenue": "1.234"}, "revenue"),
])
def test_annual_report_refusals(client, tokens, registered, body, field):
    doc = registered()
    r = client.post(f"/api/v1/businesses/{doc['uscc']}/annual-reports", json=body, headers=tokens.prefecture)
    assert r.status_code in (409, 422), r.text
    assert field in problem_fields(r)


# --- marks --------------------------------------------------------------------------------------------------
def test_marks_of_every_kind_and_restoration(client, tokens, registered):
    doc = registered()
    url = f"/api/v1/businesses/{doc['uscc']}/marks"
    h = tokens.prefecture
    abnormal = {"kind": "abnormal", "start_on": "2022-07-01", "reason": "未按期报送年报"}
    first = client.post(url, json=abnormal, headers=h)
    assert first.status_code == 201, first.text
    restored = client.post(url, json={**abnormal, "end_on": "2023-01-10"}, headers=h)
    assert restored.json()["id"] == first.json()["id"] and restored.json()["end_on"] == "2023-01-10"
    for body in ({"kind": "serial_illegal".replace("serial", "serious"), "start_on": "2021-01-01", "end_on": "2022-01-01"},
                 {"kind": "suspension", "start_on": "2020-03-01"},
                 {"kind": "penalty", "start_on": "2023-05-01", "penalty_kind": "罚款", "amount": "2000",
                  "publicized_on": "2023-05-10"},
                 {"kind": "award", "start_on": "2023-12-01", "level": "province"}):
        r = client.post(url, json=body, headers=h)
        assert r.status_code == 201, r.text
    marks = client.get(f"/api/v1/businesses/{doc['uscc']}", headers=h).json()["marks"]
    assert sorted(m["kind"] for m in marks) == ["abnormal", "award", "penalty", "serious_illegal", "suspension"]
    suspension = next(m for m in marks if m["kind"] == "suspension")
    assert suspension["legal_max_end_on"] == "2023-02-28"


@pytest.mark.parametrize("body, field", [
    ({"kind": "abnormal", "start_on": "2023-05-01", "end_on": "2023-04-30"}, "end_on"),           # end before start
    ({"kind": "suspension", "start_on": "2020-03-01", "end_on": "2023-03-01"}, "end_on"),         # 3 years + 1 day
    ({"kind": "penalty", "start_on": "2023-05-01", "publicized_on": "2023-05-02"}, "penalty_kind"),
    ({"kind": "penalty", "start_on": "2023-05-01", "penalty_kind": "罚款", "publicized_on": "2023-05-02"}, "amount"),
    ({"kind": "penalty", "start_on": "2023-05-01", "penalty_kind": "警告"}, "publicized_on"),
    ({"kind": "award", "start_on": "2023-05-01", "level": "galactic"}, "level"),
    ({"kind": "abnormal", "start_on": "2023-05-01", "level": "county"}, "level"),
    ({"kind": "abnormal", "start_on": "2018-05-01"}, "start_on"),                                 # before establishment
    ({"kind": "bankrupt", "start_on": "2023-05-01"}, "kind"),
])
def test_mark_refusals_name_the_field(client, tokens, registered, body, field):
    doc = registered()
    r = client.post(f"/api/v1/businesses/{doc['uscc']}/marks", json=body, headers=tokens.prefecture)
    assert r.status_code == 422, r.text
    assert field in problem_fields(r)


def test_dates_of_the_bureaus_today_are_accepted_before_8am_beijing(client, tokens, registered, monkeypatch):
    """Between 00:00 and 08:00 Beijing time the bureau is on the next day while UTC (and a UTC host's own
    calendar) is not: a mark or a status change dated the bureau's today is not "in the future"."""
    utc_today = dt.datetime.now(dt.timezone.utc).date()
    bureau_today = clock.local_date(dt.datetime.combine(utc_today, dt.time(17, 30), tzinfo=dt.timezone.utc))
    assert bureau_today == utc_today + dt.timedelta(days=1)  # 01:30 Beijing time, the next morning
    monkeypatch.setattr(clock, "today", lambda: bureau_today)
    doc = registered()
    h = tokens.prefecture
    r = client.post(f"/api/v1/businesses/{doc['uscc']}/marks", json={"kind": "abnormal",
                                                                  "start_on": bureau_today.isoformat()}, headers=h)
    assert r.status_code == 201, r.text
    later = (bureau_today + dt.timedelta(days=1)).isoformat()
    r = client.post(f"/api/v1/businesses/{doc['uscc']}/marks", json={"kind": "abnormal", "start_on": later}, headers=h)
    assert r.status_code == 422 and "start_on" in problem_fields(r)
    r = client.post(f"/api/v1/businesses/{doc['uscc']}/status",
                    json={"status": "revoked", "effective_on": bureau_today.isoformat()}, headers=h)
    assert r.status_code == 200 and r.json()["status_effective_on"] == bureau_today.isoformat(), r.text


# --- operator change -------------------------------------------------------------------------------------------
def test_operator_change_keeps_history(client, tokens, registered):
    doc = registered()
    url = f"/api/v1/businesses/{doc['uscc']}/operator"
    new = {"name": "赵六", "id_number": id_number.make("232721", dt.date(1985, 2, 2), 1), "phone": "13600001111", "email": "zl@example.com",
           "effective_on": "2024-02-01"}
    r = client.post(url, json=new, headers=tokens.prefecture)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["operator"]["name"] == "赵六"
    assert [(o["name"], o["from_on"], o["to_on"]) for o in body["operator_history"]] == [
        ("王小二", "2019-05-01", "2024-01-31"), ("赵六", "2024-02-01", None)]
    r = client.post(url, json={**new, "effective_on": "2023-01-01", "id_number": id_number.make("232721", dt.date(1985, 2, 2), 3)},
                    headers=tokens.prefecture)
    assert r.status_code == 409 and problem_fields(r) == {"effective_on"}
    r = client.post(url, json={**new, "email": "bad"}, headers=tokens.prefecture)
    assert r.status_code == 422 and "email" in problem_fields(r)


# --- access ------------------------------------------------------------------------------------------------------
def test_access_rules(client, tokens, registered):
    doc = registered("232721")
    u = doc["uscc"]
    other_county = tokens.county("232701")
    own_county = tokens.county("232721")
    mark = {"kind": "abnormal", "start_on": "2022-07-01"}
    assert client.post(f"/api/v1/businesses/{u}/marks", json=mark, headers=other_county).status_code == 403
    assert client.post(f"/api/v1/businesses/{u}/marks", json=mark, headers=own_county).status_code == 201
    assert client.post("/api/v1/businesses", json=business_doc("232722"), headers=own_county).status_code == 403
    report = {"year": 2023, "submitted_on": "2024-03-01", "employees": 1}
    owner = tokens(["operator"], sub="op-1", usccs=[u])
    stranger = tokens(["operator"], sub="op-2", usccs=[new_uscc()])
    assert client.post(f"/api/v1/businesses/{u}/annual-reports", json=report, headers=owner).status_code == 201
    assert client.post(f"/api/v1/businesses/{u}/annual-reports", json=report, headers=stranger).status_code == 403
    assert client.post(f"/api/v1/businesses/{u}/marks", json=mark, headers=owner).status_code == 403
    # Full view for the owner and the county; masked for everyone else, the public included.
    assert client.get(f"/api/v1/businesses/{u}", headers=owner).json()["operator"]["id_number"] == doc["operator"]["id_number"]
    assert client.get(f"/api/v1/businesses/{u}", headers=own_county).json()["annual_reports"][0]["employees"] == 1
    for h in ({}, stranger, other_county):
        view = client.get(f"/api/v1/businesses/{u}", headers=h).json()
        assert "*" in view["operator"]["id_number"] and "*" in view["operator"]["phone"]
        assert view["annual_reports"][0]["revenue"] is None
    assert client.post(f"/api/v1/businesses/{u}/status", json={"status": "revoked", "effective_on": "2024-01-01"}
                       ).status_code == 401
    assert client.post("/api/v1/annual-report-windows/2020/close", headers=own_county).status_code == 403


# --- windows -----------------------------------------------------------------------------------------------------
def test_window_open_close_rules(client, tokens):
    h = tokens.prefecture
    assert client.post("/api/v1/annual-report-windows/2019/open", json={"opened_on": "2020-01-01"},
                       headers=h).status_code == 201
    assert client.post("/api/v1/annual-report-windows/2019/open", headers=h).status_code == 409
    r = client.post("/api/v1/annual-report-windows/2019/close", json={"reference_date": "2021-06-30"}, headers=h)
    assert r.status_code == 422 and problem_fields(r) == {"reference_date"}
    r = client.post("/api/v1/annual-report-windows/2019/close", json={"closed_on": "2020-07-01"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json() | {} == {"report_year": 2019, "status": "closed", "opened_on": "2020-01-01",
                             "closed_on": "2020-07-01", "typing_year": 2020, "reference_date": "2020-06-30"}
    assert client.post("/api/v1/annual-report-windows/2019/close", headers=h).status_code == 409


# --- the 名录 ---------------------------------------------------------------------------------------------------
def test_directory_is_public_masked_and_paginated(client, registered):
    marker = "鹿鸣"
    docs = [registered(name=f"{marker}小吃{i}号") for i in range(3)]
    r = client.get("/api/v1/directory", params={"q": marker, "limit": 2})
    assert r.status_code == 200
    page = r.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = client.get("/api/v1/directory", params={"q": marker, "limit": 2, "cursor": page["next_cursor"]}).json()
    found = [i["uscc"] for i in page["items"] + rest["items"]]
    assert sorted(found) == sorted(d["uscc"] for d in docs) and rest["next_cursor"] is None
    item = page["items"][0]
    assert item["operator_name"] == "王**" and "id_number" not in str(item)
    by_code = client.get("/api/v1/directory", params={"q": docs[1]["uscc"].lower()}).json()["items"]
    assert [i["uscc"] for i in by_code] == [docs[1]["uscc"]]
    assert client.get("/api/v1/directory", params={"q": "%_"}).json()["items"] == []  # LIKE wildcards are literal
    assert client.get("/api/v1/directory", params={"cursor": "!!"}).status_code == 422
    assert client.get("/api/v1/directory", params={"limit": 0}).status_code == 422


def test_directory_name_search_is_normalised_and_ranked(client, registered):
    """Part of a name, two characters or more, through the pair index: full-width letters and digits
    match their half-width forms, case does not matter; the whole name first, then the rest by USCC."""
    tag = "".join(random.choice("霁岚澈曦珂琰瑾翎") for _ in range(3))
    inside = registered(name=f"北{tag}小吃")
    starts = registered(name=f"{tag}小吃")
    whole = registered(name=tag)
    latin = registered(name=f"{tag}ＡＢ店")
    found = [i["uscc"] for i in client.get("/api/v1/directory", params={"q": tag}).json()["items"]]
    assert found == [whole["uscc"]] + sorted([inside["uscc"], starts["uscc"], latin["uscc"]])
    assert [i["uscc"] for i in client.get("/api/v1/directory", params={"q": f"{tag}ab"}).json()["items"]] == [latin["uscc"]]
    two = [i["uscc"] for i in client.get("/api/v1/directory", params={"q": tag[1:]}).json()["items"]]  # the shortest
    assert set(two) == {inside["uscc"], starts["uscc"], whole["uscc"], latin["uscc"]}
    pages, cursor = [], None  # the ranked order pages by its own keys
    while True:
        params = {"q": tag, "limit": 1} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/directory", params=params).json()
        pages += [i["uscc"] for i in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert pages == found
    assert client.get("/api/v1/directory", params={"q": f"{tag[0]}x{tag[1]}"}).json()["items"] == []
    r = client.get("/api/v1/directory", params={"q": tag[0]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "q" and "至少2个字" in r.json()["detail"]


def test_directory_uscc_is_normalised_to_one_exact_lookup(client, registered):
    doc = registered(name="鹿鸣便利店")
    full_width = doc["uscc"].lower().translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789abcdefghijklmnopqrstuvwxyz"})
    for q in (doc["uscc"], doc["uscc"].lower(), f"  {full_width}　"):
        items = client.get("/api/v1/directory", params={"q": q}).json()["items"]
        assert [i["uscc"] for i in items] == [doc["uscc"]], q


def test_directory_answers_carry_an_etag_and_revalidate(client, registered, tokens):
    doc = registered(name="鹿鸣五金")
    r = client.get("/api/v1/directory", params={"q": doc["uscc"]})
    tag = r.headers["etag"]
    assert r.status_code == 200 and r.headers["cache-control"] == "public, no-cache"
    again = client.get("/api/v1/directory", params={"q": doc["uscc"]}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert client.get("/api/v1/directory", params={"q": doc["uscc"]},
                      headers={"If-None-Match": '"other"'}).status_code == 200
    r = client.post(f"/api/v1/businesses/{doc['uscc']}/status", json={"status": "cancelled", "effective_on": "2025-01-02"},
                    headers=tokens.prefecture)
    assert r.status_code in (200, 201), r.text
    changed = client.get("/api/v1/directory", params={"q": doc["uscc"]}, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert changed.json()["items"][0]["status"] == "cancelled"


def test_both_plans_of_a_name_search_give_the_same_pages(client, registered, settings):
    """The walk in USCC order (a common part) and the pair index (a rare one) are two plans of one
    query: whichever the statistics choose, the same rows come in the same order, page by page."""
    import asyncio

    from getihu_kit import clock
    from getihu_kit.pagination import PageRequest
    from getihu_kit.read_pool import ReadPool
    from registry_svc import directory_query, directory_reads

    tag = "".join(random.choice("蔚岫璟珩琛") for _ in range(2))
    for name in (tag, f"{tag}店", f"东{tag}", f"西{tag}南", f"{tag[0]}x{tag[1]}"):
        registered(name=name)

    async def walk(common: bool) -> list[str]:
        pool, seen, cursor = ReadPool(settings.database_url), [], None
        try:
            while True:
                rows, lines, cursor = await pool.read(lambda c: directory_reads.name_page(
                    c, tag, directory_query.character_pairs(tag), PageRequest(cursor=cursor, limit=2),
                    clock.today(), common=common))
                seen += [lines[r.uscc].name for r in rows]
                if cursor is None:
                    return seen
        finally:
            await pool.close()
    walks = {common: asyncio.run(walk(common)) for common in (True, False)}
    assert walks[True] == walks[False] and walks[True][0] == tag and len(walks[True]) == 4
