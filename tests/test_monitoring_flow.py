"""Monitoring through the whole platform (issue: monitoring, analysis and policy publicity).

County staff register two businesses; the prefecture runs typing for their county and publishes it;
monitoring-svc projects the registry's state and the published results from Kafka; the operators
report a quarter's operating figures online; the county asks for the quarterly report, a job of the
monitoring worker, and downloads its XLSX: it opens with openpyxl and its numbers are those of the
events (each business under its published type, the returns summed), and equal the analysis JSON.
The county then sends a questionnaire on a policy to its businesses: notify-svc puts it in each
business's inbox (once, though it is sent twice), the operators answer, and the report of the current
quarter has the policy's knowledge and satisfaction rates on its policy_awareness sheet.
"""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from getihu_kit import clock, testing
from getihu_kit.domain import id_number, uscc
from harness import publish_run

YEAR, REGION = 2025, "232722"


def report(gateway, headers: dict, year: int, quarter: int):
    """A report job of the monitoring worker, waited for: its id and its workbook as openpyxl reads it."""
    r = gateway.post("/api/v1/monitoring/reports", json={"year": year, "quarter": quarter}, headers=headers)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    job = testing.wait_until(lambda: (lambda j: j if j["status"] in ("completed", "failed") else None)(
        gateway.get(f"/api/v1/jobs/{job_id}", headers=headers).json()), timeout=90, message="the report job")
    assert job["status"] == "completed", job
    f = gateway.get(f"/api/v1/monitoring/reports/{job_id}/file", headers=headers)
    assert f.status_code == 200, f.text
    return job_id, load_workbook(io.BytesIO(f.content), read_only=True)


@pytest.mark.stack
def test_published_run_and_returns_make_a_quarterly_report_whose_workbook_matches(gateway):
    county = gateway.token("tahe-monitoring", ["county_staff"], region_code=REGION)
    prefecture = gateway.token("pref-monitoring", ["prefecture_staff"])
    usccs = [uscc.make(REGION, serial=992_301 + i) for i in range(2)]
    for i, u in enumerate(usccs):
        r = gateway.post("/api/v1/businesses", headers=county, json={
            "uscc": u, "name": f"塔河监测小店{i}", "region_code": REGION, "established_on": "2019-05-01",
            "industry_code": "H6210", "operator": {"name": "赵六", "id_number": id_number.make(serial=99230 + i)}})
        assert r.status_code == 201, r.text

    def run_with_both():
        r = gateway.post("/api/v1/typing/runs", headers=prefecture, json={"year": YEAR, "region_codes": [REGION]})
        assert r.status_code == 202, r.text
        run = testing.wait_until(lambda: (lambda x: x if x["status"] in ("completed", "failed") else None)(
            gateway.get(f"/api/v1/typing/runs/{r.json()['id']}", headers=prefecture).json()), timeout=90,
            message="typing run finished")
        results = [gateway.get(f"/api/v1/typing/results/{u}", params={"year": YEAR}, headers=prefecture) for u in usccs]
        return run if all(x.status_code == 200 and x.json()["run_id"] == run["id"] for x in results) else None
    run = testing.wait_until(run_with_both, timeout=180, interval=2, message="a run that typed both businesses")
    publish_run(gateway, run["id"], headers=prefecture)
    types = {u: gateway.get(f"/api/v1/typing/results/{u}", params={"year": YEAR}, headers=prefecture).json()["type"]
             for u in usccs}

    sales = {usccs[0]: "12000.50", usccs[1]: "8000.25"}
    for u in usccs:
        operator = gateway.token(f"op-{u[-6:]}", ["operator"], usccs=[u])
        body = {"uscc": u, "year": YEAR, "quarter": 3, "sales": sales[u], "costs": "5000", "profit": "-100.5",
                "employees": 2, "outlook": "stable"}

        def reported():  # the registry's state reaches monitoring through Kafka
            r = gateway.post("/api/v1/monitoring/returns", json=body, headers=operator)
            assert r.status_code in (201, 404), r.text
            return r.json() if r.status_code == 201 else None
        testing.wait_until(reported, timeout=90, interval=1, message="the return accepted")

    def analysed():  # the published results reach monitoring through Kafka
        a = gateway.get("/api/v1/monitoring/analysis", params={"year": YEAR, "quarter": 3}, headers=county).json()
        rows = a["tables"]["indicators"]["rows"]
        return a if sum(r["returns"] for r in rows if r["type"] != "untyped") == 2 else None
    analysis = testing.wait_until(analysed, timeout=90, interval=1, message="both returns under their published type")

    job_id, wb = report(gateway, county, YEAR, 3)
    assert set(analysis["tables"]) <= set(wb.sheetnames)
    rows = list(wb["indicators"].iter_rows(values_only=True))[1:]
    got = {row[1]: (row[3], Decimal(str(row[4])), Decimal(str(row[6])), row[7]) for row in rows}
    expected: dict[str, tuple] = {}
    for u in usccs:
        n, s, p, e = expected.get(types[u], (0, Decimal(0), Decimal(0), 0))
        expected[types[u]] = (n + 1, s + Decimal(sales[u]), p + Decimal("-100.5"), e + 2)
    assert got == expected
    sheet_types = {(row[0], row[2]): row[4] for row in list(wb["types_by_county"].iter_rows(values_only=True))[1:]}
    json_types = {(x["region_code"], x["type"]): x["businesses"] for x in analysis["tables"]["types_by_county"]["rows"]}
    assert sheet_types == json_types and all(sheet_types[(REGION, t)] >= 1 for t in types.values())

    page = gateway.get(f"/api/v1/monitoring/reports/{job_id}/file", params={"format": "html"}, headers=county)
    assert page.status_code == 200 and "<svg" in page.text
    assert gateway.get(f"/api/v1/monitoring/returns/{usccs[0]}/{YEAR}/3").status_code == 401

    questionnaire_answered_and_in_the_report(gateway, county, prefecture, usccs)


