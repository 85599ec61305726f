"""An objection through the whole platform, as the operator and the bureau use it (issue: appeal-svc).

A business is registered and typed; the run is published; its operator objects to the published
type; prefecture staff take it in review and uphold it with a corrected type. typing-svc turns the
decision into a corrected result in the national feed, and notify-svc puts the reply in the
appellant's inbox. Objections to a 名特优新 public notice are covered in appeal-svc's own tests
(against Kafka with events in cultivation-svc's schema), not through cultivation-svc here.
"""
from __future__ import annotations

import pytest

from getihu_kit import testing
from getihu_kit.domain import id_number, uscc
from harness import publish_typing_with

YEAR, REGION = 2025, "232764"


def typed_and_published(gateway, u: str, prefecture: dict) -> dict:
    result = publish_typing_with(gateway, u, year=YEAR, region=REGION, headers=prefecture)
    assert result["published"] is True, result
    return result


def feed_entry(gateway, headers: dict, u: str, appeal_id: str):
    cursor = None
    while True:
        page = gateway.get("/api/v1/typing/feed", params={"limit": 1000, **({"cursor": cursor} if cursor else {})},
                           headers=headers).json()
        for item in page["items"]:
            if item["uscc"] == u and (item.get("correction") or {}).get("appeal_id") == appeal_id:
                return item
        if not page["items"]:
            return None
        cursor = page["next_cursor"]


@pytest.mark.stack
def test_published_result_objection_upheld_corrected_in_feed_and_reply_in_inbox(gateway):
    u = uscc.make(REGION, serial=990_101)
    county = gateway.token("huzhong-clerk", ["county_staff"], region_code=REGION)
    prefecture = gateway.token("pref-appeals", ["prefecture_staff"])
    operator = gateway.token("op-huzhong-1", ["operator"], usccs=[u])
    r = gateway.post("/api/v1/businesses", headers=county, json={
        "uscc": u, "name": "呼中山货店", "operator": {"name": "赵六", "id_number": id_number.make(serial=9901)},
        "region_code": REGION, "established_on": "2018-03-01"})
    assert r.status_code == 201, r.text

    published = typed_and_published(gateway, u, prefecture)
    corrected = "development" if published["type"] != "development" else "growth"

    objection = {"uscc": u, "year": YEAR, "grounds": "本户2025年已吸纳8名员工参保，年营业额超500万元，分型偏低",
                 "requested_type": corrected}
    filed = testing.wait_until(
        lambda: (lambda r: r.json() if r.status_code == 201 else None)(
            gateway.post("/api/v1/appeals", json=objection, headers=operator)),
        timeout=60, message="the published result reached appeal-svc")
    assert filed["original_type"] == published["type"] and filed["ruleset"] == published["ruleset"]
    assert gateway.post("/api/v1/appeals", json=objection, headers=operator).status_code == 409

    aid = filed["id"]
    assert gateway.post(f"/api/v1/appeals/{aid}/review", headers=prefecture).status_code == 200
    r = gateway.post(f"/api/v1/appeals/{aid}/decision", headers=prefecture, json={
        "decision": "upheld", "reason": "经核实参保人数和营业额，符合更高类型标准", "corrected_type": corrected})
    assert r.status_code == 200, r.text
    assert [s["action"] for s in r.json()["trail"]] == ["filed", "take_in_review", "decide"]

    entry = testing.wait_until(lambda: feed_entry(gateway, prefecture, u, aid), timeout=60, interval=1,
                               message="the corrected result in the typing feed")
    assert entry["type"] == corrected and entry["version"] == published["version"] + 1
    assert entry["correction"]["reason"] == "经核实参保人数和营业额，符合更高类型标准"
    mine = gateway.get(f"/api/v1/typing/results/{u}", params={"year": YEAR}, headers=operator).json()
    assert mine["type"] == corrected and mine["correction"]["appeal_id"] == aid

    def reply():
        r = gateway.get("/api/v1/notifications/inbox", params={"recipient": "user:op-huzhong-1"}, headers=operator)
        assert r.status_code == 200, r.text
        return [n for n in r.json()["items"] if n["template"]["code"] == "appeal.decided.appellant"] or None
    [n] = testing.wait_until(reply, timeout=60, interval=1, message="the reply in the appellant's inbox")
    assert aid in n["title"] and "经核实参保人数和营业额" in n["body"]

    assert [a["status"] for a in gateway.get("/api/v1/appeals/mine", headers=operator).json()["items"]] == ["upheld"]
