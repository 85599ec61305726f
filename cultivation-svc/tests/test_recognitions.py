"""The life of a recognition through HTTP: spot-checks, reports, confirmation, extension A–D, revocation and its bar."""
from __future__ import annotations

import datetime as dt

from getihu_kit.domain import id_number
from getihu_kit.schemas.cultivation import ApplicationChanged, RecognitionChanged

API = "/api/v1/cultivation"


def test_spot_check_material_then_accept(world):
    u, rec = world.recognised("232762")
    c = world.client(dt.date(2026, 10, 1))
    r = c.post(f"{API}/recognitions/{rec['id']}/spot-check", json={"action": "request_material"},
               headers=world.prefecture())
    assert r.status_code == 422 and "due_on" in r.json()["detail"]
    r = c.post(f"{API}/recognitions/{rec['id']}/spot-check",
               json={"action": "request_material", "due_on": "2026-10-15", "note": "补充走访照片"}, headers=world.prefecture())
    assert r.status_code == 200 and r.json()["spot_check"] == "material_requested"
    assert c.post(f"{API}/recognitions/{rec['id']}/spot-check", json={"action": "accept"},
                  headers=world.county("232762")).status_code == 403  # the prefecture spot-checks, not the county
    late = world.client(dt.date(2026, 10, 16))
    r = late.post(f"{API}/recognitions/{rec['id']}/materials", json={"materials": [{"name": "照片"}]},
                  headers=world.operator(u))
    assert r.status_code == 409 and r.json()["code"] == "deadline_passed"
    r = c.post(f"{API}/recognitions/{rec['id']}/materials", json={"materials": [{"name": "照片"}]},
               headers=world.operator(u))
    assert r.json()["spot_check"] == "material_submitted"
    r = c.post(f"{API}/recognitions/{rec['id']}/spot-check", json={"action": "accept"}, headers=world.prefecture())
    assert r.json()["spot_check"] == "passed" and r.json()["status"] == "granted"
    changed = world.outbox(ApplicationChanged.event_type, u)
    assert [e["status"] for e in changed][-3:] == ["material_requested", "material_requested", "recognised"]
    assert changed[-3]["due_on"] == "2026-10-15"


def test_spot_check_refusal_ends_recognition(world):
    u, rec = world.recognised("232762")
    c = world.client(dt.date(2026, 10, 1))
    r = c.post(f"{API}/recognitions/{rec['id']}/spot-check", json={"action": "refuse", "note": "特色不明显"},
               headers=world.prefecture())
    assert r.json()["status"] == "cancelled"
    assert world.outbox(RecognitionChanged.event_type, u)[-1]["status"] == "cancelled"
    app = c.get(f"{API}/applications/{rec['application_id']}", headers=world.operator(u)).json()
    assert app["status"] == "refused"


def test_info_report_by_31_july_and_on_operator_change(world):
    u, rec = world.recognised("232762")
    on_time, late = world.client(dt.date(2027, 7, 31)), world.client(dt.date(2027, 8, 1))
    body = {"year": 2027, "revenue": "500000", "employees": 3}
    r = on_time.post(f"{API}/recognitions/{rec['id']}/info-reports", json=body, headers=world.operator(u))
    assert r.status_code == 201 and r.json()["late"] is False
    r = late.post(f"{API}/recognitions/{rec['id']}/info-reports", json=body, headers=world.operator(u))
    assert r.status_code == 409 and r.json()["code"] == "duplicate_report"
    r = late.post(f"{API}/recognitions/{rec['id']}/info-reports", json={**body, "year": 2026}, headers=world.operator(u))
    assert r.json()["late"] is True
    # The registry reports a new operator: the recognition waits for the operator-change report.
    world.business("232762", uscc=u, operator_id=id_number.make(serial=8888), operator_name="王五", version=2, type_=None)
    assert on_time.get(f"{API}/recognitions/{rec['id']}", headers=world.operator(u)).json()["operator_change_pending"]
    on_time.post(f"{API}/recognitions/{rec['id']}/info-reports", json={"year": 2027, "kind": "operator_change",
                                                                       "operator_name": "王五"}, headers=world.operator(u))
    assert not on_time.get(f"{API}/recognitions/{rec['id']}", headers=world.operator(u)).json()["operator_change_pending"]


