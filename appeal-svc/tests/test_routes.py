"""HTTP tests of appeal-svc against PostgreSQL: each state change, who may do what, deadlines, the trail."""
from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, update

from appeal_svc.models import Appeal, outbox
from getihu_kit import clock
from getihu_kit.labels import APPEAL_TARGET_LABELS
from getihu_kit.workdays import make_calendar
from appeal_svc.rules.deadlines import reply_due_on
from appeal_fixtures import OTHER_REGION, PDF, PNG, REGION, evidence, new_uscc

TODAY = clock.today()


def events(api, appeal_id: str, event_type: str) -> list[dict]:
    with api.client.app.state.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.payload).where(outbox.c.type == event_type)).scalars().all()
    out = [json.loads(p) for p in rows]
    return [e["data"] for e in out if e["data"]["appeal_id"] == appeal_id]


def filed(api, type_: str = "survival", region: str = REGION) -> tuple[str, dict, dict]:
    uscc = new_uscc(region)
    api.publish_result(uscc, type_=type_, region=region)
    r = api.file(uscc, evidence=[evidence()])
    assert r.status_code == 201, r.text
    return uscc, r.json(), api.operator(uscc)


# --- filing a typing objection ---------------------------------------------------------------------
def test_operator_files_an_objection_with_evidence_and_a_due_date(api):
    uscc, a, _ = filed(api)
    assert a["status"] == "filed" and a["target_kind"] == "typing_result" and a["original_type"] == "survival"
    assert a["due_on"] == reply_due_on(TODAY, working_days=15, calendar=make_calendar([dt.date(2026, 10, 1)])).isoformat()
    assert a["overdue"] is False and a["region_code"] == REGION and a["ruleset"] == "2024.1"
    assert [e["content_type"] for e in a["evidence"]] == ["application/pdf"]
    assert [(s["action"], s["actor"], s["status_to"]) for s in a["trail"]] == [("filed", a["appellant"], "filed")]
    [event] = events(api, a["id"], "getihu.appeal.filed.v1")
    assert event["uscc"] == uscc and event["appellant"] == a["appellant"] and event["due_on"] == a["due_on"]
    assert event["original_type"] == "survival" and event["appellant_kind"] == "user"


def test_no_objection_without_a_published_result_of_that_year(api):
    uscc = new_uscc()
    api.publish_result(uscc, year=2024)
    r = api.file(uscc, year=2025)
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "year"


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("other_operator", 403), ("county", 403)])
def test_only_the_businesss_operator_files_a_typing_objection(api, who, status):
    uscc = new_uscc()
    api.publish_result(uscc)
    headers = {"anonymous": {}, "other_operator": api.operator(new_uscc()), "county": api.county()}[who]
    r = api.file(uscc, headers=headers) if who != "anonymous" else api.post(
        "/api/v1/appeals", json={"uscc": uscc, "year": 2025, "grounds": "分型有误，请复核"})
    assert r.status_code == status, r.text


@pytest.mark.parametrize("body, field", [
    ({"grounds": ""}, "grounds"),
    ({"grounds": "不对"}, "grounds"),
    ({"uscc": "92230000MA0000000X"}, "uscc"),
    ({"requested_type": "giant"}, "requested_type"),
    ({"requested_type": "survival"}, "requested_type"),
])
def test_bad_filing_names_the_field_in_chinese(api, body, field):
    uscc = new_uscc()
    api.publish_result(uscc)
    body = dict(body)
    r = api.file(body.pop("uscc", uscc), **body)
    assert r.status_code == 422, r.text
    err = r.json()["errors"][0]
    assert err["field"] == field and any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])


@pytest.mark.parametrize("file, status, field", [
    (evidence(b"MZ\x90\x00exe", "application/pdf"), 415, "evidence.1.content_base64"),
    (evidence(PDF, "application/zip", "a.zip"), 422, "evidence.1.content_type"),  # the schema's enum
    (evidence(PDF + b"x" * 2048), 422, "evidence.1.content_base64"),
])
def test_bad_evidence_refuses_the_whole_filing(api, file, status, field):
    uscc = new_uscc()
    api.publish_result(uscc)
    r = api.file(uscc, evidence=[evidence(), file])
    assert r.status_code == status and r.json()["errors"][0]["field"] == field
    mine = api.get("/api/v1/appeals/mine", headers=api.operator(uscc)).json()
    assert mine["items"] == [], "nothing written when one file is refused"


