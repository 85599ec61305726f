"""Bulk imports as jobs: CSV, XLSX and JSON Lines; row-level errors; valid rows land; a re-import of
the same file changes nothing and emits nothing."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import create_engine, func, select

from getihu_kit import testing
from getihu_kit.events import REGISTRY_BUSINESS
from getihu_kit.tabular import XLSX
from registry_factories import business_doc, new_uscc, topic_messages
from registry_svc import imports
from registry_svc.models import outbox

BUSINESS_COLUMNS = ["uscc", "name", "operator_name", "operator_id_number", "operator_phone", "region_code",
                    "industry_code", "established_on", "seasonal", "address", "business_scope"]


def csv_of(columns: list[str], rows: list[list]) -> bytes:
    lines = [",".join(columns)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def business_row(doc: dict, **over) -> list:
    op = doc["operator"]
    values = {"uscc": doc["uscc"], "name": doc["name"], "operator_name": op["name"],
              "operator_id_number": op["id_number"], "operator_phone": op["phone"], "region_code": doc["region_code"],
              "industry_code": doc["industry_code"], "established_on": doc["established_on"], "seasonal": "否",
              "address": doc["address"], "business_scope": doc["business_scope"]} | over
    return [values[c] for c in BUSINESS_COLUMNS]


def run_import(client, headers, kind: str, body: bytes, content_type: str) -> dict:
    r = client.post("/api/v1/businesses/imports", params={"kind": kind}, content=body,
                    headers={**headers, "Content-Type": content_type})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    assert job_id.startswith("rg_")
    return testing.wait_until(lambda: (lambda j: j if j["status"] in ("completed", "failed") else None)(
        client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()), timeout=60, message=f"job {job_id}")


@pytest.fixture(scope="module")
def events_of(settings):
    """How many business-state events of these USCCs reached the topic, once the relay has sent every
    outbox row of them (it deletes what it sent)."""
    engine = create_engine(settings.database_url)

    def count(usccs: list[str]) -> int:
        def drained() -> bool:
            with engine.connect() as conn:
                return not conn.execute(select(func.count()).select_from(outbox)
                                        .where(outbox.c.aggregateid.in_(usccs))).scalar_one()
        testing.wait_until(drained, timeout=30, message="the relay sent the outbox rows")
        return sum(e["subject"] in usccs for e in topic_messages(settings, REGISTRY_BUSINESS))
    yield count
    engine.dispose()


# Chunks of 2 rows: each chunk is validated while the one before is written, and the report is the same.
@pytest.mark.parametrize("chunk_rows", [imports.CHUNK_ROWS, 2])
def test_csv_businesses_valid_rows_land_invalid_reported_reimport_changes_nothing(client, tokens, events_of,
                                                                                 monkeypatch, chunk_rows):
    monkeypatch.setattr(imports, "CHUNK_ROWS", chunk_rows)
    h = tokens.county("232701")
    good = [business_doc() for _ in range(3)]
    dup = good[0]
    rows = [business_row(d) for d in good] + [
        business_row(business_doc(), uscc="92232701L000000010"),                  # 4: check digit
        business_row(business_doc(), region_code="232721"),                        # 5: another county
        business_row(business_doc(), established_on="2999-01-01"),                 # 6: future
        business_row(business_doc(), industry_code="Q99"),                         # 7: industry
        business_row(dup, name="另一个名字"),                                          # 8: same USCC, other data
        business_row(dup),                                                         # 9: same row again: no-op
        business_row(business_doc(), seasonal="也许"),                               # 10: not a yes/no
    ]
    body = csv_of(BUSINESS_COLUMNS, rows)
    usccs = [d["uscc"] for d in good]
    job = run_import(client, h, "businesses", body, "text/csv")
    assert job["status"] == "completed" and job["progress"] == 1.0, job
    assert (job["accepted"], job["rejected"]) == (4, 6)
    assert [(e["row"], e["field"]) for e in job["errors"]] == [
        (4, "uscc"), (5, "region_code"), (6, "established_on"), (7, "industry_code"), (8, "uscc"), (10, "seasonal")]
    assert all(e["message"] and not e["message"].isascii() for e in job["errors"])
    assert events_of(usccs) == 3
    for d in good:
        assert client.get(f"/api/v1/businesses/{d['uscc']}", headers=h).json()["operator"]["name"] == "王小二"
    again = run_import(client, h, "businesses", body, "text/csv")
    assert (again["accepted"], again["rejected"]) == (4, 6)
    assert events_of(usccs) == 3, "a re-import writes no event"
    assert client.get(f"/api/v1/businesses/{good[0]['uscc']}", headers=h).json()["version"] == 1


def test_jsonl_marks_and_xlsx_annual_reports_and_csv_status(client, tokens, registered, events_of):
    h = tokens.prefecture
    a, b = registered()["uscc"], registered()["uscc"]
    marks = [
        {"uscc": a, "kind": "abnormal", "start_on": "2022-07-01"},
        {"uscc": b, "kind": "penalty", "start_on": "2023-05-01", "penalty_kind": "罚款", "amount": "500",
         "publicized_on": "2023-05-03"},
        {"uscc": a, "kind": "abnormal", "start_on": "2023-05-01", "end_on": "2023-04-01"},
        {"uscc": new_uscc(), "kind": "abnormal", "start_on": "2023-05-01"},
        {"uscc": a, "kind": "suspension", "start_on": "2020-01-01", "end_on": "2024-01-01"},
    ]
    body = ("\n".join(json.dumps(m, ensure_ascii=False) for m in marks[:2]) + "\n{not json\n"
            + "\n".join(json.dumps(m, ensure_ascii=False) for m in marks[2:]) + "\n").encode()
    job = run_import(client, h, "marks", body, "application/x-ndjson")
    assert (job["accepted"], job["rejected"]) == (2, 4), job
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(3, None), (4, "end_on"), (5, "uscc"), (6, "end_on")]
    before = events_of([a, b])
    assert run_import(client, h, "marks", body, "application/x-ndjson")["accepted"] == 2
    assert events_of([a, b]) == before

    wb = Workbook()
    ws = wb.active
    ws.append(["uscc", "year", "submitted_on", "employees", "revenue", "tax_paid"])
    ws.append([a, 2023, "2024-05-20", 2, 80000, "120.5"])
    ws.append([b, 2023, "2024-09-01", 5, None, None])    # late filing
    ws.append([b, 2023, "2023-09-01", 5, None, None])    # filed before the year was over
    ws.append([b, "二〇二三", "2024-09-01", 5, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    job = run_import(client, h, "annual_reports", buf.getvalue(), XLSX)
    assert (job["accepted"], job["rejected"]) == (2, 2), job
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(3, "submitted_on"), (4, "year")]
    reports = client.get(f"/api/v1/businesses/{a}", headers=h).json()["annual_reports"]
    assert reports == [{"year": 2023, "submitted_on": "2024-05-20", "employees": 2, "revenue": "80000.00",
                        "tax_paid": "120.50"}]

    status = csv_of(["uscc", "status", "effective_on"], [[a, "revoked", "2024-02-01"], [a, "registered", "2024-08-01"],
                                                       [b, "registered", "2024-02-01"]])
    job = run_import(client, h, "status", status, "text/csv")
    assert (job["accepted"], job["rejected"]) == (2, 1) and job["errors"][0]["field"] == "status"
    view = client.get(f"/api/v1/businesses/{a}", headers=h).json()
    assert view["status"] == "registered" and len(view["status_history"]) == 3


@pytest.mark.parametrize("kind, body, content_type, status, field", [
    ("annual_reports", b"this is not a workbook", XLSX, 422, "file"),
    ("businesses", b"uscc,name\n92232701L000000010,x\n", "text/csv", 422, "operator_id_number"),  # header
    ("everything", b"uscc\n", "text/csv", 422, "kind"),
    ("marks", b"", "application/x-ndjson", 422, "file"),
    ("marks", b"<xml/>", "application/xml", 415, "Content-Type"),
])
def test_upload_refusals_name_the_field(client, tokens, kind, body, content_type, status, field):
    r = client.post("/api/v1/businesses/imports", params={"kind": kind}, content=body,
                    headers={**tokens.prefecture, "Content-Type": content_type})
    assert r.status_code == status, r.text
    assert field in {e["field"] for e in r.json()["errors"]}


def test_imports_and_jobs_are_for_staff_only(client, tokens):
    body = csv_of(BUSINESS_COLUMNS, [business_row(business_doc())])
    assert client.post("/api/v1/businesses/imports", params={"kind": "businesses"}, content=body,
                       headers={"Content-Type": "text/csv"}).status_code == 401
    r = client.post("/api/v1/businesses/imports", params={"kind": "businesses"}, content=body,
                    headers={**tokens.county("232701"), "Content-Type": "text/csv"})
    assert r.status_code == 202
    assert client.get(f"/api/v1/jobs/{r.json()['id']}", headers=tokens.county("232722")).status_code == 403
    assert client.get(f"/api/v1/jobs/{r.json()['id']}", headers=tokens.prefecture).status_code == 200
    assert client.get("/api/v1/jobs/rg_nothing", headers=tokens.prefecture).status_code == 404


def test_a_repeated_row_shares_the_fate_of_the_row_it_repeats(client, tokens, registered):
    known = registered()
    changed = business_row(known, name="改了名字的店")
    fresh = business_doc()
    body = csv_of(BUSINESS_COLUMNS, [changed, changed, business_row(fresh), business_row(fresh)])
    job = run_import(client, tokens.prefecture, "businesses", body, "text/csv")
    assert (job["accepted"], job["rejected"]) == (2, 2), job
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(1, "uscc"), (2, "uscc")]


def test_an_import_retried_with_the_same_idempotency_key_is_one_job(client, tokens, settings):
    from registry_svc.models import jobs
    body = csv_of(BUSINESS_COLUMNS, [business_row(business_doc()) for _ in range(2)])
    h = {**tokens.county("232701"), "Content-Type": "text/csv", "Idempotency-Key": f"import-{new_uscc()}"}
    first = client.post("/api/v1/businesses/imports", params={"kind": "businesses"}, content=body, headers=h)
    # a fresh token of the same clerk, as a client that signed in again would send
    again = client.post("/api/v1/businesses/imports", params={"kind": "businesses"}, content=body,
                        headers={**h, **tokens(["county_staff"], sub="county-232701", region_code="232701",
                                               ttl_s=60)})
    assert first.status_code == again.status_code == 202 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(jobs).where(jobs.c.id == first.json()["id"])).scalar() == 1
    engine.dispose()
    other = client.post("/api/v1/businesses/imports", params={"kind": "marks"}, content=body, headers=h)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