def test_yearly_confirmation_cancels_who_no_longer_qualifies(world):
    keep, keep_rec = world.recognised("232764")
    fallen, fallen_rec = world.recognised("232764")
    veteran = world.business("232764", type_="survival")  # 退役军人: the relaxed source holds at confirmation too
    vet_app = world.apply(veteran, "232764", relaxed_group="veteran", relaxed_basis="退役军人优待证 第654321号")
    world.to_notice(vet_app, "232764", relaxed_group_confirmed=True)
    vet_rec = world.recognise(vet_app, "232764")
    world.typed(fallen, "survival", year=2027, region="232764",
                published_at=dt.datetime(2027, 8, 10, tzinfo=dt.timezone.utc))
    world.typed(keep, "development", year=2027, region="232764",
                published_at=dt.datetime(2027, 8, 10, tzinfo=dt.timezone.utc))
    c = world.client(dt.date(2027, 9, 1))
    r = c.post(f"{API}/confirmations", json={"region_code": "232764", "year": 2027}, headers=world.county("232764"))
    assert r.status_code == 200, r.text
    out = r.json()
    assert keep_rec["id"] in out["confirmed"] and keep_rec["id"] in out["missing_reports"]
    assert vet_rec["id"] in out["confirmed"] and vet_rec["relaxed_group"] == "veteran"
    cancelled = {x["recognition_id"]: x for x in out["cancelled"]}
    assert [f["rule"] for f in cancelled[fallen_rec["id"]]["refusals"]] == ["type_requirement"]
    assert c.get(f"{API}/recognitions/{fallen_rec['id']}", headers=world.operator(fallen)).json()["status"] == "cancelled"
    assert world.outbox(RecognitionChanged.event_type, fallen)[-1]["status"] == "cancelled"


def test_evaluation_extends_three_years_on_a_raised_type(world):
    u, rec = world.recognised("232762")
    assert rec["valid_until"] == "2029-09-24"
    early = world.client(dt.date(2028, 9, 1))
    r = early.post(f"{API}/recognitions/{rec['id']}/evaluation", headers=world.county("232762"))
    assert r.status_code == 409 and r.json()["code"] == "not_last_year"
    world.typed(u, "development", year=2029, region="232762",
                published_at=dt.datetime(2029, 8, 10, tzinfo=dt.timezone.utc))
    r = world.client(dt.date(2029, 9, 1)).post(f"{API}/recognitions/{rec['id']}/evaluation",
                                                 headers=world.county("232762"))
    out = r.json()
    assert out["extended"] and [g["condition"] for g in out["grounds"]] == ["C"] and out["valid_until"] == "2032-09-24"
    assert world.outbox(RecognitionChanged.event_type, u)[-1]["status"] == "extended"


def test_evaluation_without_grounds_keeps_the_term(world):
    u, rec = world.recognised("232762")
    out = world.client(dt.date(2029, 9, 1)).post(f"{API}/recognitions/{rec['id']}/evaluation",
                                                   headers=world.county("232762")).json()
    assert out == {**out, "extended": False, "grounds": [], "valid_until": "2029-09-24"}


