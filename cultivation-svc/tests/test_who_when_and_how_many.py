"""附件1 二(四)1、二(四)3、二(五)1、二(六) against PostgreSQL, through HTTP: who may be recognised at all, the penalty
window counted from the application date, the 5 % serialised per county and year, the calendar of a cycle, and the
fraud revocation's bar. Each table states the legal point and both sides of its edge."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text

from getihu_kit.auth import Principal
from getihu_kit.db import unit_of_work
from getihu_kit.errors import RuleViolation
from cultivation_svc.recognitions import service as recognitions
from cultivation_svc.recognitions.schemas import Recognise

TODAY, AFTER_NOTICE = dt.date(2026, 9, 15), dt.date(2026, 9, 25)  # as the fixtures set them

API = "/api/v1/cultivation"
BASIS = "退役军人优待证 第100001号"


def refused_rules(body: dict) -> list[str]:
    return [r["rule"] for r in body.get("refusals", [])]


# --- 二(四)1 登记在册、符合分型条件：申报时和认定时 ----------------------------------------------------------------------
@pytest.mark.parametrize("name, status, type_, source, allowed", [
    ("登记在册的成长型：可以申报", "registered", "growth", "self", True),
    ("已注销：不得申报", "cancelled", "growth", "self", False),
    ("已吊销：不得推荐", "revoked", "survival", "recommendation", False),
    ("已撤销：不得申报", "withdrawn", "development", "self", False),
    ("不符合分型条件：不得推荐", "registered", "excluded", "recommendation", False),
    ("生存型经部门推荐：可以", "registered", "survival", "recommendation", True),
])
def test_who_may_apply_or_be_recommended(world, name, status, type_, source, allowed):
    u = world.business("232761", type_=type_)
    if status != "registered":
        world.business("232761", uscc=u, version=2, type_=None, status=status)
    world.criteria("232761")
    body = {"uscc": u, "category": "distinctive", "indicator_values": {"years": 5}}
    if source == "self":
        r = world.client().post(f"{API}/applications", json=body, headers=world.operator(u))
    else:
        r = world.client().post(f"{API}/recommendations", json={**body, "reason": "行业代表"},
                                headers=world.department("地区商务局"))
    assert (r.status_code == 201) == allowed, (name, r.text)
    if not allowed:
        assert r.status_code == 409 and r.json()["code"] == "not_eligible", name
        assert refused_rules(r.json())[0] == ("not_registered" if status != "registered" else "typing_base_conditions")
        assert r.json()["refusals"][0]["message"].startswith("该户已") or "不符合分型条件" in r.json()["detail"]


def test_deregistered_between_application_and_recognition_is_not_recognised(world):
    u = world.business("232761")
    app_id = world.apply(u, "232761")
    world.to_notice(app_id, "232761")
    world.business("232761", uscc=u, version=2, type_=None, status="cancelled")  # 注销 during the notice
    body = world.recognise(app_id, "232761", expect=409)
    assert body["code"] == "not_recognisable" and refused_rules(body) == ["not_registered"]
    assert "注销" in body["detail"]


def test_typed_excluded_after_application_is_not_recognised(world):
    u = world.business("232761")
    app_id = world.apply(u, "232761")
    world.to_notice(app_id, "232761")
    world.typed(u, "excluded", version=2, region="232761")  # a correction: 不符合分型条件
    assert refused_rules(world.recognise(app_id, "232761", expect=409)) == ["typing_base_conditions"]


# --- 二(四)1 放宽分类来源：写明依据，审核确认 -------------------------------------------------------------------------
@pytest.mark.parametrize("name, extra, field", [
    ("所称群体未写依据", {"relaxed_group": "veteran"}, "relaxed_basis"),
    ("依据为空白", {"relaxed_group": "graduate", "relaxed_basis": "  "}, "relaxed_basis"),
    ("未列入的群体", {"relaxed_group": "poverty_relieved", "relaxed_basis": "脱贫户证明"}, "relaxed_group"),
    ("只写依据不选群体", {"relaxed_basis": "退役证"}, "relaxed_basis"),
])
def test_relaxed_claim_names_its_basis(world, name, extra, field):
    u = world.business("232761", type_="survival")
    body = world.apply(u, "232761", expect=422, **extra)
    assert body["errors"][0]["field"] == field if body.get("errors") else body["field"] == field, (name, body)


def test_relaxed_claim_is_confirmed_at_review(world):
    c, staff = world.client(), world.county("232761")
    confirmed = world.business("232761", type_="survival")
    rejected = world.business("232761", type_="survival")
    a_ok = world.apply(confirmed, "232761", relaxed_group="veteran", relaxed_basis=BASIS)
    a_no = world.apply(rejected, "232761", relaxed_group="disabled", relaxed_basis="残疾人证 第2号")
    got = c.get(f"{API}/applications/{a_ok}", headers=staff).json()
    assert (got["relaxed_group_label"], got["relaxed_basis"], got["relaxed_confirmed"]) == ("退役军人", BASIS, None)
    r = c.post(f"{API}/applications/{a_ok}/review", json={"approve": True}, headers=staff)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "relaxed_group_confirmed"
    r = c.post(f"{API}/applications/{a_no}/review", json={"approve": True, "relaxed_group_confirmed": False},
               headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "refused" and "未予确认" in r.json()["reason"]
    rec = world.recognise(world.to_notice(a_ok, "232761", relaxed_group_confirmed=True)["id"], "232761")
    assert rec["relaxed_group"] == "veteran"
    # An application without a claim has nothing to confirm.
    plain = world.apply(world.business("232761"), "232761")
    r = c.post(f"{API}/applications/{plain}/review", json={"approve": True, "relaxed_group_confirmed": True},
               headers=staff)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "relaxed_group_confirmed"


def test_county_added_relaxed_group_from_its_date(world):
    c = world.client()
    group = {"code": "forest_worker", "label": "林区转岗职工", "in_force_from": "2026-09-16", "reason": "县政府决定（示例）"}
    r = c.put(f"{API}/region-settings/232762", json={"relaxed_groups_added": [group]}, headers=world.prefecture())
    assert r.status_code == 200 and r.json()["overrides"]["relaxed_groups_added"][0]["code"] == "forest_worker"
    assert "forest_worker" not in r.json()["effective"]["relaxed_groups"]  # 15 September: in force from the 16th
    shown = world.client(dt.date(2026, 9, 16)).get(f"{API}/region-settings/232762", headers=world.prefecture()).json()
    assert shown["effective"]["relaxed_groups"]["forest_worker"] == "林区转岗职工"
    try:
        u = world.business("232762", type_="survival")
        world.criteria("232762")
        body = {"uscc": u, "category": "distinctive", "indicator_values": {"years": 5},
                "relaxed_group": "forest_worker", "relaxed_basis": "转岗证明"}
        r = world.client(TODAY).post(f"{API}/applications", json=body, headers=world.operator(u))  # 15 Sept: not yet
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "relaxed_group"
        r = world.client(dt.date(2026, 9, 16)).post(f"{API}/applications", json=body, headers=world.operator(u))
        assert r.status_code == 201 and r.json()["relaxed_group_label"] == "林区转岗职工"
    finally:
        c.put(f"{API}/region-settings/232762", json={}, headers=world.prefecture())


# --- 二(四)1 A 申报或推荐之日前2年内 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, publicized, recognised", [
    ("申报次日公示的罚款：不阻止这次申报的认定", TODAY + dt.timedelta(days=1), True),
    ("公示期内公示的罚款：不阻止", AFTER_NOTICE - dt.timedelta(days=1), True),
    ("申报当日公示的罚款：不得认定", TODAY, False),
])
def test_penalty_window_at_recognition_counts_from_the_application(world, name, publicized, recognised):
    u = world.business("232763")
    app_id = world.apply(u, "232763")
    world.to_notice(app_id, "232763")
    fine = [{"id": "p", "kind": "penalty", "penalty_kind": "罚款", "start_on": publicized.isoformat(),
             "publicized_on": publicized.isoformat()}]
    world.business("232763", uscc=u, version=2, type_=None, marks=fine)
    out = world.recognise(app_id, "232763", expect=201 if recognised else 409)
    if not recognised:
        assert refused_rules(out) == ["penalty_bar"], name


# --- 二(四)3 5%：同一县同一年度串行认定 --------------------------------------------------------------------------------
def test_two_clerks_recognising_at_once_never_exceed_the_quota(world_on):
    """呼玛县 has a quota of one: while the first clerk's recognition is uncommitted, the second waits on the county's
    lock, then sees the first and is refused — never two in force."""
    w = world_on("test_cultivation_quota_race")
    w.publish_typing()
    apps = []
    for _ in range(2):
        u = w.business("232721")
        apps.append(w.apply(u, "232721"))
        w.to_notice(apps[-1], "232721")
    clerk = Principal(sub="clerk-232721", roles=frozenset({"county_staff"}), region_code="232721", issuer="test")
    first_inside, first_may_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def recognise(app_id: str, hold: bool) -> None:
        try:
            with unit_of_work(w.sessions) as s:
                rec = recognitions.recognise(s, app_id=app_id, data=Recognise(), principal=clerk, today=AFTER_NOTICE,
                                             base_ready=lambda: None)  # the projections are fed directly here
                if hold:
                    first_inside.set()
                    assert first_may_commit.wait(60)
                results[app_id] = rec.status
        except RuleViolation as exc:
            results[app_id] = exc
        finally:
            first_inside.set()

    first = threading.Thread(target=recognise, args=(apps[0], True))
    first.start()
    assert first_inside.wait(60)
    second = threading.Thread(target=recognise, args=(apps[1], False))
    second.start()
    waiting = 0
    with w.engine.connect() as conn:  # the second is blocked on the advisory lock, not racing past it
        for _ in range(600):
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory'")).scalar()
            if waiting or not second.is_alive():
                break
            threading.Event().wait(0.05)
    first_may_commit.set()
    first.join(60)
    second.join(60)
    assert waiting == 1
    assert results[apps[0]] == "granted"
    refused = results[apps[1]]
    assert isinstance(refused, RuleViolation) and [r["rule"] for r in refused.extra["refusals"]] == ["quota"]
    q = w.client(AFTER_NOTICE).get(f"{API}/quota", params={"region_code": "232721", "year": 2026},
                                   headers=w.county("232721")).json()
    assert (q["limit"], q["in_force"]) == (1, 1)


# --- 二(五)1 11月底前完成分类；次年1月1日起享受 ----------------------------------------------------------------------------
@pytest.mark.parametrize("name, on, allowed", [
    ("11月30日认定：可以", dt.date(2026, 11, 30), True),
    ("12月1日认定：已过11月底", dt.date(2026, 12, 1), False),
])
def test_recognitions_of_a_cycle_fall_on_or_before_30_november(world, name, on, allowed):
    u = world.business("232764")
    app_id = world.apply(u, "232764")
    world.to_notice(app_id, "232764")
    out = world.recognise(app_id, "232764", on=on, expect=201 if allowed else 409)
    if allowed:
        assert out["benefits_from"] == "2027-01-01", name
    else:
        assert refused_rules(out) == ["calendar"] and out["refusals"][0]["fact"]["last_day"] == "2026-11-30", name


# --- 二(六) 撤销认定：自主申报取得的，结束后也可撤销；5年内不得再次申报，推荐不受限 --------------------------------------------
def test_fraud_revocation_after_the_recognition_ended(world):
    u, rec = world.recognised("232764")
    c = world.client(dt.date(2026, 10, 1))
    staff = world.county("232764")
    r = c.post(f"{API}/recognitions/{rec['id']}/spot-check", json={"action": "refuse", "note": "材料不实"},
               headers=world.prefecture())
    assert r.json()["status"] == "cancelled" and r.json()["ended_on"] == "2026-10-01"
    later = world.client(dt.date(2026, 10, 20))
    r = later.post(f"{API}/recognitions/{rec['id']}/revoke", json={"reason": "伪造销售台账"}, headers=staff)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["ended_on"], r.json()["revoked_on"]) == ("revoked", "2026-10-01", "2026-10-20")
    again = later.post(f"{API}/recognitions/{rec['id']}/revoke", json={"reason": "重复"}, headers=staff)
    assert again.status_code == 409


def test_fraud_bar_bars_applications_and_the_recommender_sees_it(world):
    u, rec = world.recognised("232764")
    c = world.client(dt.date(2026, 10, 2))
    assert c.post(f"{API}/recognitions/{rec['id']}/revoke", json={"reason": "虚报雇工人数"},
                  headers=world.county("232764")).status_code == 200
    body = {"uscc": u, "category": "distinctive", "indicator_values": {"years": 5}}
    r = c.post(f"{API}/applications", json=body, headers=world.operator(u))
    assert r.status_code == 409 and refused_rules(r.json()) == ["fraud_bar"]
    dept = world.department("地区文化和旅游局")
    r = c.post(f"{API}/recommendations", json={**body, "reason": "非遗传承"}, headers=dept)
    assert r.status_code == 201, r.text
    seen = c.get(f"{API}/applications/{r.json()['id']}", headers=dept).json()["fraud_revocations"]
    assert seen == [{"recognition_id": rec["id"], "revoked_on": "2026-10-02", "applications_barred_until": "2031-10-02",
                     "reason": "fraud: 虚报雇工人数"}]


def test_revocation_is_for_self_applied_recognitions(world):
    v = world.business("232764")
    world.criteria("232764")
    c = world.client()
    app = c.post(f"{API}/recommendations", json={"uscc": v, "category": "distinctive", "reason": "行业代表",
                                                 "indicator_values": {"years": 9}}, headers=world.department()).json()
    c.post(f"{API}/applications/{app['id']}/consent", json={"agree": True}, headers=world.operator(v))
    world.to_notice(app["id"], "232764")
    rec = world.recognise(app["id"], "232764")
    r = world.client(dt.date(2026, 10, 1)).post(f"{API}/recognitions/{rec['id']}/revoke", json={"reason": "x"},
                                                headers=world.county("232764"))
    assert r.status_code == 409 and r.json()["code"] == "revocation_self_only"
