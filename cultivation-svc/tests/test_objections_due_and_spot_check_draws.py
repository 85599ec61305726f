"""The county's worklist lists the objections due (四(四) 及时受理), from cultivation's projection of appeal-svc's
events — no call to appeal-svc; the prefecture's spot-check draws (二(五)2) are kept: who, when, seed, rate, the
sampled recognitions and each one's outcome, reproducible, listable, and a second draw never replaces the first."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from getihu_kit.labels import APPEAL_TARGET_LABELS, SPOT_CHECK_OUTCOME_LABELS

API = "/api/v1/cultivation"
ON = dt.date(2026, 10, 1)


def appeal() -> str:
    return f"apl-{uuid.uuid4().hex[:16]}"


def worklist(world, region: str, on: dt.date = ON) -> dict:
    r = world.client(on).get(f"{API}/worklist", params={"region_code": region}, headers=world.county(region))
    assert r.status_code == 200, r.text
    return r.json()


def due(world, region: str, on: dt.date = ON) -> dict[str, dict]:
    return {o["appeal_id"]: o for o in worklist(world, region, on)["objections_due"]}


@pytest.mark.parametrize("kind", ["cultivation_notice", "cultivation_refusal", "cultivation_cancellation",
                                  "cultivation_spot_check", "cultivation_revocation"])
def test_an_open_objection_is_on_its_countys_worklist_until_decided(world, kind):
    region = "232764"
    if kind in ("cultivation_notice", "cultivation_refusal"):
        u = world.business(region)
        target = world.apply(u, region)
        if kind == "cultivation_notice":
            world.to_notice(target, region)
    else:
        u, rec = world.recognised(region)
        target = rec["id"]
    a = appeal()
    world.objection(a, target, u, target_kind=kind, due_on=dt.date(2026, 10, 20))
    got = due(world, region)[a]
    assert (got["target_kind"], got["target_id"], got["uscc"], got["due_on"]) == (kind, target, u, "2026-10-20")
    assert got["name"] and got["overdue"] is False and got["target_label"] == APPEAL_TARGET_LABELS[kind]
    assert a not in due(world, "232763")  # another county's worklist does not show it
    world.objection(a, target, u, "rejected", target_kind=kind)
    assert a not in due(world, region)


@pytest.mark.parametrize("on, overdue", [(dt.date(2026, 10, 20), False), (dt.date(2026, 10, 21), True)])
def test_an_objection_is_overdue_the_day_after_its_reply_date(world, on, overdue):
    region = "232764"
    u, rec = world.recognised(region)
    a = appeal()
    world.objection(a, rec["id"], u, target_kind="cultivation_cancellation", due_on=dt.date(2026, 10, 20))
    assert due(world, region, on)[a]["overdue"] is overdue


def test_soonest_reply_first_and_a_replayed_filing_after_its_decision_keeps_it_off(world):
    region = "232764"
    (u1, r1), (u2, r2) = world.recognised(region), world.recognised(region)
    late, soon = appeal(), appeal()
    world.objection(late, r1["id"], u1, target_kind="cultivation_revocation", due_on=dt.date(2026, 11, 30))
    world.objection(soon, r2["id"], u2, target_kind="cultivation_revocation", due_on=dt.date(2026, 10, 2))
    order = [o["appeal_id"] for o in worklist(world, region)["objections_due"]]
    assert order.index(soon) < order.index(late)
    world.objection(soon, r2["id"], u2, "withdrawn", target_kind="cultivation_revocation")
    world.objection(soon, r2["id"], u2, target_kind="cultivation_revocation", due_on=dt.date(2026, 10, 2))  # replay
    assert soon not in due(world, region) and late in due(world, region)


def test_an_objection_to_something_else_is_not_cultivations(world):
    u, rec = world.recognised("232764")
    a = appeal()
    world.objection(a, rec["id"], u, target_kind="typing_result")
    assert a not in due(world, "232764")


# --- 二(五)2 spot-check draws -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def county_of_four(world_on):
    w = world_on("test_cultivation_spot_draws")
    w.publish_typing()
    recs = [w.recognised("232762")[1]["id"] for _ in range(4)]
    return w, recs


def draw(w, expect: int = 201, **body):
    r = w.client(ON).post(f"{API}/spot-check-draws", json={"region_code": "232762", "year": 2026, **body},
                          headers=w.prefecture())
    assert r.status_code == expect, r.text
    return r.json()


def test_a_draw_is_recorded_reproducible_and_a_second_needs_its_reason(county_of_four):
    from cultivation_svc.rules import spot_checks
    from fractions import Fraction
    w, recs = county_of_four
    first = draw(w, seed="地区局-2026-01")
    assert first["population"] == 4 and first["drawn_by"] and first["drawn_at"] and first["follows"] is None
    assert first["sample"] == spot_checks.draw(recs, Fraction(first["rate"]), "地区局-2026-01")  # anyone redraws it
    assert first["reproduced"] and [i["outcome"] for i in first["items"]] == ["pending"]
    again = draw(w, 409, seed="another")
    assert again["code"] == "spot_check_already_drawn" and first["id"] in again["detail"]
    assert draw(w, 422, reason="x" * 2001)["errors"][0]["field"].endswith("reason")
    second = draw(w, reason="首次样本户已注销，补抽")
    assert second["follows"] == first["id"] and second["seed"] != first["seed"]  # the platform picked one
    listed = w.client(ON).get(f"{API}/spot-check-draws", params={"region_code": "232762", "year": 2026},
                              headers=w.prefecture()).json()
    assert [d["id"] for d in listed["items"]] == [second["id"], first["id"]]  # both kept, newest first
    assert w.client(ON).get(f"{API}/spot-check-draws", params={"region_code": "232762"},
                            headers=w.county("232762")).status_code == 403
    assert w.client(ON).get(f"{API}/spot-check-draws/scd_nope", headers=w.prefecture()).status_code == 404


@pytest.mark.parametrize("action, body, outcome", [
    ("accept", {"note": "材料属实"}, "passed"),
    ("refuse", {"note": "特色不明显"}, "refused"),
    ("request_material", {"due_on": "2026-10-20", "note": "补充近两年纳税证明"}, "material_requested"),
])
def test_each_sampled_recognitions_outcome_is_recorded_on_the_draw(world_on, action, body, outcome):
    w = world_on(f"test_cultivation_spot_outcome_{action}")
    w.publish_typing()
    w.recognised("232762")
    d = draw(w, seed="s")
    target = d["sample"][0]
    r = w.client(ON).post(f"{API}/recognitions/{target}/spot-check", json={"action": action, **body},
                          headers=w.prefecture())
    assert r.status_code == 200, r.text
    item = w.client(ON).get(f"{API}/spot-check-draws/{d['id']}", headers=w.prefecture()).json()["items"][0]
    assert (item["outcome"], item["note"], item["decided_by"]) == (outcome, body["note"], "pref-1[prefecture_staff]")
    assert item["due_on"] == body.get("due_on") and item["outcome_label"] == SPOT_CHECK_OUTCOME_LABELS[outcome]