def test_evaluation_extends_on_growth_award_or_department_consent(world):
    reports = [{"year": 2025, "submitted_on": "2026-04-01", "employees": 2, "revenue": "100000"},
               {"year": 2028, "submitted_on": "2029-04-01", "employees": 2, "revenue": "150000"}]
    award = [{"id": "aw", "kind": "award", "level": "city", "start_on": "2028-01-10"}]
    u, rec = world.recognised("232762", reports=reports, marks=award)
    out = world.client(dt.date(2029, 9, 1)).post(f"{API}/recognitions/{rec['id']}/evaluation",
                                                   headers=world.county("232762")).json()
    assert [g["condition"] for g in out["grounds"]] == ["A", "B"]
    # D: a recommended business whose recommending department agrees.
    v = world.business("232762")
    world.criteria("232762")
    c = world.client()
    app = c.post(f"{API}/recommendations", json={"uscc": v, "category": "distinctive", "reason": "非遗传承",
                                                 "indicator_values": {"years": 9}},
                 headers=world.department("地区文化和旅游局")).json()
    c.post(f"{API}/applications/{app['id']}/consent", json={"agree": True}, headers=world.operator(v))
    world.to_notice(app["id"], "232762")
    rec = world.recognise(app["id"], "232762")
    # the department finds the recognitions it recommended, the operator its own; nobody else's
    mine = c.get(f"{API}/recognitions/mine", headers=world.department("地区文化和旅游局")).json()["items"]
    assert [r["id"] for r in mine] == [rec["id"]] and mine[0]["name"] and mine[0]["source"] == "recommendation"
    assert c.get(f"{API}/recognitions/mine", headers=world.department("地区商务局")).json()["items"] == []
    assert [r["id"] for r in c.get(f"{API}/recognitions/mine", headers=world.operator(v)).json()["items"]] == [rec["id"]]
    assert c.get(f"{API}/recognitions/mine", headers=world.county("232762")).status_code == 403
    later = world.client(dt.date(2029, 9, 1))
    assert later.post(f"{API}/recognitions/{rec['id']}/department-consent", json={"agree": True},
                      headers=world.department("地区商务局")).status_code == 403
    assert later.post(f"{API}/recognitions/{rec['id']}/department-consent", json={"agree": True},
                      headers=world.department("地区文化和旅游局")).json()["department_consented"]
    out = later.post(f"{API}/recognitions/{rec['id']}/evaluation", headers=world.county("232762")).json()
    assert [g["condition"] for g in out["grounds"]] == ["D"]


def test_fraud_revocation_bars_five_years(world):
    u, rec = world.recognised("232762")
    c = world.client(dt.date(2026, 10, 1))
    r = c.post(f"{API}/recognitions/{rec['id']}/revoke", json={"reason": "伪造经营数据"}, headers=world.county("232762"))
    assert r.json()["status"] == "revoked" and r.json()["ended_on"] == "2026-10-01"
    assert world.outbox(RecognitionChanged.event_type, u)[-1]["status"] == "revoked"
    for year, on, barred in ((2031, dt.date(2031, 9, 30), True), (2031, dt.date(2031, 10, 1), False)):
        world.publish_typing(year=year, published_at=dt.datetime(year, 8, 10, tzinfo=dt.timezone.utc))
        world.typed(u, "growth", year=year, region="232762",
                    published_at=dt.datetime(year, 8, 10, tzinfo=dt.timezone.utc))
        world.criteria_for_year("232762", year)
        r = world.client(on).post(f"{API}/applications", json={"uscc": u, "category": "distinctive",
                                                               "indicator_values": {"years": 9}},
                                  headers=world.operator(u))
        if barred:
            assert r.status_code == 409 and [x["rule"] for x in r.json()["refusals"]] == ["fraud_bar"]
        else:
            assert r.status_code == 201, r.text


def test_region_settings_one_year_window_and_safety_accident_bar(world):
    c = world.client()
    r = c.put(f"{API}/region-settings/232763", json={"penalty_window_years": 0}, headers=world.prefecture())
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "penalty_window_years"
    assert c.put(f"{API}/region-settings/232763", json={"penalty_window_years": 1}, headers=world.county("232763")
                 ).status_code == 403
    r = c.put(f"{API}/region-settings/232763", json={
        "penalty_window_years": 1, "extra_bars": [{"kind": "major_safety_accident", "years": 3}]}, headers=world.prefecture())
    assert r.status_code == 200 and r.json()["effective"]["penalty_window_years"] == 1
    assert r.json()["ruleset"] == "fltx-2024+232763"
    fine_18_months_ago = [{"id": "p", "kind": "penalty", "penalty_kind": "罚款", "start_on": "2025-03-01",
                           "publicized_on": "2025-03-05"}]
    assert world.apply(world.business("232763", marks=fine_18_months_ago), "232763")  # 1-year window: not barred
    assert world.apply(world.business("232701", marks=fine_18_months_ago), "232701", expect=409)["code"] == "not_eligible"
    accident = [{"id": "s", "kind": "penalty", "penalty_kind": "警告", "start_on": "2024-05-01", "reason": "重大安全事故"}]
    body = world.apply(world.business("232763", marks=accident), "232763", expect=409)
    assert [x["rule"] for x in body["refusals"]] == ["local_bar:major_safety_accident"]
    assert body["ruleset"] == "fltx-2024+232763"
    c.put(f"{API}/region-settings/232763", json={}, headers=world.prefecture())