def test_one_open_objection_per_target_and_person(api):
    uscc, a, op = filed(api)
    again = api.file(uscc)
    assert again.status_code == 409 and again.json()["appeal_id"] == a["id"]
    assert api.post(f"/api/v1/appeals/{a['id']}/withdrawal", json={"reason": "已核实无误"}, headers=op).status_code == 200
    assert api.file(uscc).status_code == 201, "a closed objection no longer blocks a new one"


def test_concurrent_filings_give_one_objection_and_conflicts_never_a_500(api):
    uscc = new_uscc()
    api.publish_result(uscc)
    headers = api.operator(uscc)
    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = sorted(pool.map(lambda _: api.file(uscc, headers=headers).status_code, range(6)))
    assert codes == [201] + [409] * 5
    assert len(api.get("/api/v1/appeals/mine", headers=headers).json()["items"]) == 1


# --- handling -----------------------------------------------------------------------------------------
def test_review_material_and_upheld_decision_with_the_full_trail(api):
    uscc, a, op = filed(api)
    aid, county = a["id"], api.county(sub="clerk-li")
    assert api.post(f"/api/v1/appeals/{aid}/review", headers=api.county(OTHER_REGION)).status_code == 403
    r = api.post(f"/api/v1/appeals/{aid}/review", headers=county)
    assert r.status_code == 200 and r.json()["status"] == "in_review"
    assert api.post(f"/api/v1/appeals/{aid}/review", headers=county).status_code == 409

    past = {"request": "请提供2025年社保缴费记录", "deadline": TODAY.isoformat()}
    r = api.post(f"/api/v1/appeals/{aid}/material-requests", json=past, headers=county)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "deadline"
    deadline = (TODAY + dt.timedelta(days=10)).isoformat()
    r = api.post(f"/api/v1/appeals/{aid}/material-requests",
                 json={"request": "请提供2025年社保缴费记录", "deadline": deadline}, headers=county)
    assert r.status_code == 200 and r.json()["status"] == "material_requested"
    assert r.json()["material_due_on"] == deadline

    supply = {"note": "社保缴费记录见附件", "evidence": [evidence(PNG, "image/png", "社保.png")]}
    assert api.post(f"/api/v1/appeals/{aid}/material", json=supply, headers=county).status_code == 403
    assert api.post(f"/api/v1/appeals/{aid}/material", json={"note": ""}, headers=op).status_code == 422
    r = api.post(f"/api/v1/appeals/{aid}/material", json=supply, headers=op)
    assert r.status_code == 200 and r.json()["status"] == "in_review"
    assert [e["stage"] for e in r.json()["evidence"]] == ["filing", "supplement"]

    r = api.post(f"/api/v1/appeals/{aid}/decision", json={"decision": "upheld", "reason": "雇工人数核实为5人"},
                 headers=county)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "corrected_type"
    r = api.post(f"/api/v1/appeals/{aid}/decision",
                 json={"decision": "upheld", "reason": "雇工人数核实为5人", "corrected_type": "survival"}, headers=county)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "corrected_type"
    r = api.post(f"/api/v1/appeals/{aid}/decision",
                 json={"decision": "upheld", "reason": "雇工人数核实为5人", "corrected_type": "growth"}, headers=county)
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["status"], d["decision"], d["corrected_type"], d["decided_by"]) == ("upheld", "upheld", "growth", "clerk-li")
    assert [(s["action"], s["actor"], s["status_from"], s["status_to"]) for s in d["trail"]] == [
        ("filed", a["appellant"], None, "filed"),
        ("take_in_review", "clerk-li", "filed", "in_review"),
        ("request_material", "clerk-li", "in_review", "material_requested"),
        ("supply_material", a["appellant"], "material_requested", "in_review"),
        ("decide", "clerk-li", "in_review", "upheld"),
    ]
    assert d["trail"][2]["details"]["deadline"] == deadline and d["trail"][4]["note"] == "雇工人数核实为5人"
    assert d["trail"][1]["details"] == {"roles": ["county_staff"], "region_code": REGION}
    [event] = events(api, aid, "getihu.appeal.decided.v1")
    assert (event["decision"], event["corrected_type"], event["reason"], event["appellant"]) == (
        "upheld", "growth", "雇工人数核实为5人", a["appellant"])
    assert event["target_kind"] == "typing_result" and event["year"] == 2025 and event["ruleset"] == "2024.1"
    assert api.post(f"/api/v1/appeals/{aid}/withdrawal", headers=op).status_code == 409, "no withdrawal after a decision"