# (knowledge: option 1 “了解” counts, satisfaction 1–5: 4 and 5 count) per business
ANSWERS = ((1, 5), (2, 3))


def questionnaire_answered_and_in_the_report(gateway, county, prefecture, usccs):
    r = gateway.post("/api/v1/monitoring/policies", headers=prefecture, json={
        "title": "塔河县个体工商户贷款贴息", "content": "贷款贴息", "conditions": "在册个体工商户", "procedure": "免申即享",
        "department": "塔河县市场监管局", "in_force_from": "2025-01-01"})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = gateway.post("/api/v1/monitoring/questionnaires", headers=county, json={"title": "贷款贴息政策知晓度调查", "questions": [
        {"kind": "single", "text": "您是否了解贷款贴息政策？", "policy_id": pid, "dimension": "knowledge",
         "options": [{"label": "了解", "positive": True}, {"label": "不了解"}]},
        {"kind": "scale", "text": "您对贷款贴息政策的满意程度", "policy_id": pid, "dimension": "satisfaction"}]})
    assert r.status_code == 201, r.text
    qid = r.json()["id"]
    path = f"/api/v1/monitoring/questionnaires/{qid}/versions/1"
    assert gateway.post(f"{path}/publication", headers=county).status_code == 200
    first = gateway.post(f"{path}/sends", headers=county, json={}).json()
    assert first["sent"] >= 2, first  # the county's businesses monitoring knows, ours among them
    again = gateway.post(f"{path}/sends", headers=county, json={"types": ["survival", "growth", "development"],
                                                                "year": YEAR}).json()
    assert again["sent"] == 0, again

    for u, (knows, satisfied) in zip(usccs, ANSWERS):
        operator = gateway.token(f"op-{u[-6:]}", ["operator"], usccs=[u])

        def in_inbox():  # QuestionnaireSent through Kafka to notify-svc
            items = gateway.get("/api/v1/notifications/inbox", params={"recipient": f"uscc:{u}"},
                                headers=operator).json()["items"]
            found = [n for n in items if n["template"]["code"] == "monitoring.questionnaire"]
            return found or None
        found = testing.wait_until(in_inbox, timeout=90, interval=1, message="the questionnaire in the inbox")
        assert len(found) == 1 and "贷款贴息政策知晓度调查" in found[0]["title"]
        r = gateway.post(f"{path}/answers", headers=operator, json={"uscc": u, "answers": [
            {"no": 1, "choice": knows}, {"no": 2, "scale": satisfied}]})
        assert r.status_code == 201, r.text
    r = gateway.post(f"{path}/answers", headers=operator, json={"uscc": usccs[-1], "answers": [
        {"no": 1, "choice": 1}, {"no": 2, "scale": 5}]})
    assert r.status_code == 409 and r.json()["code"] == "questionnaire_already_answered"

    results = gateway.get(f"{path}/results", headers=county).json()
    [rates] = results["policies"]
    knows = sum(1 for k, _ in ANSWERS if k == 1)
    satisfied = sum(1 for _, s in ANSWERS if s >= 4)
    assert (rates["knowledge"]["positive"], rates["satisfaction"]["positive"]) == (knows, satisfied)

    today = clock.today()
    _, wb = report(gateway, county, today.year, (today.month - 1) // 3 + 1)
    sheet = list(wb["policy_awareness"].iter_rows(values_only=True))
    header, rows = sheet[0], {row[0]: dict(zip(sheet[0], row)) for row in sheet[1:]}
    assert "知晓率" in header and "满意率" in header
    mine = rows[pid]
    assert mine["政策名称"] == "塔河县个体工商户贷款贴息"
    assert (mine["知晓度作答数"], mine["知晓率"]) == (len(ANSWERS), round(knows / len(ANSWERS), 4))
    assert (mine["满意度作答数"], mine["满意率"]) == (len(ANSWERS), round(satisfied / len(ANSWERS), 4))