def test_measures_catalog_and_per_business(world):
    c = world.client()
    every = c.get(f"{API}/measures").json()["items"]
    assert len(every) == 9 + 6 + 10 + 5 + 6 + 4 + 6
    growth = c.get(f"{API}/measures", params={"type": "growth"}).json()["items"]
    assert [m["code"] for m in growth] == [f"growth.{x}" for x in "ABCDEF"]
    assert all(m["text"] and m["department"] and m["conditions"] for m in growth)
    assert c.get(f"{API}/measures", params={"category": "famous"}).status_code == 422
    u, rec = world.recognised("232701", category="distinctive")
    # 二(五)1：次年1月1日起……开始享受相关扶持政策 — the category's measures show from that day, not before.
    before = c.get(f"{API}/businesses/{u}/measures", headers=world.operator(u)).json()
    assert before["category"] == "distinctive" and before["category_benefits_from"] == "2027-01-01"
    assert not [m for m in before["measures"] if m["code"].startswith("distinctive.")]
    assert world.client(dt.date(2026, 12, 31)).get(f"{API}/businesses/{u}/measures", headers=world.operator(u)
                                                   ).json()["measures"] == before["measures"]
    c = world.client(dt.date(2027, 1, 1))
    mine = c.get(f"{API}/businesses/{u}/measures", headers=world.operator(u)).json()
    codes = [m["code"] for m in mine["measures"]]
    assert mine["type"] == "growth" and mine["category"] == "distinctive"
    assert codes[:6] == [f"growth.{x}" for x in "ABCDEF"] and "distinctive.F" in codes and "development.A" in codes
    assert len(codes) == len(set(codes)) == 6 + 6 + 10
    assert c.get(f"{API}/businesses/{u}/measures").status_code == 403


def test_lapsed_recognitions_expire(world):
    from getihu_kit.db import unit_of_work
    from cultivation_svc.recognitions.service import expire_lapsed
    u, rec = world.recognised("232762")
    with unit_of_work(world.sessions) as s:
        expire_lapsed(s, today=dt.date(2029, 9, 24))  # the last valid day: nothing of ours lapses
    assert world.client().get(f"{API}/recognitions/{rec['id']}", headers=world.operator(u)).json()["status"] == "granted"
    with unit_of_work(world.sessions) as s:
        assert expire_lapsed(s, today=dt.date(2029, 9, 25)) >= 1
    got = world.client().get(f"{API}/recognitions/{rec['id']}", headers=world.operator(u)).json()
    assert got["status"] == "expired" and got["ended_on"] == "2029-09-25"
    assert world.outbox(RecognitionChanged.event_type, u)[-1]["status"] == "expired"


def test_the_workers_expiry_round_expires_every_lapsed_recognition(world_on):
    """The worker's periodic round (kit.worker.periodic) expires on the business day, in batches, until none is left."""
    from cultivation_svc.recognitions.service import expire_lapsed
    from cultivation_svc.settings import Settings
    from cultivation_svc.worker import expiry_round
    w = world_on("test_cultivation_expiry")
    w.publish_typing()
    recs = [w.recognised("232763")[1] for _ in range(3)]
    assert {r["valid_until"] for r in recs} == {"2029-09-24"}
    expiry_round(Settings(database_url=w.url, today=dt.date(2029, 9, 24)))(w.engine, w.sessions)
    assert {w.client().get(f"{API}/recognitions/{r['id']}", headers=w.prefecture()).json()["status"]
            for r in recs} == {"granted"}
    expiry_round(Settings(database_url=w.url, today=dt.date(2029, 9, 25)))(w.engine, w.sessions)
    assert {w.client().get(f"{API}/recognitions/{r['id']}", headers=w.prefecture()).json()["status"]
            for r in recs} == {"expired"}
    with w.sessions() as s:
        assert expire_lapsed(s, today=dt.date(2029, 9, 25)) == 0


