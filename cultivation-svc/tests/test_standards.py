"""The public standards path: every dated parameter of the cycle with its clause, the refusal reasons, and a county's
own changes with their reasons (四(四) 公正公开; where the seed is silent, the choice is shown with why)."""
from __future__ import annotations

API = "/api/v1/cultivation/standards"


def test_standards_are_public_and_name_each_parameters_clause(world):
    body = world.client().get(API).json()
    by_name = {p["name"]: p for p in body["parameters"]}
    assert by_name["quota_ratio"]["value"] == "0.05" and "5%以内" in by_name["quota_ratio"]["clause"]
    assert by_name["recognitions_by"]["value"] == [11, 30] and "11月底前" in by_name["recognitions_by"]["clause"]
    assert by_name["public_notice_days"]["in_force_from"] == "2024-01-01"
    assert all(p["clause"] and p["series"] for p in body["parameters"])
    assert {"penalty_bar", "calendar", "not_registered"} <= {r["code"] for r in body["refusal_reasons"]}
    assert body["region"] is None


def test_a_countys_changes_are_shown_with_their_reasons(world):
    c = world.client()
    settings = {"window_opens": [1, 1], "window_closes": [12, 31], "recognitions_by": [12, 31],
                "calendar_reason": "地区局决定：补录延至年底（示例）",
                "relaxed_groups_added": [{"code": "forest_worker", "label": "林区转岗职工", "in_force_from": "2027-01-01",
                                          "reason": "县政府决定（示例）"}]}
    assert c.put(f"/api/v1/cultivation/region-settings/232764", json=settings,
                 headers=world.prefecture()).status_code == 200
    try:
        region = c.get(API, params={"region_code": "232764"}).json()["region"]
        assert region["calendar_reason"] == "地区局决定：补录延至年底（示例）" and region["ruleset"].endswith("+232764")
        assert region["relaxed_groups_added"] == [{"code": "forest_worker", "label": "林区转岗职工",
                                                   "in_force_from": "2027-01-01", "reason": "县政府决定（示例）",
                                                   "in_force": False}]
        assert "forest_worker" not in {g["code"] for g in region["relaxed_groups"]}
        assert c.get(API, params={"region_code": "999999"}).status_code == 422
    finally:
        c.put(f"/api/v1/cultivation/region-settings/232764", json={}, headers=world.prefecture())
