"""Applications through HTTP on PostgreSQL: windows, sources, eligibility, steps, objections, limits, public views."""
from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from getihu_kit.domain import id_number
from getihu_kit.schemas.cultivation import ApplicationChanged, RecognitionChanged, SupportMeasuresGranted, WindowOpened

API = "/api/v1/cultivation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY, AFTER_NOTICE, YEAR = dt.date(2026, 9, 15), dt.date(2026, 9, 25), 2026  # as the fixtures set them


def test_typing_published_opens_every_county_window(world):
    r = world.client().get(f"{API}/windows", params={"year": YEAR})
    assert r.status_code == 200
    windows = {w["region_code"]: w for w in r.json()["items"]}
    assert len(windows) == 7
    assert windows["232721"]["opens_on"] == "2026-08-10" and windows["232721"]["closes_on"] == "2026-11-30"
    assert windows["232721"]["eligible_count"] == 39
    assert len(world.outbox(WindowOpened.event_type)) == 7
    seen, cursor = [], None
    while True:  # small pages walk every window once, newest year first, then by county
        page = world.client().get(f"{API}/windows", params={"year": YEAR, "limit": 3, "cursor": cursor}).json()
        assert len(page["items"]) <= 3
        seen += [w["region_code"] for w in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == [w["region_code"] for w in r.json()["items"]] == sorted(windows, reverse=True)
    world.publish_typing()  # a re-publication refreshes, it does not open a second window
    assert len(world.outbox(WindowOpened.event_type)) == 7


def test_self_application_goes_through_every_step(world):
    u = world.business("232701", name="塔河蓝莓坊")
    world.certificate(u, "绿色食品")
    app_id = world.apply(u)
    c = world.client()
    app = c.get(f"{API}/applications/{app_id}", headers=world.operator(u)).json()
    assert app["status"] == "submitted" and app["score"] == "100.00" and app["type_at_application"] == "growth"
    world.to_notice(app_id)
    notices = c.get(f"{API}/notices", params={"region_code": "232701"}).json()["items"]
    mine = [n for n in notices if n["application_id"] == app_id][0]
    assert mine["operator_name"] == "张*" and mine["name"] == "塔河蓝莓坊" and mine["notice_ends_on"] == "2026-09-21"
    # The notice period is still running on its last day.
    r = world.client(dt.date(2026, 9, 21)).post(f"{API}/applications/{app_id}/recognise", json={}, headers=world.county("232701"))
    assert r.status_code == 409 and r.json()["code"] == "notice_running"
    rec = world.recognise(app_id)
    assert rec["status"] == "granted" and rec["category"] == "distinctive"
    assert rec["recognised_on"] == "2026-09-25" and rec["valid_until"] == "2029-09-24"
    assert rec["benefits_from"] == "2027-01-01" and rec["type_at_recognition"] == "growth"
    steps = [s["step"] for s in c.get(f"{API}/applications/{app_id}", headers=world.county("232701")).json()["steps"]]
    assert steps == ["submitted", "review", "site_visit", "public_notice", "recognised"]
    statuses = [e["status"] for e in world.outbox(ApplicationChanged.event_type, u)]
    assert statuses == ["submitted", "site_visit", "soliciting", "public_notice", "recognised"]
    assert [e["status"] for e in world.outbox(RecognitionChanged.event_type, u)] == ["granted"]
    assert world.outbox(RecognitionChanged.event_type, u)[0]["ruleset"] == "fltx-2024"
    assert {e["ruleset"] for e in world.outbox(ApplicationChanged.event_type, u)} == {"fltx-2024"}
    granted = [e for e in world.outbox(SupportMeasuresGranted.event_type, u) if e["basis"] == "category:distinctive"]
    codes = {m["code"] for m in granted[0]["measures"]}
    assert {"distinctive.A", "growth.A", "development.J"} <= codes and granted[0]["year"] == 2027
    # Reported upward; the public list shows it, masked.
    assert c.post(f"{API}/recognitions/{rec['id']}/report", headers=world.county("232701")).json()["reported_at"]
    public = world.client(AFTER_NOTICE).get(f"{API}/recognitions", params={"region_code": "232701",
                                                                            "category": "distinctive"}).json()["items"]
    assert any(p["uscc"] == u and p["operator_name"] == "张*" for p in public)
    assert all("operator_id_number" not in p for p in public)
    # Staff take the same list to Excel: the same rows, the operator's name in full, codes as labels.
    later, params = world.client(AFTER_NOTICE), {"region_code": "232701", "category": "distinctive"}
    listed, cursor = set(), None
    while True:
        page = later.get(f"{API}/recognitions", params={**params, **({"cursor": cursor} if cursor else {})}).json()
        listed |= {p["uscc"] for p in page["items"]}
        if (cursor := page["next_cursor"]) is None:
            break
    r = later.get(f"{API}/recognitions", params={**params, "format": "csv"}, headers=world.county("232701"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["认定编号", "统一社会信用代码", "名称", "经营者"] and {x[1] for x in rows[1:]} == listed
    line = next(x for x in rows[1:] if x[1] == u)
    assert line[0] == rec["id"] and line[2] == "塔河蓝莓坊" and line[3][0] == "张" and "*" not in line[3]
    assert (line[6], line[10], line[11], line[12]) == ("特色", "已认定", "成长型", "自主申报")
    x = later.get(f"{API}/recognitions", params=params, headers={**world.prefecture(), "accept": XLSX})
    sheet = list(load_workbook(io.BytesIO(x.content), read_only=True)["数据"].iter_rows(values_only=True))
    assert x.headers["content-type"] == XLSX and {s[1] for s in sheet[1:]} == listed
    assert later.get(f"{API}/recognitions", params={**params, "format": "csv"}).status_code == 401
    assert later.get(f"{API}/recognitions", params={**params, "format": "csv"}, headers=world.operator(u)).status_code == 403
    assert later.get(f"{API}/recognitions", params={"region_code": "232721", "format": "csv"},
                     headers=world.county("232701")).status_code == 403
    assert later.get(f"{API}/recognitions", params={"format": "ods"}, headers=world.county("232701")).status_code == 422
    # The applications list too, for staff only (an operator lists its own in JSON).
    apps = [a["id"] for a in c.get(f"{API}/applications", params={"region_code": "232701", "status": "recognised",
                                                                  "limit": 100}, headers=world.county("232701")).json()["items"]]
    r = c.get(f"{API}/applications", params={"region_code": "232701", "status": "recognised", "format": "csv"},
              headers=world.county("232701"))
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["申报编号", "统一社会信用代码"] and [x[0] for x in rows[1:]] == sorted(apps) and app_id in apps
    line = next(x for x in rows[1:] if x[0] == app_id)
    assert (line[2], line[7], line[8], line[10], line[11]) == ("塔河蓝莓坊", "特色", "自主申报", "已认定", "100.00")
    assert c.get(f"{API}/applications", params={"format": "csv"}, headers=world.operator(u)).status_code == 403


def test_each_refusal_names_its_rule_and_fact(world):
    op = id_number.make(serial=9001)
    u = world.business("232701", operator_id=op, type_="survival",
                       marks=[{"id": "p1", "kind": "penalty", "penalty_kind": "罚款", "start_on": "2025-06-01",
                               "publicized_on": "2025-06-03"}])
    world.debtor(op, dt.date(2025, 1, 1))
    body = world.apply(u, expect=409)
    assert body["code"] == "not_eligible" and body["ruleset"] == "fltx-2024"
    rules = {r["rule"]: r for r in body["refusals"]}
    assert set(rules) == {"type_requirement", "penalty_bar", "dishonest_debtor_bar"}
    assert rules["penalty_bar"]["fact"]["publicized_on"] == "2025-06-03"
    assert rules["type_requirement"]["fact"]["latest_type"] == "survival"


def test_relaxed_group_may_apply_from_survival(world):
    u = world.business("232701", type_="survival")
    assert world.apply(u, relaxed_group="veteran", relaxed_basis="退役军人优待证 第123456号")


def test_latest_published_type_and_correction(world):
    u = world.business("232701", type_="survival")
    world.typed(u, "growth", version=2)  # an appeal corrected the type
    assert world.apply(u)


def test_recommendation_waits_for_consent(world):
    u = world.business("232761", type_="survival")  # 部门推荐 is not limited to 成长型/发展型
    world.criteria("232761")
    c = world.client()
    body = {"uscc": u, "category": "distinctive", "reason": "退役军人创业典型", "indicator_values": {"years": 4}}
    r = c.post(f"{API}/recommendations", json=body, headers=world.department())
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["status"] == "awaiting_consent" and app["department"] == "地区退役军人事务局"
    # Staff cannot move it before the operator agrees; another operator cannot agree for them.
    r = c.post(f"{API}/applications/{app['id']}/review", json={"approve": True}, headers=world.county("232761"))
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"
    assert c.post(f"{API}/applications/{app['id']}/consent", json={"agree": True},
                  headers=world.operator("92232761MA0000000X")).status_code == 404
    r = c.post(f"{API}/applications/{app['id']}/consent", json={"agree": True}, headers=world.operator(u))
    assert r.json()["status"] == "submitted"
    world.to_notice(app["id"], "232761")
    rec = world.recognise(app["id"], "232761")
    assert rec["source"] == "recommendation" and rec["department"] == "地区退役军人事务局"


def test_operator_declines_recommendation(world):
    u = world.business("232761")
    world.criteria("232761")
    c = world.client()
    app = c.post(f"{API}/recommendations", json={"uscc": u, "category": "distinctive", "reason": "老字号"},
                 headers=world.department("地区商务局")).json()
    r = c.post(f"{API}/applications/{app['id']}/consent", json={"agree": False}, headers=world.operator(u))
    assert r.json()["status"] == "withdrawn" and r.json()["reason"] == "经营者不同意被推荐"


def test_notice_objection_holds_then_rejected_continues(world):
    u = world.business("232761")
    app_id = world.apply(u, "232761")
    world.to_notice(app_id, "232761")
    world.objection("ap_1", app_id, u)
    world.objection("ap_2", app_id, u)
    c = world.client()
    app = c.get(f"{API}/applications/{app_id}", headers=world.county("232761")).json()
    assert app["status"] == "on_hold" and app["open_objections"] == ["ap_1", "ap_2"]
    assert world.recognise(app_id, "232761", expect=409)["code"] == "objection_open"
    world.objection("ap_1", app_id, u, "rejected")
    assert c.get(f"{API}/applications/{app_id}", headers=world.operator(u)).json()["status"] == "on_hold"
    world.objection("ap_2", app_id, u, "withdrawn")
    assert c.get(f"{API}/applications/{app_id}", headers=world.operator(u)).json()["status"] == "public_notice"
    assert world.recognise(app_id, "232761")["status"] == "granted"


def test_notice_objection_upheld_refuses(world):
    u = world.business("232761")
    app_id = world.apply(u, "232761")
    world.to_notice(app_id, "232761")
    world.objection("ap_3", app_id, u)
    world.objection("ap_3", app_id, u, "upheld")
    app = world.client().get(f"{API}/applications/{app_id}", headers=world.operator(u)).json()
    assert app["status"] == "refused" and app["reason"].startswith("公示异议成立")


def test_quota_boundary_five_percent_rounded_down(world):
    """呼玛县: 20 成长型 + 19 发展型 = 39 → 5% is 1.95 → one recognition."""
    c = world.client(AFTER_NOTICE)
    q = c.get(f"{API}/quota", params={"region_code": "232721", "year": YEAR}, headers=world.county("232721")).json()
    assert (q["base_count"], q["limit"], q["in_force"], q["left"]) == (39, 1, 0, 1)
    first = world.business("232721")
    second = world.business("232721")
    a1, a2 = world.apply(first, "232721"), world.apply(second, "232721")
    world.to_notice(a1, "232721")
    world.to_notice(a2, "232721")
    world.recognise(a1, "232721")
    q = c.get(f"{API}/quota", params={"region_code": "232721", "year": YEAR}, headers=world.county("232721")).json()
    assert (q["in_force"], q["left"]) == (1, 0)
    body = world.recognise(a2, "232721", expect=409)
    assert [r["rule"] for r in body["refusals"]] == ["quota"] and body["refusals"][0]["fact"]["limit"] == 1
    # Staff of another county neither see nor use this quota.
    assert c.get(f"{API}/quota", params={"region_code": "232721", "year": YEAR},
                 headers=world.county("232701")).status_code == 403


def test_one_person_one_recognised_business_per_county(world):
    person = id_number.make(serial=7001)
    first = world.business("232722", operator_id=person, operator_name="李四")
    second = world.business("232722", operator_id=person, operator_name="李四")
    elsewhere = world.business("232763", operator_id=person, operator_name="李四")
    a1, a2 = world.apply(first, "232722"), world.apply(second, "232722", category="distinctive")
    a3 = world.apply(elsewhere, "232763")
    for a, region in ((a1, "232722"), (a2, "232722"), (a3, "232763")):
        world.to_notice(a, region)
    world.recognise(a1, "232722")
    body = world.recognise(a2, "232722", expect=409)
    assert [r["rule"] for r in body["refusals"]] == ["one_per_person"]
    assert body["refusals"][0]["fact"]["other_uscc"] == first and "李*" in body["refusals"][0]["message"]
    assert world.recognise(a3, "232763")["status"] == "granted"  # another county: allowed


def test_one_category_per_business_and_no_duplicate(world):
    u, _ = world.recognised("232701")
    body = world.apply(u, category="distinctive", expect=409)
    assert body["code"] in ("one_category", "duplicate_application")
    v = world.business("232701")
    world.apply(v)
    assert world.apply(v, category="quality", expect=409)["code"] in ("duplicate_application", "criteria_not_published")


def test_closed_window_and_unpublished_criteria(world):
    u = world.business("232701")
    c = world.client(dt.date(2026, 12, 1))
    r = c.post(f"{API}/applications", json={"uscc": u, "category": "distinctive"}, headers=world.operator(u))
    assert r.status_code == 409 and r.json()["code"] == "window_closed"
    r = world.client().post(f"{API}/applications", json={"uscc": u, "category": "emerging"}, headers=world.operator(u))
    assert r.status_code == 409 and r.json()["code"] == "criteria_not_published"


def test_below_pass_score_cannot_pass_review(world):
    u = world.business("232701")
    app_id = world.apply(u, indicator_values={"years": 1})
    r = world.client().post(f"{API}/applications/{app_id}/review", json={"approve": True},
                            headers=world.county("232701"))
    assert r.status_code == 409 and r.json()["code"] == "below_pass_score"


def test_access_and_bad_input(world):
    u = world.business("232701")
    c = world.client()
    r = c.post(f"{API}/applications", json={"uscc": u, "category": "distinctive"}, headers=world.operator("other"))
    assert r.status_code == 403
    r = c.post(f"{API}/applications", json={"uscc": "123", "category": "famous"}, headers=world.operator(u))
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in r.json()["errors"]} == {"uscc", "category"}
    assert c.post(f"{API}/applications", json={"uscc": u, "category": "distinctive"}).status_code == 401
    r = c.get(f"{API}/applications", params={"limit": 0}, headers=world.county("232701"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "limit"


def test_idempotency_key_replays(world):
    u = world.business("232701")
    world.criteria("232701")
    c, h = world.client(), {**world.operator(u), "Idempotency-Key": f"k-{u}"}
    body = {"uscc": u, "category": "distinctive", "indicator_values": {"years": 5}}
    r1 = c.post(f"{API}/applications", json=body, headers=h)
    r2 = c.post(f"{API}/applications", json=body, headers=h)
    assert r1.status_code == r2.status_code == 201 and r1.json()["id"] == r2.json()["id"]
    assert r2.headers.get("Idempotent-Replayed") == "true"


def test_cursor_pages_of_applications(world):
    c = world.client()
    seen, cursor = [], None
    while True:
        r = c.get(f"{API}/applications", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                  headers=world.prefecture()).json()
        seen += [a["id"] for a in r["items"]]
        cursor = r["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 3 and seen == sorted(seen)
