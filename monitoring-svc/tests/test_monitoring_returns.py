"""Operating returns against PostgreSQL: online, by a contact point, by a county import job; confidential and audited."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from getihu_kit import clock, testing
from monitoring_svc.imports import job_runner as import_loop
from monitoring_fixtures import OTHER_REGION, REGION, figures, new_uscc

TODAY = clock.today()
YEAR, QUARTER = TODAY.year, (TODAY.month - 1) // 3 + 1


def ret(uscc: str, **over) -> dict:
    return {"uscc": uscc, "year": YEAR, "quarter": QUARTER, **figures(), **over}


def test_the_operator_reports_online_and_a_second_return_replaces_the_first(api):
    u = new_uscc()
    api.register(u)
    r = api.post("/api/v1/monitoring/returns", json=ret(u), headers=api.operator(u))
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["source"] == "operator" and first["region_code"] == REGION and first["revision"] == 1
    assert first["sales"] == "86500.00" and first["outlook_label"] == "持平"
    loss = api.post("/api/v1/monitoring/returns", json=ret(u, profit="-1200.50"), headers=api.operator(u)).json()
    assert loss["revision"] == 2 and Decimal(loss["profit"]) == Decimal("-1200.50")
    mine = api.get("/api/v1/monitoring/returns", params={"uscc": u}, headers=api.operator(u)).json()["items"]
    assert [x["profit"] for x in mine] == ["-1200.50"]


@pytest.mark.parametrize("field, value", [("sales", "-1"), ("costs", "1.234"), ("sales", 12.5), ("employees", -1),
                                          ("outlook", "great"), ("quarter", 5), ("profit", "1e3")])
def test_bad_figures_are_a_422_naming_the_field(api, field, value):
    u = new_uscc()
    r = api.post("/api/v1/monitoring/returns", json=ret(u, **{field: value}), headers=api.operator(u))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == field


def test_who_may_report_and_for_which_quarter(api):
    u = new_uscc()
    api.register(u)
    other = new_uscc()
    assert api.post("/api/v1/monitoring/returns", json=ret(u), headers=api.operator(other)).status_code == 403
    assert api.post("/api/v1/monitoring/returns", json=ret(u)).status_code == 401
    future = (YEAR + 1, 1)
    r = api.post("/api/v1/monitoring/returns", json=ret(u, year=future[0], quarter=future[1]), headers=api.operator(u))
    assert r.status_code == 409 and r.json()["code"] == "return_period_closed"
    unknown = new_uscc()
    r = api.post("/api/v1/monitoring/returns", json=ret(unknown), headers=api.operator(unknown))
    assert r.status_code == 404 and r.json()["code"] == "business_not_found"


def test_a_contact_point_reports_for_its_businesses_once_acknowledged(api):
    followed, not_followed = new_uscc(), new_uscc()
    api.register(followed, not_followed)
    cp = api.post("/api/v1/monitoring/contact-points", headers=api.county(), json={
        "region_code": REGION, "name": "站前联系点", "contact_person": "李梅", "contact_phone": "13904571234",
        "usccs": [followed]}).json()
    body = ret(followed, contact_point_id=cp["id"])
    early = api.post("/api/v1/monitoring/returns", json=body, headers=api.county())
    assert early.status_code == 409 and early.json()["code"] == "contact_point_cannot_report"
    assert "备案" in early.json()["detail"]
    api.post(f"/api/v1/monitoring/contact-points/{cp['id']}/review", json={"decision": "acknowledged"},
             headers=api.prefecture())
    r = api.post("/api/v1/monitoring/returns", json=body, headers=api.county())
    assert r.status_code == 201 and r.json()["source"] == "contact_point" and r.json()["contact_point_id"] == cp["id"]
    stranger = api.post("/api/v1/monitoring/returns", json={**body, "uscc": not_followed}, headers=api.county())
    assert stranger.status_code == 409 and "名单" in stranger.json()["detail"]
    elsewhere = api.post("/api/v1/monitoring/returns", json=body, headers=api.county(OTHER_REGION))
    assert elsewhere.status_code == 404


def test_returns_are_never_public_and_every_staff_read_is_audited(api):
    u = new_uscc()
    api.register(u)
    api.post("/api/v1/monitoring/returns", json=ret(u), headers=api.operator(u))
    path = f"/api/v1/monitoring/returns/{u}/{YEAR}/{QUARTER}"
    assert api.get(path).status_code == 401
    assert api.get("/api/v1/monitoring/returns", params={"uscc": u}).status_code == 401
    assert api.get(path, headers=api.operator(new_uscc())).status_code == 403
    assert api.get(path, headers=api.county(OTHER_REGION, sub="nosy")).status_code == 404
    assert api.get(path, headers=api.operator(u)).status_code == 200
    clerk = api.county(sub=f"reader-{u[-6:]}")
    assert api.get(path, headers=clerk).json()["uscc"] == u
    page = api.get("/api/v1/monitoring/returns", params={"year": YEAR, "quarter": QUARTER}, headers=clerk).json()
    assert u in [x["uscc"] for x in page["items"]] and all(x["region_code"] == REGION for x in page["items"])
    audit = api.get("/api/v1/monitoring/returns/audit", params={"uscc": u}, headers=api.prefecture()).json()["items"]
    assert [(a["reader"], a["rows"]) for a in audit] == [(f"reader-{u[-6:]}", 1)]
    readers = {a["reader"] for a in api.get("/api/v1/monitoring/returns/audit", headers=api.prefecture()).json()["items"]}
    assert f"reader-{u[-6:]}" in readers and "nosy" not in readers
    assert api.get("/api/v1/monitoring/returns/audit", headers=clerk).status_code == 403


@pytest.fixture(scope="module")
def job_worker(api):
    stop = threading.Event()
    t = threading.Thread(target=import_loop(idle_wait_s=0.05),
                         args=(api.client.app.state.engine, api.client.app.state.sessions, stop), daemon=True)
    t.start()
    yield
    stop.set()
    t.join(10)


def test_a_county_import_lands_valid_rows_and_reports_each_bad_one(api, job_worker):
    good, twice, elsewhere, unknown = new_uscc(), new_uscc(), new_uscc(OTHER_REGION), new_uscc()
    api.register(good, twice)
    api.register(elsewhere, region=OTHER_REGION)
    header = "uscc,year,quarter,sales,costs,profit,employees,outlook,financing_need,loans_outstanding"
    lines = [f"{good},{YEAR},{QUARTER},1000.50,800,200.50,2,better,none,0",
             f"{twice},{YEAR},{QUARTER},10,5,5,1,stable,none,0",
             f"{twice},{YEAR},{QUARTER},20,5,15,1,stable,none,0",
             f"{elsewhere},{YEAR},{QUARTER},1,1,0,1,stable,none,0",
             f"{unknown},{YEAR},{QUARTER},1,1,0,1,stable,none,0",
             f"{good},{YEAR},{QUARTER},-5,1,0,1,stable,none,0",
             f"{good},{YEAR + 1},1,1,1,0,1,stable,none,0",
             f"{good},{YEAR},{QUARTER},1,1,0,1,soso,none,0"]
    csv = ("\n".join([header, *lines]) + "\n").encode()
    r = api.post("/api/v1/monitoring/returns/imports", content=csv, headers={**api.county(), "content-type": "text/csv"})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    assert job_id.startswith("mo_")

    def done():
        j = api.get(f"/api/v1/monitoring/jobs/{job_id}", headers=api.county()).json()
        return j if j["status"] in ("completed", "failed") else None
    job = testing.wait_until(done, timeout=30, message="the import job")
    assert job["status"] == "completed" and (job["accepted"], job["rejected"]) == (3, 5)
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(4, "uscc"), (5, "uscc"), (6, "sales"), (7, "quarter"),
                                                              (8, "outlook")]
    rows = {x["uscc"]: x for x in api.get("/api/v1/monitoring/returns", params={"year": YEAR, "quarter": QUARTER},
                                          headers=api.county(), ).json()["items"]}
    assert rows[good]["sales"] == "1000.50" and rows[good]["source"] == "county_import"
    assert rows[twice]["sales"] == "20.00", "a quarter given twice in one file keeps its last line"
    assert api.get(f"/api/v1/jobs/{job_id}", headers=api.county()).json()["id"] == job_id
    assert api.get(f"/api/v1/monitoring/jobs/{job_id}", headers=api.county(sub="someone-else")).status_code == 403


def test_an_import_needs_a_county_and_a_real_file(api):
    assert api.post("/api/v1/monitoring/returns/imports", content=b"uscc\n", headers={
        **api.prefecture(), "content-type": "text/csv"}).status_code == 403
    empty = api.post("/api/v1/monitoring/returns/imports", content=b"  ", headers={
        **api.county(), "content-type": "text/csv"})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "file"
    not_xlsx = api.post("/api/v1/monitoring/returns/imports", content=b"uscc,year\n", headers={
        **api.county(), "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert not_xlsx.status_code == 422


def test_staff_export_the_county_s_returns_as_csv_and_xlsx_audited(api):
    import csv as csvlib
    import io

    from openpyxl import load_workbook

    u = new_uscc()
    api.register(u)
    api.post("/api/v1/monitoring/returns", json=ret(u, sales="777.70"), headers=api.operator(u))
    clerk = api.county(sub=f"exporter-{u[-6:]}")
    r = api.get("/api/v1/monitoring/returns", params={"format": "csv", "year": YEAR, "quarter": QUARTER}, headers=clerk)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csvlib.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["统一社会信用代码", "年度", "季度", "区划代码", "销售额（元）"]
    mine = [x for x in rows[1:] if x[0] == u]
    assert mine and mine[0][4] == "777.70" and all(x[3] == REGION for x in rows[1:])
    x = api.get("/api/v1/monitoring/returns", params={"format": "xlsx", "year": YEAR}, headers=clerk)
    wb = load_workbook(io.BytesIO(x.content), read_only=True)
    assert any(row[0] == u for row in wb["数据"].iter_rows(values_only=True))
    audit = [a for a in api.get("/api/v1/monitoring/returns/audit", headers=api.prefecture()).json()["items"]
             if a["reader"] == f"exporter-{u[-6:]}"]
    assert {a["query"]["format"] for a in audit} == {"csv", "xlsx"} and all(a["rows"] >= 1 for a in audit)
    assert api.get("/api/v1/monitoring/returns", params={"format": "csv", "uscc": u},
                   headers=api.operator(u)).status_code == 403
    assert api.get("/api/v1/monitoring/returns", params={"format": "csv", "region_code": OTHER_REGION},
                   headers=clerk).status_code == 403