def test_material_after_its_deadline_is_refused(api):
    uscc, a, op = filed(api)
    county = api.county()
    api.post(f"/api/v1/appeals/{a['id']}/review", headers=county)
    api.post(f"/api/v1/appeals/{a['id']}/material-requests",
             json={"request": "补充材料", "deadline": (TODAY + dt.timedelta(days=3)).isoformat()}, headers=county)
    with api.client.app.state.sessions.begin() as s:
        s.execute(update(Appeal).where(Appeal.id == a["id"]).values(material_due_on=TODAY - dt.timedelta(days=1)))
    r = api.post(f"/api/v1/appeals/{a['id']}/material", json={"note": "迟到的材料"}, headers=op)
    assert r.status_code == 409 and r.json()["code"] == "material_deadline_passed"
    r = api.post(f"/api/v1/appeals/{a['id']}/decision", json={"decision": "rejected", "reason": "逾期未补充材料，维持原结果"},
                 headers=county)
    assert r.status_code == 200 and r.json()["status"] == "rejected"


def test_prefecture_staff_act_anywhere_county_staff_only_in_their_region(api):
    _, a, _ = filed(api, region=OTHER_REGION)
    assert api.get(f"/api/v1/appeals/{a['id']}", headers=api.county()).status_code == 403
    assert api.post(f"/api/v1/appeals/{a['id']}/review", headers=api.prefecture()).status_code == 200
    r = api.post(f"/api/v1/appeals/{a['id']}/decision", json={"decision": "rejected", "reason": "经核实分型无误"},
                 headers=api.county(OTHER_REGION))
    assert r.status_code == 200
    [event] = events(api, a["id"], "getihu.appeal.decided.v1")
    assert event["decision"] == "rejected" and event["corrected_type"] is None


def test_only_staff_decide_and_only_the_appellant_withdraws(api):
    uscc, a, op = filed(api)
    other = api.operator(new_uscc())
    assert api.post(f"/api/v1/appeals/{a['id']}/review", headers=op).status_code == 403
    assert api.post(f"/api/v1/appeals/{a['id']}/withdrawal", headers=other).status_code == 403
    assert api.post(f"/api/v1/appeals/{a['id']}/withdrawal", headers=api.county()).status_code == 403
    assert api.post(f"/api/v1/appeals/{a['id']}/withdrawal").status_code == 401
    assert api.get(f"/api/v1/appeals/{a['id']}", headers=other).status_code == 403
    r = api.post(f"/api/v1/appeals/{a['id']}/withdrawal", json={"reason": "误报"}, headers=op)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert r.json()["trail"][-1]["action"] == "withdraw" and r.json()["trail"][-1]["note"] == "误报"
    [event] = events(api, a["id"], "getihu.appeal.decided.v1")
    assert event["decision"] == "withdrawn" and event["reason"] == "误报"
    assert api.post(f"/api/v1/appeals/{a['id']}/review", headers=api.county()).status_code == 409


def test_unknown_appeal_is_404(api):
    assert api.get("/api/v1/appeals/apl-nope", headers=api.prefecture()).status_code == 404


# --- notice objections ----------------------------------------------------------------------------
def notice_body(app_id: str, phone: str = "13912345678", **kw) -> dict:
    return {"application_id": app_id, "grounds": "该店铺存在无证经营问题，不应认定", "objector_name": "王小明",
            "objector_phone": phone, **kw}


