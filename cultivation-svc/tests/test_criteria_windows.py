"""County criteria (备案 and 公示), windows and withdrawal through HTTP."""
from __future__ import annotations

import datetime as dt

API = "/api/v1/cultivation"
BODY = {"region_code": "232721", "year": 2026, "category": "emerging", "title": "呼玛县新兴类标准", "text": "直播带货等",
        "pass_score": "50", "indicators": [{"code": "fans", "name": "粉丝量（万）", "weight": 100, "threshold": 1}]}


def test_criteria_filed_acknowledged_then_published(world):
    c, staff, pref = world.client(), world.county("232721"), world.prefecture()
    r = c.post(f"{API}/criteria", json={**BODY, "indicators": [{**BODY["indicators"][0], "weight": 90}]}, headers=staff)
    assert r.status_code == 422 and "权重之和应为 100" in r.json()["detail"]
    assert c.post(f"{API}/criteria", json=BODY, headers=world.county("232701")).status_code == 403
    crit = c.post(f"{API}/criteria", json=BODY, headers=staff).json()
    assert crit["status"] == "draft" and crit["version"] >= 1
    r = c.post(f"{API}/criteria/{crit['id']}/publish", headers=staff)
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"  # not before the prefecture acknowledged
    assert c.get(f"{API}/criteria/{crit['id']}").status_code == 404  # the public sees no draft
    c.post(f"{API}/criteria/{crit['id']}/file", headers=staff)
    assert c.post(f"{API}/criteria/{crit['id']}/acknowledge", headers=staff).status_code == 403
    assert c.post(f"{API}/criteria/{crit['id']}/acknowledge", headers=pref).json()["status"] == "acknowledged"
    assert c.post(f"{API}/criteria/{crit['id']}/publish", headers=staff).json()["status"] == "published"
    public = c.get(f"{API}/criteria", params={"region_code": "232721", "year": 2026, "category": "emerging"}).json()
    assert public["next_cursor"] is None
    assert [p["id"] for p in public["items"]] == [crit["id"]] and public["items"][0]["indicators"][0]["code"] == "fans"


def test_criteria_list_newest_first_in_pages(world):
    c, staff = world.client(), world.county("232722")
    body = {**BODY, "region_code": "232722", "year": 2027, "category": "quality", "title": "塔河县优质类标准"}
    drafts = [c.post(f"{API}/criteria", json=body, headers=staff).json()["id"] for _ in range(3)]
    params = {"region_code": "232722", "year": 2027, "category": "quality"}
    whole = c.get(f"{API}/criteria", params=params, headers=staff).json()
    assert [x["id"] for x in whole["items"]] == drafts[::-1] and whole["next_cursor"] is None
    first = c.get(f"{API}/criteria", params={**params, "limit": 2}, headers=staff).json()
    rest = c.get(f"{API}/criteria", params={**params, "limit": 2, "cursor": first["next_cursor"]}, headers=staff).json()
    assert [x["id"] for x in first["items"] + rest["items"]] == drafts[::-1] and rest["next_cursor"] is None
    assert c.get(f"{API}/criteria", params=params).json() == {"items": [], "next_cursor": None}  # drafts are the county's


