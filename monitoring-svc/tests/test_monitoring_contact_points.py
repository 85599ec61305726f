"""Contact points (联系点, 二(七)) against PostgreSQL: created by a county, filed with and acknowledged by the prefecture."""
from __future__ import annotations

from monitoring_fixtures import OTHER_REGION, REGION, new_uscc

CP = {"region_code": REGION, "name": "北极镇联系点", "contact_person": "王立新", "contact_phone": "0457-2881234"}


def create(api, usccs: list[str], region: str = REGION) -> dict:
    r = api.post("/api/v1/monitoring/contact-points", json={**CP, "region_code": region, "usccs": usccs},
                 headers=api.county(region))
    assert r.status_code == 201, r.text
    return r.json()


def test_county_files_prefecture_acknowledges_an_adjustment_is_filed_again(api):
    a, b = new_uscc(), new_uscc()
    api.register(a, b)
    cp = create(api, [a])
    assert cp["status"] == "filed" and cp["usccs"] == [a] and cp["version"] == 1
    path = f"/api/v1/monitoring/contact-points/{cp['id']}"
    ack = api.post(f"{path}/review", json={"decision": "acknowledged"}, headers=api.prefecture())
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged" and ack.json()["reviewed_by"]
    twice = api.post(f"{path}/review", json={"decision": "acknowledged"}, headers=api.prefecture())
    assert twice.status_code == 409 and twice.json()["code"] == "contact_point_not_filed"

    adjusted = api.patch(path, json={"usccs": [a, b]}, headers=api.county()).json()
    assert adjusted["status"] == "filed" and adjusted["version"] == 2 and adjusted["usccs"] == sorted([a, b])
    assert adjusted["reviewed_by"] is None
    returned = api.post(f"{path}/review", json={"decision": "returned", "note": "请补充联系人手机号"},
                        headers=api.prefecture()).json()
    assert returned["status"] == "returned" and returned["review_note"] == "请补充联系人手机号"

    listed = api.get("/api/v1/monitoring/contact-points", params={"status": "returned"}, headers=api.county()).json()
    assert {"id": cp["id"], "businesses": 2}.items() <= next(x for x in listed["items"] if x["id"] == cp["id"]).items()


def test_scope_roles_and_followed_businesses_of_the_county(api):
    mine, theirs = new_uscc(), new_uscc(OTHER_REGION)
    api.register(mine)
    api.register(theirs, region=OTHER_REGION)
    other_county = api.post("/api/v1/monitoring/contact-points", json={**CP, "usccs": []},
                            headers=api.county(OTHER_REGION))
    assert other_county.status_code == 403
    prefecture = api.post("/api/v1/monitoring/contact-points", json={**CP, "usccs": []}, headers=api.prefecture())
    assert prefecture.status_code == 403
    wrong = api.post("/api/v1/monitoring/contact-points", json={**CP, "usccs": [mine, theirs, new_uscc()]},
                     headers=api.county())
    assert wrong.status_code == 404 and wrong.json()["code"] == "business_not_found"
    assert [e["field"] for e in wrong.json()["errors"]] == ["usccs.2"]
    elsewhere = api.post("/api/v1/monitoring/contact-points", json={**CP, "usccs": [mine, theirs]}, headers=api.county())
    assert elsewhere.status_code == 403 and [e["field"] for e in elsewhere.json()["errors"]] == ["usccs.1"]
    blank = api.post("/api/v1/monitoring/contact-points", json={**CP, "name": "   ", "usccs": []}, headers=api.county())
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "name"
    cp = create(api, [mine])
    assert api.get(f"/api/v1/monitoring/contact-points/{cp['id']}", headers=api.county(OTHER_REGION)).status_code == 404
    assert api.get("/api/v1/monitoring/contact-points", params={"region_code": REGION},
                   headers=api.county(OTHER_REGION)).status_code == 403
    no_note = api.post(f"/api/v1/monitoring/contact-points/{cp['id']}/review", json={"decision": "returned"},
                       headers=api.prefecture())
    assert no_note.status_code == 422
    county_review = api.post(f"/api/v1/monitoring/contact-points/{cp['id']}/review",
                             json={"decision": "acknowledged"}, headers=api.county())
    assert county_review.status_code == 403