def test_anyone_objects_during_the_notice_with_masked_contact(api):
    uscc, app_id = new_uscc(), f"app-{new_uscc()[-8:]}"
    api.notice(app_id, uscc)
    r = api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id))
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["appellant_kind"] == "anonymous" and a["appellant"].startswith("anon-")
    assert (a["objector_name"], a["objector_phone"]) == ("王**", "139****5678")
    assert "13912345678" not in r.text and a["target_id"] == app_id and a["uscc"] == uscc
    again = api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id, grounds="再次提出同样的异议"))
    assert again.status_code == 409, "one open objection per target and person (same phone)"
    assert api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id, "13800001111")).status_code == 201
    [event] = events(api, a["id"], "getihu.appeal.filed.v1")
    assert event["appellant"] == a["appellant"] and "13912345678" not in json.dumps(event)

    full = api.get(f"/api/v1/appeals/{a['id']}", headers=api.county()).json()
    assert (full["objector_name"], full["objector_phone"]) == ("王小明", "13912345678")
    listed = [i for i in api.get("/api/v1/appeals", params={"target_kind": "cultivation_notice", "limit": 500},
                                 headers=api.county()).json()["items"] if i["id"] == a["id"]]
    assert listed[0]["objector_phone"] == "139****5678"

    county = api.county()
    api.post(f"/api/v1/appeals/{a['id']}/review", headers=county)
    r = api.post(f"/api/v1/appeals/{a['id']}/decision",
                 json={"decision": "upheld", "reason": "核实存在无证经营", "corrected_type": "growth"}, headers=county)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "corrected_type"
    r = api.post(f"/api/v1/appeals/{a['id']}/decision", json={"decision": "upheld", "reason": "核实存在无证经营"},
                 headers=county)
    assert r.status_code == 200
    [event] = events(api, a["id"], "getihu.appeal.decided.v1")
    assert (event["target_kind"], event["target_id"], event["decision"]) == ("cultivation_notice", app_id, "upheld")
    assert event["appellant"] == a["appellant"] and event["appellant_kind"] == "anonymous"


def test_a_logged_in_objector_is_the_appellant_and_sees_it_in_their_list(api):
    uscc, app_id = new_uscc(), f"app-{new_uscc()[-8:]}"
    api.notice(app_id, uscc)
    citizen = api.token("citizen-zhao", ["public"])
    me = api.operator(new_uscc(), sub="neighbour-qian")
    r = api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id), headers=me)
    assert r.status_code == 201 and r.json()["appellant"] == "neighbour-qian"
    assert api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id), headers=citizen).status_code == 201
    mine = api.get("/api/v1/appeals/mine", headers=me).json()["items"]
    assert [i["id"] for i in mine] == [r.json()["id"]] and mine[0]["objector_phone"] == "139****5678"
    assert api.get("/api/v1/appeals/mine").status_code == 401


@pytest.mark.parametrize("case", ["closed", "ended", "unknown"])
def test_no_notice_objection_outside_the_notice_period(api, case):
    uscc, app_id = new_uscc(), f"app-{new_uscc()[-8:]}"
    if case == "closed":
        api.notice(app_id, uscc, changed_at=clock.now() - dt.timedelta(hours=1))
        api.notice(app_id, uscc, status="recognised")
    elif case == "ended":
        api.notice(app_id, uscc, ends_on=TODAY - dt.timedelta(days=1))
    r = api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id))
    assert r.status_code == (404 if case == "unknown" else 409), r.text
    assert r.json()["errors"][0]["field"] == "application_id"


def test_others_may_still_object_while_an_objection_holds_the_case(api):
    uscc, app_id = new_uscc(), f"app-{new_uscc()[-8:]}"
    ends = TODAY + dt.timedelta(days=3)
    api.notice(app_id, uscc, ends_on=ends, changed_at=clock.now() - dt.timedelta(minutes=5))
    assert api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id, "13811112222")).status_code == 201
    api.notice(app_id, uscc, status="on_hold", ends_on=ends)  # cultivation-svc held the case
    assert api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id, "13811113333")).status_code == 201


def test_an_older_notice_event_does_not_reopen_a_closed_notice(api):
    uscc, app_id = new_uscc(), f"app-{new_uscc()[-8:]}"
    api.notice(app_id, uscc, status="recognised")
    api.notice(app_id, uscc, changed_at=clock.now() - dt.timedelta(days=3))
    assert api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id)).status_code == 409


@pytest.mark.parametrize("body, field", [
    ({"objector_phone": "12345"}, "objector_phone"),
    ({"objector_name": "  "}, "objector_name"),
    ({"objector_phone": None}, "objector_phone"),
])
def test_notice_objection_needs_a_name_and_a_phone(api, body, field):
    b = {k: v for k, v in {**notice_body("app-x"), **body}.items() if v is not None}
    r = api.post("/api/v1/appeals/notice-objections", json=b)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field


