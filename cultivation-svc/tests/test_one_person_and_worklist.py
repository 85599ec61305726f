"""二(四)3 one natural person per county, as of every operator change (the registry's state, not an ID number copied
once): the earlier recognition stands, the later goes to the county's worklist and is cancelled with the reason.
二(六) info reports reviewed by the county (accept / ask for correction), listed on the same worklist."""
from __future__ import annotations

import datetime as dt

from getihu_kit import clock
from getihu_kit.domain import id_number

API = "/api/v1/cultivation"


def test_operator_change_puts_two_recognitions_under_one_person(world):
    region, person = "232761", id_number.make(serial=7101)
    first, rec1 = world.recognised(region, operator_id=person, operator_name="赵六")
    second, rec2 = world.recognised(region)  # another operator: allowed
    unrelated, rec3 = world.recognised(region)
    staff, c = world.county(region), world.client(dt.date(2026, 10, 1))
    # The registry reports that 赵六 now runs the second business too.
    world.business(region, uscc=second, operator_id=person, operator_name="赵六", version=2, type_=None)
    later = c.get(f"{API}/recognitions/{rec2['id']}", headers=staff).json()
    assert later["conflict_with"] == rec1["id"] and first in later["conflict_reason"] and "二(四)3" in later["conflict_reason"]
    assert c.get(f"{API}/recognitions/{rec1['id']}", headers=staff).json()["conflict_with"] is None  # earlier stands
    work = c.get(f"{API}/worklist", params={"region_code": region}, headers=staff).json()
    assert [x["recognition_id"] for x in work["one_person_conflicts"] if x["uscc"] in (first, second)] == [rec2["id"]]
    pending = {x["recognition_id"]: x for x in work["operator_changes_pending"]}
    # 及时报告: due 30 days (operator_change_report_days) after the change the registry recorded
    assert pending[rec2["id"]]["due_on"] == (clock.today() + dt.timedelta(days=30)).isoformat()
    r = c.post(f"{API}/recognitions/{rec3['id']}/cancellation", headers=staff)
    assert r.status_code == 409  # no conflict: not cancelled this way
    r = c.post(f"{API}/recognitions/{rec2['id']}/cancellation", headers=staff)
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["end_reason"] == later["conflict_reason"]
    assert c.get(f"{API}/worklist", params={"region_code": region}, headers=world.county("232701")).status_code == 403


def test_the_same_person_in_another_county_is_no_conflict(world):
    person = id_number.make(serial=7102)
    world.recognised("232761", operator_id=person)
    other, rec = world.recognised("232762")
    world.business("232762", uscc=other, operator_id=person, version=2, type_=None)
    got = world.client().get(f"{API}/recognitions/{rec['id']}", headers=world.county("232762")).json()
    assert got["conflict_with"] is None


def test_info_report_review_accept_or_correction(world):
    u, rec = world.recognised("232763")
    staff = world.county("232763")
    c = world.client(dt.date(2027, 7, 20))
    body = {"year": 2027, "revenue": "500000", "employees": 3}
    report = c.post(f"{API}/recognitions/{rec['id']}/info-reports", json=body, headers=world.operator(u)).json()
    work = c.get(f"{API}/worklist", params={"region_code": "232763"}, headers=staff).json()
    assert report["id"] in [x["report_id"] for x in work["info_reports_to_review"]]
    path = f"{API}/recognitions/{rec['id']}/info-reports/{report['id']}/review"
    r = c.post(path, json={"decision": "correction_requested"}, headers=staff)
    assert r.status_code == 422  # what to correct must be named
    r = c.post(path, json={"decision": "correction_requested", "note": "营业收入与年报不一致"}, headers=staff)
    assert r.status_code == 200 and r.json()["reviewed"] == "correction_requested"
    assert c.post(path, json={"decision": "accepted"}, headers=staff).status_code == 409
    again = c.post(f"{API}/recognitions/{rec['id']}/info-reports", json=body, headers=world.operator(u))
    assert again.status_code == 201  # the corrected report is filed anew
    r = c.post(f"{API}/recognitions/{rec['id']}/info-reports/{again.json()['id']}/review",
               json={"decision": "accepted"}, headers=staff)
    assert r.json()["reviewed"] == "accepted"
    assert c.post(f"{API}/recognitions/{rec['id']}/info-reports", json=body,
                  headers=world.operator(u)).status_code == 409


def test_an_operator_change_opens_a_due_report_for_notify_and_filing_it_closes_it(world):
    """二(六) 变更后及时报告: the due report goes out as an event (notify tells the operator the deadline and reminds
    before it); the operator's report closes it (no reminder any more); a business without a recognition owes none."""
    from getihu_kit.schemas.cultivation import InfoReportDue
    region = "232763"
    u, rec = world.recognised(region)
    plain = world.business(region)
    world.business(region, uscc=u, operator_id=id_number.make(serial=7201), operator_name="钱七", version=2, type_=None)
    world.business(region, uscc=plain, operator_id=id_number.make(serial=7202), version=2, type_=None)
    opened = [e for e in world.outbox(InfoReportDue.event_type, u)]
    assert [(e["recognition_id"], e["status"]) for e in opened] == [(rec["id"], "open")]
    assert opened[0]["due_on"] == (dt.date.fromisoformat(opened[0]["opened_on"]) + dt.timedelta(days=30)).isoformat()
    assert world.outbox(InfoReportDue.event_type, plain) == []
    c = world.client(dt.date(2026, 10, 1))
    r = c.post(f"{API}/recognitions/{rec['id']}/info-reports", json={"year": 2026, "kind": "operator_change"},
               headers=world.operator(u))
    assert r.status_code == 201, r.text
    closed = world.outbox(InfoReportDue.event_type, u)[1:]
    assert [(e["status"], e["due_on"]) for e in closed] == [("filed", opened[0]["due_on"])]
    again = c.post(f"{API}/recognitions/{rec['id']}/info-reports", json={"year": 2026, "kind": "operator_change"},
                   headers=world.operator(u))
    assert again.status_code == 201 and len(world.outbox(InfoReportDue.event_type, u)) == 2  # nothing was due
