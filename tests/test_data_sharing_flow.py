"""Data sharing through the gateway, as agencies and staff use it (issue: data-sharing-svc).

An agency submits a batch; the business is registered in the registry, whose state reaches
data-sharing-svc's projection; county staff of the business's region read its facts; the read
shows in the audit log for prefecture staff; the public and other agencies cannot read facts.
"""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from getihu_kit import exports, testing
from getihu_kit.domain import id_number, uscc

YEAR = 2025


@pytest.mark.stack
def test_agency_batch_staff_read_audit_and_confidentiality(gateway):
    u = uscc.make("232721", serial=770001)
    operator = id_number.make(serial=771)
    county = gateway.token("huma-clerk", ["county_staff"], region_code="232721")
    tax = gateway.token("tax-bureau", ["agency"], dataset="tax")
    court = gateway.token("court", ["agency"], dataset="dishonest_debtor")
    prefecture = gateway.token("pref-auditor", ["prefecture_staff"])

    # the agency is ahead of the registry: accepted all the same
    r = gateway.post("/api/v1/data-sharing/batches", headers=tax, json={"dataset": "tax", "year": YEAR, "records": [
        {"uscc": u, "tax_paid": "1234.50", "general_taxpayer": True, "abnormal_taxpayer": False},
        {"uscc": u[:-1] + "0", "tax_paid": "1", "general_taxpayer": True, "abnormal_taxpayer": False}]})
    assert r.status_code == 201, r.text
    assert (r.json()["accepted"], r.json()["rejected"]) == (1, 1) and r.json()["errors"][0]["row"] == 2
    again = gateway.post("/api/v1/data-sharing/batches", headers=tax, json={"dataset": "tax", "year": YEAR, "records": [
        {"uscc": u, "tax_paid": "1234.50", "general_taxpayer": True, "abnormal_taxpayer": False},
        {"uscc": u[:-1] + "0", "tax_paid": "1", "general_taxpayer": True, "abnormal_taxpayer": False}]})
    assert again.json()["id"] == r.json()["id"]
    assert gateway.post("/api/v1/data-sharing/batches", headers=court, json={
        "dataset": "dishonest_debtor", "year": YEAR, "records": [{"id_number": operator, "listed_on": "2025-03-01"}],
    }).status_code == 201

    assert gateway.post("/api/v1/businesses", headers=county, json={
        "uscc": u, "name": "呼玛小店", "operator": {"name": "王五", "id_number": operator},
        "region_code": "232721", "established_on": "2019-05-01"}).status_code == 201

    def readable():
        resp = gateway.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR}, headers=county)
        return resp.json() if resp.status_code == 200 and resp.json()["registered"] else None
    facts = testing.wait_until(readable, timeout=60, message="registry state reached data-sharing")
    assert facts["tax"]["tax_paid"] == "1234.50" and facts["tax"]["agency"] == "tax-bureau"
    assert facts["tax"]["batch_id"] == r.json()["id"]
    # a business registered after its operator's listing arrived: the projection links them
    linked = testing.wait_until(lambda: gateway.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR},
                                                    headers=county).json()["dishonest_debtors"] or None, timeout=30,
                                message="operator listing linked")
    assert linked[0]["listed_on"] == "2025-03-01"

    audit = gateway.get("/api/v1/data-sharing/audit", params={"uscc": u}, headers=prefecture)
    assert audit.status_code == 200
    assert any(e["reader"] == "huma-clerk" and "tax" in e["fields"] for e in audit.json()["items"])
    assert gateway.get("/api/v1/data-sharing/audit", headers=county).status_code == 403

    public = gateway.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR})
    assert public.status_code == 401 and "1234.50" not in public.text
    assert gateway.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR}, headers=court).status_code == 403
    other_county = gateway.token("tahe-clerk", ["county_staff"], region_code="232722")
    assert gateway.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR},
                       headers=other_county).status_code == 403

    cov = gateway.get("/api/v1/data-sharing/coverage", params={"year": YEAR}, headers=prefecture).json()
    assert {d["dataset"] for d in cov["datasets"] if d["arrived"]} >= {"tax", "dishonest_debtor"}


@pytest.mark.stack
def test_agency_file_upload_is_a_job_through_the_gateway(gateway):
    si = gateway.token("hr-bureau", ["agency"], dataset="social_insurance")
    rows = "\n".join(f"{uscc.make('232701', serial=780000 + i)},{i % 5}" for i in range(200))
    r = gateway.post("/api/v1/data-sharing/batches/files", params={"dataset": "social_insurance", "year": YEAR},
                     content=("uscc,insured_employees\n" + rows + "\n").encode(),
                     headers={**si, "Content-Type": "text/csv"})
    assert r.status_code == 202, r.text
    job = testing.wait_until(lambda: (lambda j: j if j["status"] == "completed" else None)(
        gateway.get(f"/api/v1/jobs/{r.json()['id']}", headers=si).json()), timeout=60, message="job completed")
    assert (job["accepted"], job["rejected"]) == (200, 0)


@pytest.mark.stack
def test_a_file_batchs_refused_rows_download_as_xlsx_or_csv(gateway):
    si = gateway.token("hr-bureau-2", ["agency"], dataset="social_insurance")
    body = f"uscc,insured_employees\n{uscc.make('232701', serial=781001)},3\n{uscc.make('232701', serial=781002)},-1\n"
    r = gateway.post("/api/v1/data-sharing/batches/files", params={"dataset": "social_insurance", "year": YEAR},
                     content=body.encode(), headers={**si, "Content-Type": "text/csv"})
    assert r.status_code == 202, r.text
    job = testing.wait_until(lambda: (lambda j: j if j["status"] == "completed" else None)(
        gateway.get(f"/api/v1/jobs/{r.json()['id']}", headers=si).json()), timeout=60, message="job completed")
    assert (job["accepted"], job["rejected"]) == (1, 1)
    url = f"/api/v1/jobs/{r.json()['id']}/errors"
    xlsx = gateway.get(url, headers=si)  # xlsx unless asked otherwise
    assert xlsx.headers["content-type"] == exports.XLSX_TYPE
    rows = list(load_workbook(io.BytesIO(xlsx.content), read_only=True)["数据"].values)
    assert rows == [exports.ROW_ERROR_HEADER, (2, job["errors"][0]["field"], job["errors"][0]["message"])]
    text = gateway.get(url, params={"format": "csv"}, headers=si).content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(exports.ROW_ERROR_HEADER) and len(text.splitlines()) == 2
    # another agency's job is not there for it; the prefecture reads every job
    other = gateway.token("tax-bureau-2", ["agency"], dataset="tax")
    assert gateway.get(url, headers=other).status_code == 404
    assert gateway.get(url, headers=gateway.token("pref-2", ["prefecture_staff"])).status_code == 200
    # the agency's batches, newest first, without their row reports; another dataset's agency sees none of them
    mine = gateway.get("/api/v1/data-sharing/batches", params={"year": YEAR}, headers=si).json()["items"]
    assert mine[0]["id"] == r.json()["batch_id"] and (mine[0]["accepted"], mine[0]["rejected"]) == (1, 1)
    assert "errors" not in mine[0] and {b["dataset"] for b in mine} == {"social_insurance"}
    theirs = gateway.get("/api/v1/data-sharing/batches", params={"dataset": "social_insurance"}, headers=other).json()
    assert all(b["dataset"] == "tax" for b in theirs["items"])
