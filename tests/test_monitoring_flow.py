"""Monitoring through the whole platform (issue: monitoring, analysis and policy publicity).

County staff register two businesses; the prefecture runs typing for their county and publishes it;
monitoring-svc projects the registry's state and the published results from Kafka; the operators
report a quarter's operating figures online; the county asks for the quarterly report, a job of the
monitoring worker, and downloads its XLSX: it opens with openpyxl and its numbers are those of the
events (each business under its published type, the returns summed), and equal the analysis JSON.
"""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from getihu_kit import testing
from getihu_kit.domain import id_number, uscc
from harness import publish_run

YEAR, REGION = 2025, "232722"


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

    r = gateway.post("/api/v1/monitoring/reports", json={"year": YEAR, "quarter": 3}, headers=county)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    job = testing.wait_until(lambda: (lambda j: j if j["status"] in ("completed", "failed") else None)(
        gateway.get(f"/api/v1/jobs/{job_id}", headers=county).json()), timeout=90, message="the report job")
    assert job["status"] == "completed", job

    f = gateway.get(f"/api/v1/monitoring/reports/{job_id}/file", headers=county)
    assert f.status_code == 200, f.text
    wb = load_workbook(io.BytesIO(f.content), read_only=True)
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
