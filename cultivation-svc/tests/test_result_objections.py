"""附件1 四(四) 异议 to cultivation results, as appeal-svc's events reach cultivation-svc (the real handlers, PostgreSQL):
an upheld objection reopens a refused case where it was refused, or restores a cancelled, spot-check refused or
revoked recognition — within its term and the county's 5 %; a rejected one changes nothing but the trail. A reopened
case may be recognised in December of its cycle (三(四)) and counts against that cycle."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from getihu_kit.schemas.cultivation import RecognitionChanged

API = "/api/v1/cultivation"
TODAY = dt.date(2026, 9, 15)


def appeal() -> str:
    return f"apl-{uuid.uuid4().hex[:16]}"


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.timezone.utc)


def refused_at_review(world, region: str) -> tuple[str, str]:
    u = world.business(region)
    app_id = world.apply(u, region)
    r = world.client().post(f"{API}/applications/{app_id}/review", json={"approve": False, "note": "材料不全"},
                            headers=world.county(region))
    assert r.json()["status"] == "refused"
    return u, app_id


@pytest.mark.parametrize("decision, status_after", [("upheld", "submitted"), ("rejected", "refused")])
def test_objection_to_a_refusal_at_review(world, decision, status_after):
    u, app_id = refused_at_review(world, "232761")
    a = appeal()
    world.objection(a, app_id, u, target_kind="cultivation_refusal")
    got = world.client().get(f"{API}/applications/{app_id}", headers=world.operator(u)).json()
    assert got["status"] == "refused" and got["open_objections"] == [a]  # filed: the result stands meanwhile
    world.objection(a, app_id, u, decision, target_kind="cultivation_refusal")
    got = world.client().get(f"{API}/applications/{app_id}", headers=world.operator(u)).json()
    assert got["status"] == status_after and got["open_objections"] == []
    assert got["reopened_by"] == (a if decision == "upheld" else None)
    assert got["steps"][-1]["step"] == ("objection_upheld" if decision == "upheld" else "result_objection_decided")


def test_reopened_after_the_notice_is_recognised_in_december_and_counts(world_on):
    """A case refused on an upheld notice objection, reopened by an upheld objection to that refusal: back at its
    (served) notice, it may be recognised in December; a case never refused may not."""
    w = world_on("test_cultivation_reopened")
    w.publish_typing()
    u = w.business("232721")
    app_id = w.apply(u, "232721")
    w.to_notice(app_id, "232721")
    w.objection("apl-n1", app_id, u)
    w.objection("apl-n1", app_id, u, "upheld")
    assert w.client().get(f"{API}/applications/{app_id}", headers=w.operator(u)).json()["status"] == "refused"
    w.objection("apl-r1", app_id, u, "upheld", target_kind="cultivation_refusal", decided_at=at(dt.date(2026, 12, 2)))
    got = w.client().get(f"{API}/applications/{app_id}", headers=w.operator(u)).json()
    assert got["status"] == "public_notice" and got["reopened_by"] == "apl-r1"
    other = w.business("232721")
    other_app = w.apply(other, "232721")
    w.to_notice(other_app, "232721")
    december = dt.date(2026, 12, 10)
    assert [r["rule"] for r in w.recognise(other_app, "232721", on=december, expect=409)["refusals"]] == ["calendar"]
    rec = w.recognise(app_id, "232721", on=december)
    assert rec["year"] == 2026 and rec["benefits_from"] == "2027-01-01"
    q = w.client(december).get(f"{API}/quota", params={"region_code": "232721", "year": 2026},
                               headers=w.county("232721")).json()
    assert (q["limit"], q["in_force"]) == (1, 1)  # 呼玛县's one place of 2026 is taken by the restored case
    assert w.recognise(app_id, "232721", on=dt.date(2027, 1, 2), expect=409)["code"] == "invalid_state"


@pytest.mark.parametrize("kind", ["cultivation_spot_check", "cultivation_refusal"])
def test_upheld_objection_to_a_spot_check_refusal_restores_the_recognition(world, kind):
    u, rec = world.recognised("232762")
    c = world.client(dt.date(2026, 10, 1))
    c.post(f"{API}/recognitions/{rec['id']}/spot-check", json={"action": "refuse", "note": "特色不明显"},
           headers=world.prefecture())
    target = rec["id"] if kind == "cultivation_spot_check" else rec["application_id"]
    world.objection("apl-" + kind[-6:] + rec["id"][-6:], target, u, "upheld", target_kind=kind,
                    decided_at=at(dt.date(2026, 10, 20)))
    got = c.get(f"{API}/recognitions/{rec['id']}", headers=world.operator(u)).json()
    assert (got["status"], got["ended_on"], got["spot_check"]) == ("granted", None, "passed")
    assert got["valid_until"] == rec["valid_until"] and got["restored_from"]
    app = c.get(f"{API}/applications/{rec['application_id']}", headers=world.operator(u)).json()
    assert app["status"] == "recognised"
    assert world.outbox(RecognitionChanged.event_type, u)[-1]["status"] == "granted"


def test_upheld_objection_to_a_revocation_lifts_the_bar(world):
    u, rec = world.recognised("232762")
    c = world.client(dt.date(2026, 10, 1))
    c.post(f"{API}/recognitions/{rec['id']}/revoke", json={"reason": "伪造台账"}, headers=world.county("232762"))
    world.objection("apl-rv" + rec["id"][-8:], rec["id"], u, "upheld", target_kind="cultivation_revocation",
                    decided_at=at(dt.date(2026, 10, 10)))
    got = c.get(f"{API}/recognitions/{rec['id']}", headers=world.operator(u)).json()
    assert (got["status"], got["revoked_on"], got["ended_on"]) == ("granted", None, None)
    app = c.get(f"{API}/applications/{rec['application_id']}", headers=world.operator(u)).json()
    assert app["fraud_revocations"] == []


def test_restoration_never_exceeds_the_quota(world_on):
    """呼玛县 (quota 1): a cancelled recognition whose place was taken meanwhile is not restored over the 5 %; the case
    says why and waits for the county."""
    w = world_on("test_cultivation_restore_quota")
    w.publish_typing()
    first, rec = w.recognised("232721")
    w.typed(first, "survival", year=2027, region="232721", published_at=dt.datetime(2027, 8, 10, tzinfo=dt.timezone.utc))
    out = w.client(dt.date(2027, 9, 1)).post(f"{API}/confirmations", json={"region_code": "232721", "year": 2027},
                                             headers=w.county("232721")).json()
    assert [x["recognition_id"] for x in out["cancelled"]] == [rec["id"]]
    w.publish_typing(year=2027, published_at=dt.datetime(2027, 8, 10, tzinfo=dt.timezone.utc))
    w.criteria_for_year("232721", 2027)
    second = w.business("232721")
    w.typed(second, "growth", year=2027, region="232721", published_at=dt.datetime(2027, 8, 10, tzinfo=dt.timezone.utc))
    r = w.client(dt.date(2027, 9, 2)).post(f"{API}/applications", json={
        "uscc": second, "category": "distinctive", "indicator_values": {"years": 5}}, headers=w.operator(second))
    assert r.status_code == 201, r.text
    staff, c = w.county("232721"), w.client(dt.date(2027, 9, 2))
    for path, body in (("review", {"approve": True}),
                       ("site-visit", {"verified": True, "visited_on": "2027-09-02"}),
                       ("opinions", {"proceed": True, "opinions": [{"department": "地区商务局", "opinion": "同意"}]})):
        assert c.post(f"{API}/applications/{r.json()['id']}/{path}", json=body, headers=staff).status_code == 200
    w.recognise(r.json()["id"], "232721", on=dt.date(2027, 9, 20))
    w.objection("apl-q1", rec["id"], first, "upheld", target_kind="cultivation_cancellation",
                decided_at=at(dt.date(2027, 9, 25)))
    got = w.client(dt.date(2027, 9, 25)).get(f"{API}/recognitions/{rec['id']}", headers=w.operator(first)).json()
    assert got["status"] == "cancelled"
    app = w.client().get(f"{API}/applications/{rec['application_id']}", headers=w.operator(first)).json()
    assert app["steps"][-1]["step"] == "restore_blocked" and "上限" in app["reason"]