def test_evaluation_reads_the_agencies_data_and_judges_the_term(world):
    """二(六) A from the social-insurance data (四(四): not asked of the business); an extended recognition's next term
    is judged against its type when that term began (C) and needs the department's consent for that term (D)."""
    from getihu_kit.schemas.data_sharing import BusinessFacts
    from getihu_kit.events import make_event
    from cultivation_svc.projections import handlers
    reports = [{"year": 2025, "submitted_on": "2026-04-01", "employees": 2}]
    u, rec = world.recognised("232762", reports=reports)
    facts = BusinessFacts(uscc=u, year=2028, social_insurance={"batch_id": "b9", "insured_employees": 4})
    world.apply_batch(handlers.business_facts, [make_event(facts, source="test", subject=u)])
    out = world.client(dt.date(2029, 9, 1)).post(f"{API}/recognitions/{rec['id']}/evaluation",
                                                   headers=world.county("232762")).json()
    [a] = out["grounds"]
    assert a["condition"] == "A" and a["fact"]["employees"] == ["2", "4"]
    assert a["fact"]["sources"]["employees"] == ["annual_report", "social_insurance"]
    assert out["valid_until"] == "2032-09-24" and out["type_at_term_start"] == "growth"
    # The second term began on 2029-09-25: its type then is the one published in August 2029.
    world.typed(u, "development", year=2029, region="232762",
                published_at=dt.datetime(2029, 8, 10, tzinfo=dt.timezone.utc))
    out = world.client(dt.date(2032, 9, 1)).post(f"{API}/recognitions/{rec['id']}/evaluation",
                                                   headers=world.county("232762")).json()
    assert out["type_at_term_start"] == "development" and "C" not in [g["condition"] for g in out["grounds"]]


def test_spot_check_sample_and_a_lapsed_material_request(world_on):
    """二(五)2: the prefecture's sample is reproducible from its seed; a material request that lapses is refused
    (lapsed_material_outcome), and that refusal is a result the operator may object to."""
    from getihu_kit.db import unit_of_work
    from cultivation_svc.recognitions.service import lapse_material_requests
    w = world_on("test_cultivation_spot_sample")
    w.publish_typing()
    recs = [w.recognised("232763")[1] for _ in range(3)]
    c = w.client(dt.date(2026, 10, 1))
    body = {"region_code": "232763", "year": 2026, "seed": "抽查-2026-1"}
    r = c.post(f"{API}/spot-check-draws", json=body, headers=w.prefecture())
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["population"] == 3 and len(first["sample"]) == 1 and first["rate"] == "0.1" and first["reproduced"]
    assert c.post(f"{API}/spot-check-draws", json=body, headers=w.county("232763")).status_code == 403
    target = first["sample"][0]
    c.post(f"{API}/recognitions/{target}/spot-check", json={"action": "request_material", "due_on": "2026-10-15"},
           headers=w.prefecture())
    with unit_of_work(w.sessions) as s:
        assert lapse_material_requests(s, today=dt.date(2026, 10, 15)) == 0
    with unit_of_work(w.sessions) as s:
        assert lapse_material_requests(s, today=dt.date(2026, 10, 16)) == 1
    got = c.get(f"{API}/recognitions/{target}", headers=w.prefecture()).json()
    assert (got["status"], got["spot_check"]) == ("cancelled", "refused") and "逾期未补充材料" in got["end_reason"]
    assert got["end_reason"].startswith("spot_check_refused")  # appeal-svc takes it as a spot-check refusal
    assert {r["id"] for r in recs} >= {target}
    item = c.get(f"{API}/spot-check-draws/{first['id']}", headers=w.prefecture()).json()["items"][0]
    # the lapse outcome is the sampled recognition's recorded outcome
    assert (item["recognition_id"], item["outcome"], item["decided_by"]) == (target, "refused", "platform")
    assert "逾期未补充材料" in item["note"]
