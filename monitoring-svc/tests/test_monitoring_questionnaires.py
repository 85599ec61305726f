"""Questionnaires against PostgreSQL: versions (a published one never changes), a target group resolved from
the projections with one QuestionnaireSent per business in the outbox, one answer per business validated per
question kind, and the results (distributions; knowledge, understanding, satisfaction rates per policy)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from getihu_kit import clock
from getihu_kit.schemas.monitoring import QuestionnaireSent
from monitoring_svc.models import outbox
from monitoring_svc.projections import apply_recognitions
from monitoring_fixtures import OTHER_REGION, REGION, new_uscc

YEAR = clock.today().year
Q = "/api/v1/monitoring/questionnaires"


def policy(api) -> str:
    r = api.post("/api/v1/monitoring/policies", headers=api.prefecture(), json={
        "title": "个体工商户房租减免", "content": "减免房租", "conditions": "在册个体工商户", "procedure": "免申即享",
        "department": "市场监管局", "in_force_from": "2026-01-01"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def questions(pid: str) -> list[dict]:
    return [
        {"kind": "single", "text": "您是否了解房租减免政策？", "policy_id": pid, "dimension": "knowledge",
         "options": [{"label": "了解", "positive": True}, {"label": "听说过"}, {"label": "不了解"}]},
        {"kind": "scale", "text": "您对房租减免政策的满意程度", "policy_id": pid, "dimension": "satisfaction"},
        {"kind": "multiple", "text": "您从哪些渠道得知政策？",
         "options": [{"label": "政府网站"}, {"label": "公示栏"}, {"label": "新闻媒体"}]},
        {"kind": "text", "text": "意见建议", "required": False},
    ]


def outbox_events(api, qid: str) -> list[tuple[str, dict]]:
    with api.client.app.state.sessions() as s:
        rows = s.execute(select(outbox.c.aggregateid, outbox.c.payload).where(
            outbox.c.type == QuestionnaireSent.event_type)).all()
    out = [(k, json.loads(p)) for k, p in rows]
    return [(k, e) for k, e in out if e["data"]["questionnaire_id"] == qid]


@pytest.fixture(scope="module")
def group(api):
    """Four businesses of the county (two 成长型, one of them 名特优新 and followed by a contact point), one elsewhere."""
    usccs = [new_uscc() for _ in range(4)]
    elsewhere = new_uscc(OTHER_REGION)
    api.register(*usccs)
    api.register(elsewhere, region=OTHER_REGION)
    for u, t in zip(usccs, ("growth", "growth", "survival", "development")):
        api.publish_result(u, year=YEAR, type_=t)
    api._feed(apply_recognitions, "getihu.cultivation.recognition.changed.v1", [
        {"recognition_id": f"rc-{usccs[0]}", "uscc": usccs[0], "region_code": REGION, "category": "distinctive",
         "status": "granted", "recognised_on": "2026-01-10", "valid_until": "2029-01-09", "benefits_from": "2026-01-10",
         "changed_at": clock.now().isoformat(), "year": YEAR}])
    cp = api.post("/api/v1/monitoring/contact-points", headers=api.county(), json={
        "region_code": REGION, "name": "加格达奇联系点", "contact_person": "李四", "contact_phone": "13900001111",
        "usccs": [usccs[0], usccs[3]]})
    assert cp.status_code == 201, cp.text
    return {"usccs": usccs, "elsewhere": elsewhere, "contact_point": cp.json()["id"], "policy": policy(api)}


def test_questions_are_validated_naming_the_field(api, group):
    bad = questions(group["policy"])
    bad[0]["options"] = [{"label": "只有一个"}]
    bad[1]["policy_id"] = "pol-nonexistent"
    bad[2]["dimension"] = "understanding"
    r = api.post(Q, headers=api.county(), json={"title": "调查", "questions": bad})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"questions.0.options", "questions.1.policy_id", "questions.2.dimension", "questions.2.policy_id"} <= fields
    assert "至少给出2个选项" in r.json()["detail"]
    assert api.post(Q, headers=api.operator(group["usccs"][0]), json={"title": "调查", "questions": questions(
        group["policy"])}).status_code == 403


def test_a_published_version_never_changes_a_change_is_the_next_version(api, group):
    county = api.county()
    r = api.post(Q, headers=county, json={"title": "政策知晓度调查", "questions": questions(group["policy"])})
    assert r.status_code == 201, r.text
    q = r.json()
    assert (q["version"], q["status"], q["region_code"]) == (1, "draft", REGION)
    assert [x["no"] for x in q["questions"]] == [1, 2, 3, 4] and q["questions"][0]["dimension_label"] == "知晓度"
    # a draft changes in place
    r = api.put(f"{Q}/{q['id']}", headers=county, json={"title": "政策知晓度调查（修订）", "questions": questions(group["policy"])})
    assert r.json()["version"] == 1 and r.json()["title"].endswith("（修订）")
    assert api.post(f"{Q}/{q['id']}/versions/1/sends", headers=county, json={}).json()["code"] == \
        "questionnaire_not_published"
    assert api.post(f"{Q}/{q['id']}/versions/1/publication", headers=county).json()["status"] == "published"
    again = api.post(f"{Q}/{q['id']}/versions/1/publication", headers=county)
    assert again.status_code == 409 and again.json()["code"] == "questionnaire_already_published"
    r = api.put(f"{Q}/{q['id']}", headers=county, json={"title": "第二版", "questions": questions(group["policy"])[:2]})
    assert (r.json()["version"], r.json()["status"], len(r.json()["questions"])) == (2, "draft", 2)
    v1 = api.get(f"{Q}/{q['id']}/versions/1", headers=county).json()
    assert (v1["title"], v1["status"], len(v1["questions"])) == ("政策知晓度调查（修订）", "published", 4)
    # another county neither sees nor changes it
    other = api.county(OTHER_REGION, sub="huma-clerk")
    assert api.get(f"{Q}/{q['id']}/versions/1", headers=other).status_code == 404
    assert api.put(f"{Q}/{q['id']}", headers=other, json={"title": "x", "questions": questions(group["policy"])}
                   ).status_code == 404
    listed = api.get(Q, headers=county, params={"status": "published"}).json()["items"]
    assert (q["id"], 1) in {(x["id"], x["version"]) for x in listed}


@pytest.fixture(scope="module")
def sent(api, group):
    county = api.county()
    q = api.post(Q, headers=county, json={"title": "房租减免政策调查", "closes_on": (clock.today() + dt.timedelta(days=30))
                                          .isoformat(), "questions": questions(group["policy"])}).json()
    api.post(f"{Q}/{q['id']}/versions/1/publication", headers=county)
    return q


def test_sending_resolves_the_group_and_emits_one_event_per_business_once(api, group, sent):
    county, u = api.county(), group["usccs"]
    path = f"{Q}/{sent['id']}/versions/1/sends"
    # 成长型 of the year: u0 and u1
    r = api.post(path, headers=county, json={"types": ["growth"], "year": YEAR})
    assert r.status_code == 200, r.text
    assert (r.json()["matched"], r.json()["sent"]) == (2, 2)
    # the contact point's businesses (u0, u3): u0 already has it
    r = api.post(path, headers=county, json={"contact_point_ids": [group["contact_point"]]})
    assert (r.json()["matched"], r.json()["sent"]) == (2, 1)
    # 名特优新 (u0) and the whole county: only u2 is new
    assert api.post(path, headers=county, json={"categories": ["distinctive"]}).json()["sent"] == 0
    r = api.post(path, headers=county, json={})
    assert r.json()["sent"] == 1 and r.json()["matched"] >= 4
    events = outbox_events(api, sent["id"])
    assert sorted(k for k, _ in events) == sorted(u)  # one per business, keyed by USCC; none elsewhere
    e = dict(events)[u[0]]
    assert e["type"] == QuestionnaireSent.event_type and e["subject"] == u[0]
    QuestionnaireSent.model_validate(e["data"])
    assert (e["data"]["version"], e["data"]["region_code"], e["data"]["title"]) == (1, REGION, "房租减免政策调查")
    # a county sends to its own county only; types need their year; an unknown contact point is named
    assert api.post(path, headers=county, json={"region_codes": [OTHER_REGION]}).status_code == 403
    r = api.post(path, headers=county, json={"types": ["growth"]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "year"
    r = api.post(path, headers=county, json={"contact_point_ids": ["cp-none"]})
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "contact_point_ids.0"


ANSWERS = [  # (knowledge choice, satisfaction scale, channels)
    (1, 5, [1, 2]), (2, 4, [1]), (1, 2, [3]),
]


def test_the_operator_answers_once_validated_per_kind(api, group, sent):
    u = group["usccs"]
    path = f"{Q}/{sent['id']}/versions/1/answers"
    assert api.get(f"{Q}/{sent['id']}/versions/1", headers=api.operator(u[0])).status_code == 200
    assert api.get(f"{Q}/{sent['id']}/versions/1", headers=api.operator(group["elsewhere"])).status_code == 404
    inbox = api.get(f"/api/v1/monitoring/businesses/{u[0]}/questionnaires", headers=api.operator(u[0])).json()["items"]
    assert [(x["questionnaire_id"], x["answered"]) for x in inbox] == [(sent["id"], False)]
    assert api.get(f"/api/v1/monitoring/businesses/{u[0]}/questionnaires", headers=api.operator(u[1])).status_code == 403

    body = {"uscc": u[0], "answers": [{"no": 1, "choice": 4}, {"no": 2, "choices": [1]}, {"no": 3, "choices": [1, 9]}]}
    r = api.post(path, headers=api.operator(u[0]), json=body)
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"answers.0.choice", "answers.1.scale", "answers.2.choices"}
    assert api.post(path, headers=api.operator(u[1]), json=body).status_code == 403  # another business's USCC
    r = api.post(path, headers=api.operator(group["elsewhere"]), json={**body, "uscc": group["elsewhere"]})
    assert r.status_code == 404 and r.json()["code"] == "questionnaire_not_found"
    r = api.post(path, headers=api.operator(u[0]), json={"uscc": u[0], "answers": [{"no": 3, "choices": [1]}]})
    assert r.status_code == 422 and "第1、2题" in r.json()["detail"]

    for who, (choice, scale, channels) in zip(u, ANSWERS):
        r = api.post(path, headers=api.operator(who), json={"uscc": who, "answers": [
            {"no": 1, "choice": choice}, {"no": 2, "scale": scale}, {"no": 3, "choices": channels},
            {"no": 4, "text": "希望政策宣传更及时"}]})
        assert r.status_code == 201, r.text
    second = api.post(path, headers=api.operator(u[0]), json={"uscc": u[0], "answers": [
        {"no": 1, "choice": 2}, {"no": 2, "scale": 1}, {"no": 3, "choices": [2]}]})
    assert second.status_code == 409 and second.json()["code"] == "questionnaire_already_answered"
    assert "只能填写一次" in second.json()["detail"]
    inbox = api.get(f"/api/v1/monitoring/businesses/{u[0]}/questionnaires", headers=api.operator(u[0])).json()["items"]
    assert inbox[0]["answered"] is True


def test_results_aggregate_the_answers(api, group, sent):
    r = api.get(f"{Q}/{sent['id']}/versions/1/results", headers=api.county())
    assert r.status_code == 200, r.text
    res = r.json()
    assert (res["recipients"], res["answered"]) == (4, 3) and res["response_rate"] == 0.75
    by_no = {x["no"]: x for x in res["questions"]}
    expect_choice = {v: sum(1 for c, _, _ in ANSWERS if c == v) for v in (1, 2, 3)}
    assert {o["value"]: o["count"] for o in by_no[1]["distribution"]} == expect_choice
    scales = [s for _, s, _ in ANSWERS]
    assert {o["value"]: o["count"] for o in by_no[2]["distribution"]} == {v: scales.count(v) for v in range(1, 6)}
    assert by_no[2]["average"] == round(sum(scales) / len(scales), 2)
    channels = {v: sum(1 for *_, ch in ANSWERS if v in ch) for v in (1, 2, 3)}
    assert {o["value"]: o["count"] for o in by_no[3]["distribution"]} == channels and by_no[3]["answered"] == 3
    assert by_no[4]["answered"] == 3 and by_no[4]["distribution"] == []
    [p] = res["policies"]
    knows = sum(1 for c, _, _ in ANSWERS if c == 1)
    satisfied = sum(1 for _, s, _ in ANSWERS if s >= 4)
    assert p["policy_id"] == group["policy"] and p["title"] == "个体工商户房租减免"
    assert p["knowledge"] == {"answered": 3, "positive": knows, "rate": round(knows / 3, 4)}
    assert p["satisfaction"] == {"answered": 3, "positive": satisfied, "rate": round(satisfied / 3, 4)}
    assert p["understanding"] == {"answered": 0, "positive": 0, "rate": None}
    # another county's staff do not see this county's questionnaire; the prefecture does
    assert api.get(f"{Q}/{sent['id']}/versions/1/results", headers=api.county(OTHER_REGION, sub="x")).status_code == 404
    assert api.get(f"{Q}/{sent['id']}/versions/1/results", headers=api.prefecture()).json()["answered"] == 3

    a = api.get("/api/v1/monitoring/analysis", params={"year": YEAR}, headers=api.county()).json()
    [row] = [x for x in a["tables"]["policy_awareness"]["rows"] if x["policy_id"] == group["policy"]]
    assert (row["knowledge_answered"], row["knowledge_rate"]) == (3, round(knows / 3, 4))
    assert (row["satisfaction_answered"], row["satisfaction_rate"]) == (3, round(satisfied / 3, 4))
    assert row["understanding_rate"] is None