# --- evidence, lists, deadlines -------------------------------------------------------------------
def test_evidence_download_by_the_appellant_and_staff_only(api):
    uscc, a, op = filed(api)
    url = f"/api/v1/appeals/{a['id']}/evidence/{a['evidence'][0]['id']}"
    r = api.get(url, headers=op)
    assert r.status_code == 200 and r.content == PDF and r.headers["content-type"] == "application/pdf"
    assert api.get(url, headers=api.county()).content == PDF
    assert api.get(url, headers=api.operator(new_uscc())).status_code == 403
    assert api.get(f"/api/v1/appeals/{a['id']}/evidence/evd-none", headers=op).status_code == 404


def test_staff_lists_by_status_region_due_and_overdue_with_cursor_pages(api):
    region = "232722"
    ids = [filed(api, region=region)[1]["id"] for _ in range(5)]
    with api.client.app.state.sessions.begin() as s:  # two were filed long ago and are now overdue
        s.execute(update(Appeal).where(Appeal.id.in_(ids[:2])).values(due_on=TODAY - dt.timedelta(days=2)))
    county = api.county(region)
    api.post(f"/api/v1/appeals/{ids[4]}/review", headers=county)

    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/appeals", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                       headers=county).json()
        seen += [i["id"] for i in page["items"]]
        assert all(i["region_code"] == region for i in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    assert set(seen[:2]) == set(ids[:2]), "what is due first comes first"

    overdue = api.get("/api/v1/appeals", params={"overdue": "true"}, headers=county).json()["items"]
    assert {i["id"] for i in overdue} == set(ids[:2]) and all(i["overdue"] for i in overdue)
    due = api.get("/api/v1/appeals", params={"due_before": TODAY.isoformat()}, headers=county).json()["items"]
    assert {i["id"] for i in due} == set(ids[:2])
    in_review = api.get("/api/v1/appeals", params={"status": "in_review"}, headers=county).json()["items"]
    assert [i["id"] for i in in_review] == [ids[4]]
    both = api.get("/api/v1/appeals", params={"status": "filed,in_review"}, headers=county).json()["items"]
    assert len(both) == 5
    by_region = api.get("/api/v1/appeals", params={"region_code": region, "limit": 500},
                        headers=api.prefecture()).json()["items"]
    assert {i["id"] for i in by_region} == set(ids)

    assert api.get("/api/v1/appeals", params={"region_code": REGION}, headers=county).status_code == 403
    assert api.get("/api/v1/appeals", params={"status": "lost"}, headers=county).json()["errors"][0]["field"] in ("status", "status.0")
    assert api.get("/api/v1/appeals", params={"cursor": "zzz"}, headers=county).status_code == 422
    assert api.get("/api/v1/appeals", params={"limit": 0}, headers=county).status_code == 422
    assert api.get("/api/v1/appeals", headers=api.operator(new_uscc())).status_code == 403
    assert api.get("/api/v1/appeals").status_code == 401


def test_a_correction_in_the_feed_is_the_newer_result(api):
    uscc, a, _ = filed(api, type_="survival")
    api.publish_result(uscc, type_="growth", version=2)
    api.publish_result(uscc, type_="survival", version=1)  # a late replay of the old version changes nothing
    county = api.county()
    api.post(f"/api/v1/appeals/{a['id']}/review", headers=county)
    r = api.post(f"/api/v1/appeals/{a['id']}/decision",
                 json={"decision": "upheld", "reason": "已更正", "corrected_type": "growth"}, headers=county)
    assert r.status_code == 422, "growth is already the current result"


def test_an_anonymous_objector_supplies_material_and_withdraws_with_their_phone(api):
    uscc, app_id = new_uscc(), f"app-{new_uscc()[-8:]}"
    api.notice(app_id, uscc)
    a = api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id, "13655556666")).json()
    county = api.county()
    api.post(f"/api/v1/appeals/{a['id']}/review", headers=county)
    api.post(f"/api/v1/appeals/{a['id']}/material-requests", headers=county,
             json={"request": "请提供现场照片", "deadline": (TODAY + dt.timedelta(days=5)).isoformat()})
    base = f"/api/v1/appeals/notice-objections/{a['id']}"
    supply = {"objector_phone": "13655556666", "note": "现场照片见附件", "evidence": [evidence(PNG, "image/png", "现场.png")]}
    wrong = api.post(f"{base}/material", json={**supply, "objector_phone": "13655550000"})
    assert wrong.status_code == 403 and wrong.json()["errors"][0]["field"] == "objector_phone"
    assert api.post(f"/api/v1/appeals/{a['id']}/material", json={"note": "x"}).status_code == 401
    r = api.post(f"{base}/material", json=supply)
    assert r.status_code == 200 and r.json()["status"] == "in_review"
    assert r.json()["trail"][-1]["actor"] == a["appellant"] and "13655556666" not in r.text
    r = api.post(f"{base}/withdrawal", json={"objector_phone": "136 5555 6666", "reason": "已与店主沟通"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    status = api.post(f"{base}/status", json={"objector_phone": "13655556666"})
    assert status.status_code == 200 and status.json()["decision"] == "withdrawn"
    assert status.json()["objector_phone"] == "136****6666" and "13655556666" not in status.text
    assert api.post(f"{base}/status", json={"objector_phone": "13655550000"}).status_code == 403
    [event] = events(api, a["id"], "getihu.appeal.decided.v1")
    assert (event["decision"], event["appellant"], event["decided_by"]) == ("withdrawn", a["appellant"], a["appellant"])


def test_a_token_holders_objection_is_not_withdrawn_by_phone(api):
    uscc, app_id = new_uscc(), f"app-{new_uscc()[-8:]}"
    api.notice(app_id, uscc)
    a = api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id),
                 headers=api.token("citizen-sun", ["public"])).json()
    r = api.post(f"/api/v1/appeals/notice-objections/{a['id']}/withdrawal", json={"objector_phone": "13912345678"})
    assert r.status_code == 403