def test_window_close_date_is_configurable(world):
    """二(五)1: a county shortens its window; it cannot extend it past 30 November (the prefecture's last day)."""
    c = world.client()
    r = c.patch(f"{API}/windows/232722/2026", json={"closes_on": "2026-12-01"}, headers=world.county("232722"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "closes_on" and "11月底" in r.json()["detail"]
    r = c.patch(f"{API}/windows/232722/2026", json={"closes_on": "2026-11-20"}, headers=world.county("232722"))
    assert r.status_code == 200 and r.json()["closes_on"] == "2026-11-20"
    u = world.business("232722")
    world.criteria("232722")
    body = {"uscc": u, "category": "distinctive", "indicator_values": {"years": 5}}
    r = world.client(dt.date(2026, 11, 21)).post(f"{API}/applications", json=body, headers=world.operator(u))
    assert r.status_code == 409 and r.json()["code"] == "window_closed"
    r = world.client(dt.date(2026, 11, 20)).post(f"{API}/applications", json=body, headers=world.operator(u))
    assert r.status_code == 201, r.text
    r = c.patch(f"{API}/windows/232722/2026", json={"closes_on": "2026-01-01"}, headers=world.county("232722"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "closes_on"
    assert c.patch(f"{API}/windows/232722/2026", json={"closes_on": "2026-11-30"},
                   headers=world.county("232701")).status_code == 403
    c.patch(f"{API}/windows/232722/2026", json={"closes_on": "2026-11-30"}, headers=world.county("232722"))


def test_operator_withdraws_before_recognition(world):
    u = world.business("232701")
    app_id = world.apply(u)
    c = world.client()
    r = c.post(f"{API}/applications/{app_id}/withdraw", headers=world.operator(u))
    assert r.json()["status"] == "withdrawn"
    assert c.post(f"{API}/applications/{app_id}/withdraw", headers=world.operator(u)).status_code == 409
    assert world.apply(u)  # a withdrawn application does not block a new one


def test_region_settings_view(world):
    r = world.client().get(f"{API}/region-settings/232723", headers=world.county("232701"))  # 漠河's old code
    body = r.json()
    assert body["region_code"] == "232701" and body["effective"]["penalty_window_years"] == 2
    assert body["effective"]["quota_ratio"] == "0.05" and body["effective"]["window_closes"] == [11, 30]
    assert world.client().get(f"{API}/region-settings/110101", headers=world.prefecture()).status_code == 422


def test_shared_data_indicators_are_read_not_asked(world):
    """四(四)：能够通过政府部门之间信息共享获得的材料和数据，不得要求个体工商户另行提供 — an indicator the agencies answer
    (here the social-insurance headcount) is filled from data-sharing's facts, shown as such, and refused if declared."""
    from getihu_kit.events import make_event
    from getihu_kit.schemas.data_sharing import BusinessFacts
    from cultivation_svc.projections import handlers
    region, staff, c = "232764", world.county("232764"), world.client()
    body = {"region_code": region, "year": 2026, "category": "emerging", "title": "新兴类", "text": "……",
            "pass_score": "50", "indicators": [
                {"code": "insured", "name": "参保人数", "weight": 50, "threshold": 3, "source": "shared:insured_employees"},
                {"code": "years", "name": "经营年限", "weight": 50, "threshold": 3}]}
    bad = c.post(f"{API}/criteria", json={**body, "indicators": [{**body["indicators"][0], "source": "shared:rumours"}]},
                 headers=staff)
    assert bad.status_code == 422
    cid = c.post(f"{API}/criteria", json=body, headers=staff).json()["id"]
    c.post(f"{API}/criteria/{cid}/file", headers=staff)
    c.post(f"{API}/criteria/{cid}/acknowledge", headers=world.prefecture())
    assert c.post(f"{API}/criteria/{cid}/publish", headers=staff).status_code == 200
    u = world.business(region)
    facts = BusinessFacts(uscc=u, year=2025, social_insurance={"batch_id": "b7", "insured_employees": 4})
    world.apply_batch(handlers.business_facts, [make_event(facts, source="test", subject=u)])
    r = c.post(f"{API}/applications", json={"uscc": u, "category": "emerging",
                                            "indicator_values": {"years": 5, "insured": 9}}, headers=world.operator(u))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "indicator_values" and "insured" in r.json()["detail"]
    r = c.post(f"{API}/applications", json={"uscc": u, "category": "emerging", "indicator_values": {"years": 5}},
               headers=world.operator(u))
    assert r.status_code == 201, r.text
    detail = {d["code"]: d for d in r.json()["score_detail"]}
    assert detail["insured"] == {**detail["insured"], "value": "4", "met": True, "source": "shared:insured_employees"}
    assert float(r.json()["score"]) == 100
