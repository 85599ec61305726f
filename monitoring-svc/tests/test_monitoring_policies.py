"""Policies (惠企政策, 二(八)) against PostgreSQL: staff create, edit and publish; the public reads published ones."""
from __future__ import annotations

from monitoring_svc.examples import EXAMPLES

BODY = EXAMPLES["PolicyCreate"]


def create(api, **over) -> dict:
    r = api.post("/api/v1/monitoring/policies", json={**BODY, **over}, headers=api.prefecture())
    assert r.status_code == 201, r.text
    return r.json()


def test_a_draft_is_staff_only_until_published_and_publication_dates_are_kept(api):
    p = create(api, title="创业担保贷款贴息")
    assert p["status"] == "draft" and p["first_published_at"] is None and p["publications"] == []
    assert api.get(f"/api/v1/monitoring/policies/{p['id']}").status_code == 404
    assert p["id"] not in [x["id"] for x in api.get("/api/v1/monitoring/policies").json()["items"]]

    r = api.post(f"/api/v1/monitoring/policies/{p['id']}/publication", headers=api.prefecture())
    assert r.status_code == 200, r.text
    published = r.json()
    assert published["status"] == "published" and published["first_published_at"]
    public = api.get(f"/api/v1/monitoring/policies/{p['id']}").json()
    assert public["conditions"] == BODY["conditions"] and public["procedure"] == BODY["procedure"]
    assert public["channels"][0]["kind"] == "website" and public["measure_codes"] == ["growth.A"]

    r = api.patch(f"/api/v1/monitoring/policies/{p['id']}", json={"procedure": "线上申请，三个工作日内答复。"},
                  headers=api.prefecture())
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["revision"] == 2 and edited["first_published_at"] == published["first_published_at"]
    assert [(x["revision"], x["action"]) for x in edited["publications"]] == [(1, "published"), (2, "republished")]
    assert api.get(f"/api/v1/monitoring/policies/{p['id']}").json()["procedure"] == "线上申请，三个工作日内答复。"

    again = api.post(f"/api/v1/monitoring/policies/{p['id']}/publication", headers=api.prefecture())
    assert again.status_code == 409 and again.json()["code"] == "policy_already_published"

    w = api.post(f"/api/v1/monitoring/policies/{p['id']}/withdrawal", headers=api.prefecture()).json()
    assert w["status"] == "withdrawn" and w["publications"][-1]["action"] == "withdrawn"
    assert api.get(f"/api/v1/monitoring/policies/{p['id']}").status_code == 404


def test_public_list_filters_by_measure_and_day_in_force_and_pages(api):
    ids = []
    for i, (start, end, code) in enumerate([("2025-01-01", "2025-06-30", "survival.E"),
                                             ("2025-07-01", None, "survival.E"), ("2025-01-01", None, "quality.A")]):
        p = create(api, title=f"测试政策{i}", in_force_from=start, in_force_to=end, measure_codes=[code])
        api.post(f"/api/v1/monitoring/policies/{p['id']}/publication", headers=api.prefecture())
        ids.append(p["id"])
    found = api.get("/api/v1/monitoring/policies", params={"measure_code": "survival.E"}).json()["items"]
    assert {x["id"] for x in found} == set(ids[:2])
    in_force = api.get("/api/v1/monitoring/policies", params={"measure_code": "survival.E",
                                                               "in_force_on": "2025-06-30"}).json()["items"]
    assert [x["id"] for x in in_force] == [ids[0]]
    first = api.get("/api/v1/monitoring/policies", params={"limit": 1}).json()
    second = api.get("/api/v1/monitoring/policies", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert first["next_cursor"] and first["items"][0]["id"] != second["items"][0]["id"]


def test_who_may_write_and_what_is_refused(api):
    county = api.post("/api/v1/monitoring/policies", json=BODY, headers=api.county())
    assert county.status_code == 403
    assert api.post("/api/v1/monitoring/policies", json=BODY).status_code == 401
    backwards = api.post("/api/v1/monitoring/policies", json={**BODY, "in_force_to": "2024-12-31"},
                         headers=api.prefecture())
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "in_force_to"
    bad_code = api.post("/api/v1/monitoring/policies", json={**BODY, "measure_codes": ["growth.a"]},
                        headers=api.prefecture())
    assert bad_code.status_code == 422 and bad_code.json()["errors"][0]["field"] == "measure_codes.0"
    assert "growth.A" in bad_code.json()["errors"][0]["message"]
    assert api.get("/api/v1/monitoring/policies", params={"status": "draft"}).status_code == 403
    p = create(api)
    empty = api.patch(f"/api/v1/monitoring/policies/{p['id']}", json={}, headers=api.prefecture())
    assert empty.status_code == 422
    backwards_edit = api.patch(f"/api/v1/monitoring/policies/{p['id']}", json={"in_force_to": "2020-01-01"},
                               headers=api.prefecture())
    assert backwards_edit.status_code == 409 and backwards_edit.json()["errors"][0]["field"] == "in_force_to"
    nulled = api.patch(f"/api/v1/monitoring/policies/{p['id']}", json={"title": None}, headers=api.prefecture())
    assert nulled.status_code == 422 and nulled.json()["errors"][0]["field"] == "title"
    blank = api.post("/api/v1/monitoring/policies", json={**BODY, "content": " \n "}, headers=api.prefecture())
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "content"
    paragraphs = create(api, content="第一条……\n第二条……")
    assert paragraphs["content"] == "第一条……\n第二条……"
    assert api.get(f"/api/v1/monitoring/policies/{p['id']}", headers=api.prefecture()).json()["revision"] == 1
