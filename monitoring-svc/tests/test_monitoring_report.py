"""The report job against PostgreSQL: an XLSX with one sheet per table whose numbers are the analysis', and an
HTML report with inline SVG charts."""
from __future__ import annotations

import io
import threading
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from getihu_kit import clock, testing
from monitoring_svc.imports import job_runner
from monitoring_fixtures import OTHER_REGION, REGION, figures, new_uscc

YEAR = clock.today().year


@pytest.fixture(scope="module")
def job_worker(api):
    stop = threading.Event()
    t = threading.Thread(target=job_runner(idle_wait_s=0.05),
                         args=(api.client.app.state.engine, api.client.app.state.sessions, stop), daemon=True)
    t.start()
    yield
    stop.set()
    t.join(10)


def finished(api, job_id: str, headers: dict) -> dict:
    def done():
        j = api.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        return j if j["status"] in ("completed", "failed") else None
    return testing.wait_until(done, timeout=30, message="the report job")


def test_report_scope_and_a_file_before_it_is_ready(api):
    county = api.county()
    assert api.post("/api/v1/monitoring/reports", json={"year": YEAR, "region_code": OTHER_REGION},
                    headers=county).status_code == 403
    assert api.post("/api/v1/monitoring/reports", json={"year": YEAR}, headers=api.operator(new_uscc())).status_code == 403
    # runs before the module's job worker starts (the next test asks for it), so the job is still queued
    r = api.post("/api/v1/monitoring/reports", json={"year": YEAR}, headers=county)
    assert r.json()["id"].startswith("mo_") and r.json()["status"] == "queued"
    early = api.get(f"/api/v1/monitoring/reports/{r.json()['id']}/file", headers=county)
    assert early.status_code == 404 and early.json()["code"] == "report_not_ready"
    assert api.get(f"/api/v1/monitoring/reports/{r.json()['id']}/file", headers=api.county(OTHER_REGION)).status_code == 403


def test_a_quarterly_report_job_gives_a_workbook_matching_the_analysis(api, job_worker):
    usccs = [new_uscc() for _ in range(3)]
    api.register(*usccs)
    for u, t in zip(usccs, ("growth", "growth", "survival")):
        api.publish_result(u, year=YEAR, type_=t)
    for i, u in enumerate(usccs):
        r = api.post("/api/v1/monitoring/returns", headers=api.operator(u), json={
            "uscc": u, "year": YEAR, "quarter": 1, **figures(sales=f"{1000 * (i + 1)}.25", employees=i + 1)})
        assert r.status_code == 201, r.text
    county = api.county()
    r = api.post("/api/v1/monitoring/reports", json={"year": YEAR, "quarter": 1}, headers=county)
    assert r.status_code == 202, r.text
    job = finished(api, r.json()["id"], county)
    assert job["status"] == "completed", job

    wb_bytes = api.get(f"/api/v1/monitoring/reports/{job['id']}/file", headers=county)
    assert wb_bytes.status_code == 200 and "xlsx" in wb_bytes.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(wb_bytes.content), read_only=True)
    analysis = api.get("/api/v1/monitoring/analysis", params={"year": YEAR, "quarter": 1}, headers=county).json()
    assert wb.sheetnames == ["说明", *analysis["tables"]]
    sheet = list(wb["indicators"].iter_rows(values_only=True))
    header, rows = sheet[0], sheet[1:]
    assert header[:5] == ("季度", "类型代码", "类型", "报送户数", "销售额（元）")
    by_type = {row[1]: row for row in rows}
    assert by_type["growth"][3] == 2 and Decimal(str(by_type["growth"][4])) == Decimal("3000.50")
    assert by_type["survival"][3] == 1 and by_type["survival"][7] == 3
    expected = {x["type"]: x for x in analysis["tables"]["indicators"]["rows"]}
    assert {k: (v[3], Decimal(str(v[4]))) for k, v in by_type.items()} == {
        k: (v["returns"], Decimal(v["sales"])) for k, v in expected.items()}
    counts = {row[2]: row[4] for row in list(wb["types_by_county"].iter_rows(values_only=True))[1:]}
    assert counts == {"growth": 2, "survival": 1}

    page = api.get(f"/api/v1/monitoring/reports/{job['id']}/file", params={"format": "html"}, headers=county)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<svg" in page.text and "漠河市个体工商户" in page.text and "第1季度" in page.text
