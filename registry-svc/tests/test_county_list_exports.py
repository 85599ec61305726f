"""The county 名录 for staff: the JSON list, its CSV / XLSX export (masking per role, audited), and
the export as a job (progress, download, another county refused)."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from getihu_kit import testing
from getihu_kit.db import make_engine
from getihu_kit.domain.masking import mask_id_number, mask_phone
from registry_svc.models import confidential_reads

REGION = "232763"  # 新林区: the other registry tests register elsewhere
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def json_usccs(client, headers, **params) -> list[str]:
    out, cursor = [], None
    while True:
        page = client.get("/api/v1/businesses", params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=headers).json()
        out += [i["uscc"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def reads(settings, reader: str) -> list[dict]:
    e = make_engine(settings.database_url)
    try:
        with e.connect() as c:
            return [dict(r) for r in c.execute(select(confidential_reads).where(
                confidential_reads.c.reader == reader)).mappings()]
    finally:
        e.dispose()


def test_the_county_list_exports_with_the_json_list_s_rows_and_filters(client, tokens, registered, settings):
    docs = [registered(REGION) for _ in range(3)]
    revoked = docs[0]["uscc"]
    r = client.post(f"/api/v1/businesses/{revoked}/status", json={"status": "revoked", "effective_on": "2024-03-01"},
                    headers=tokens.prefecture)
    assert r.status_code == 200, r.text
    clerk = tokens(["county_staff"], sub="exporter-xl", region_code=REGION)
    listed = json_usccs(client, clerk)
    assert set(d["uscc"] for d in docs) <= set(listed) and listed == sorted(listed)

    r = client.get("/api/v1/businesses", params={"format": "csv"}, headers=clerk)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
    rows = rows_of(r.content)
    assert rows[0][:5] == ["统一社会信用代码", "名称", "经营者", "经营者身份证号码", "经营者联系电话"]
    assert [x[0] for x in rows[1:]] == listed
    line = next(x for x in rows[1:] if x[0] == docs[1]["uscc"])
    op = docs[1]["operator"]
    assert line[1:5] == [docs[1]["name"], op["name"], op["id_number"], op["phone"]]  # the county's clerk: in full
    assert line[6] == "新林区" and line[11] == "登记在册"
    assert next(x for x in rows[1:] if x[0] == revoked)[11] == "吊销"

    only = rows_of(client.get("/api/v1/businesses", params={"format": "csv", "status": "revoked"}, headers=clerk).content)
    assert [x[0] for x in only[1:]] == json_usccs(client, clerk, status="revoked") and revoked in [x[0] for x in only]

    x = client.get("/api/v1/businesses", headers={**clerk, "accept": XLSX})
    assert x.status_code == 200 and x.headers["content-type"] == XLSX
    sheet = list(load_workbook(io.BytesIO(x.content), read_only=True)["数据"].iter_rows(values_only=True))
    assert [s[0] for s in sheet[1:]] == listed and sheet[0][3] == "经营者身份证号码"

    audit = reads(settings, "exporter-xl")
    assert sorted(a["query"]["format"] for a in audit) == ["csv", "csv", "xlsx"]
    assert {a["what"] for a in audit} == {"county_list"} and max(a["rows"] for a in audit) == len(listed)
    assert all(a["query"]["region_code"] == REGION for a in audit)


def test_an_admin_s_export_is_masked_and_not_a_confidential_read(client, tokens, registered, settings):
    doc = registered(REGION)
    admin = tokens(["admin"], sub="admin-xl")
    rows = rows_of(client.get("/api/v1/businesses", params={"format": "csv", "region_code": REGION},
                              headers=admin).content)
    line = next(x for x in rows[1:] if x[0] == doc["uscc"])
    assert line[3:5] == [mask_id_number(doc["operator"]["id_number"]), mask_phone(doc["operator"]["phone"])]
    assert reads(settings, "admin-xl") == []


def test_the_county_list_export_refuses_what_the_list_refuses(client, tokens):
    clerk = tokens.county(REGION)
    assert client.get("/api/v1/businesses", params={"format": "csv", "region_code": "232701"},
                      headers=clerk).status_code == 403
    bad = client.get("/api/v1/businesses", params={"format": "docx"}, headers=clerk)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"
    assert client.get("/api/v1/businesses", params={"format": "csv"}).status_code == 401
    assert client.get("/api/v1/businesses", params={"format": "csv"},
                      headers=tokens(["operator"], usccs=[])).status_code == 403


def test_the_county_list_export_job_to_a_file_only_its_county_downloads(client, tokens, registered, settings):
    docs = [registered(REGION) for _ in range(2)]
    clerk = tokens(["county_staff"], sub="job-exporter-xl", region_code=REGION)
    r = client.post("/api/v1/businesses/exports", json={"format": "xlsx"}, headers=clerk)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "export" and job["id"].startswith("rg_")

    def done():
        j = client.get(f"/api/v1/businesses/exports/{job['id']}", headers=clerk).json()
        return j if j["status"] in ("completed", "failed") else None
    finished = testing.wait_until(done, timeout=60, message="the export job")
    listed = json_usccs(client, clerk)
    assert finished["status"] == "completed" and finished["progress"] == 1.0 and finished["processed"] == len(listed)
    f = client.get(f"/api/v1/businesses/exports/{job['id']}/file", headers=clerk)
    assert f.status_code == 200 and f.headers["content-type"] == XLSX
    sheet = list(load_workbook(io.BytesIO(f.content), read_only=True)["数据"].iter_rows(values_only=True))
    assert [s[0] for s in sheet[1:]] == listed and {d["uscc"] for d in docs} <= {s[0] for s in sheet}
    assert next(s for s in sheet if s[0] == docs[0]["uscc"])[3] == docs[0]["operator"]["id_number"]

    other = tokens.county("232701")
    assert client.get(f"/api/v1/businesses/exports/{job['id']}/file", headers=other).status_code == 403
    assert client.get(f"/api/v1/businesses/exports/{job['id']}", headers=other).status_code == 403
    # The file holds ID numbers in full: an admin (who reads them masked) may not have it.
    assert client.get(f"/api/v1/businesses/exports/{job['id']}/file", headers=tokens(["admin"])).status_code == 403
    assert client.get(f"/api/v1/businesses/exports/{job['id']}/file", headers=tokens.prefecture).status_code == 200
    audit = reads(settings, "job-exporter-xl")
    assert [a["query"].get("download") for a in audit] == [None, True] and all(a["query"]["job_id"] == job["id"]
                                                                               for a in audit)
    assert client.post("/api/v1/businesses/exports", json={"region_code": "232701"}, headers=clerk).status_code == 403
    bad = client.post("/api/v1/businesses/exports", json={"format": "pdf"}, headers=clerk)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"
    assert client.get("/api/v1/businesses/exports/rg_nosuchjob/file", headers=clerk).status_code == 404
