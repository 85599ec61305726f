"""Objections to cultivation results (附件1 四(四)；二(五)2、二(六)): a refusal, a cancellation, a spot-check refusal, a
revocation — filed by the business's operator like a typing objection (same reply deadline, trail and events), only
while the result stands."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from appeal_svc.models import outbox
from getihu_kit import clock
from appeal_fixtures import REGION, evidence, new_uscc

API = "/api/v1/appeals/cultivation-objections"
GROUNDS = "走访当日店主外出采购，并非停业，请求重新核实"


def body(kind: str, target: str, **kw) -> dict:
    return {"target_kind": kind, "target_id": target, "grounds": GROUNDS, **kw}


def app_id() -> str:
    return f"app_{uuid.uuid4().hex[:20]}"


def rec_id() -> str:
    return f"rec_{uuid.uuid4().hex[:20]}"


@pytest.mark.parametrize("kind, status, reason", [
    ("cultivation_cancellation", "cancelled", "最近一次分型为生存型"),
    ("cultivation_spot_check", "cancelled", "spot_check_refused: 特色不明显"),
    ("cultivation_revocation", "revoked", "fraud: 伪造经营数据"),
])
def test_operator_objects_to_an_ended_recognition(api, kind, status, reason):
    uscc, target = new_uscc(), rec_id()
    api.recognition(target, uscc, status=status, reason=reason)
    r = api.post(API, json=body(kind, target, evidence=[evidence()]), headers=api.operator(uscc))
    assert r.status_code == 201, r.text
    a = r.json()
    assert (a["target_kind"], a["target_id"], a["uscc"], a["region_code"], a["status"]) == (
        kind, target, uscc, REGION, "filed")
    assert a["due_on"] > clock.today().isoformat() and [s["action"] for s in a["trail"]] == ["filed"]
    # the same kind of result: an objection to a spot-check refusal is not one to a cancellation
    other = {"cultivation_cancellation": "cultivation_spot_check"}.get(kind, "cultivation_cancellation")
    assert api.post(API, json=body(other, target), headers=api.operator(uscc)).status_code == 404


def test_objection_to_a_refusal_then_decided_like_any_other(api):
    uscc, target = new_uscc(), app_id()
    api.notice(target, uscc, status="refused")
    r = api.post(API, json=body("cultivation_refusal", target), headers=api.operator(uscc))
    assert r.status_code == 201, r.text
    a = r.json()
    again = api.post(API, json=body("cultivation_refusal", target), headers=api.operator(uscc))
    assert again.status_code == 409 and again.json()["code"] == "appeal_already_open"
    assert api.post(f"/api/v1/appeals/{a['id']}/review", headers=api.county()).status_code == 200
    r = api.post(f"/api/v1/appeals/{a['id']}/decision", headers=api.county(),
                 json={"decision": "upheld", "reason": "经复核，走访时店主外出，经营属实"})
    assert r.status_code == 200 and r.json()["decision"] == "upheld", r.text
    with api.client.app.state.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.payload).where(outbox.c.type == "getihu.appeal.decided.v1")).scalars()
        decided = [json.loads(p)["data"] for p in rows]
    [event] = [e for e in decided if e["appeal_id"] == a["id"]]
    assert (event["target_kind"], event["target_id"], event["decision"]) == ("cultivation_refusal", target, "upheld")


@pytest.mark.parametrize("who, status", [("other_operator", 404), ("county", 403), ("anonymous", 401)])
def test_only_the_businesss_operator_objects(api, who, status):
    uscc, target = new_uscc(), app_id()
    api.notice(target, uscc, status="refused")
    headers = {"other_operator": api.operator(new_uscc()), "county": api.county(), "anonymous": {}}[who]
    assert api.post(API, json=body("cultivation_refusal", target), headers=headers).status_code == status


def test_no_objection_once_the_result_no_longer_stands(api):
    uscc, target, rec = new_uscc(), app_id(), rec_id()
    t0 = clock.now()
    api.notice(target, uscc, status="refused", changed_at=t0)
    api.notice(target, uscc, status="submitted", changed_at=t0 + dt.timedelta(seconds=1))  # reopened
    r = api.post(API, json=body("cultivation_refusal", target), headers=api.operator(uscc))
    assert r.status_code == 409 and r.json()["code"] == "result_superseded"
    api.recognition(rec, uscc, status="cancelled", reason="x", changed_at=t0)
    api.recognition(rec, uscc, status="granted", changed_at=t0 + dt.timedelta(seconds=1))  # restored
    assert api.post(API, json=body("cultivation_cancellation", rec), headers=api.operator(uscc)).status_code == 409
    # an older event replayed after the restoration does not reopen the result
    api.recognition(rec, uscc, status="cancelled", reason="x", changed_at=t0)
    assert api.post(API, json=body("cultivation_cancellation", rec), headers=api.operator(uscc)).status_code == 409


@pytest.mark.parametrize("patch, field", [
    ({"target_kind": "typing_result"}, "target_kind"),
    ({"target_id": "ty_123"}, "target_id"),
    ({"grounds": "太短"}, "grounds"),
])
def test_bad_input_names_the_field(api, patch, field):
    uscc = new_uscc()
    r = api.post(API, json={**body("cultivation_refusal", app_id()), **patch}, headers=api.operator(uscc))
    assert r.status_code == 422 and field in json.dumps(r.json(), ensure_ascii=False)