def test_staff_export_the_objections_as_csv_and_xlsx_with_the_list_s_filters(api):
    import csv
    import io

    from openpyxl import load_workbook

    def rows_of(r) -> list[list[str]]:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
        return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))

    region = "232762"
    ids = [filed(api, region=region)[1]["id"] for _ in range(3)]
    county = api.county(region)
    api.post(f"/api/v1/appeals/{ids[2]}/review", headers=county)
    rows = rows_of(api.get("/api/v1/appeals", params={"format": "csv"}, headers=county))
    assert rows[0][:3] == ["异议编号", "异议对象", "统一社会信用代码"]
    listed = [i["id"] for i in api.get("/api/v1/appeals", params={"limit": 500}, headers=county).json()["items"]]
    assert [x[0] for x in rows[1:]] == listed and set(ids) <= set(listed)
    line = next(x for x in rows[1:] if x[0] == ids[2])
    assert (line[1], line[5], line[6], line[11]) == ("分型结果", "松岭区", "生存型", "审查中")
    in_review = rows_of(api.get("/api/v1/appeals", params={"status": "in_review", "format": "csv"}, headers=county))
    assert [x[0] for x in in_review[1:]] == [ids[2]]

    # A notice objection's contact is masked in the export as in the list.
    uscc, app_id = new_uscc(), f"app-{new_uscc()[-8:]}"
    api.notice(app_id, uscc)
    a = api.post("/api/v1/appeals/notice-objections", json=notice_body(app_id)).json()
    x = api.get("/api/v1/appeals", params={"target_kind": "cultivation_notice"},
                headers={**api.county(), "accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    sheet = list(load_workbook(io.BytesIO(x.content), read_only=True)["数据"].iter_rows(values_only=True))
    mine = next(s for s in sheet if s[0] == a["id"])
    assert (mine[1], mine[8], mine[9]) == (APPEAL_TARGET_LABELS["cultivation_notice"], "王**", "139****5678") and "13912345678" not in str(sheet)

    assert api.get("/api/v1/appeals", params={"format": "csv", "region_code": REGION}, headers=county).status_code == 403
    assert api.get("/api/v1/appeals", params={"format": "csv"}, headers=api.operator(new_uscc())).status_code == 403
    bad = api.get("/api/v1/appeals", params={"format": "json5"}, headers=county)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"
