"""registry-svc through the gateway, as a client would (issue: registry-svc).

Register a business, file its annual report, mark it, import more by file as a job, close the
annual-report window (annual-report-closed reaches the topic), and find it in the public 名录 masked.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from kafka import KafkaConsumer, TopicPartition
from openpyxl import load_workbook

from getihu_kit import exports, testing
from getihu_kit.domain import id_number, uscc
from getihu_kit.events import REGISTRY_ANNUAL_REPORT, physical


def closed_events(stack, report_year: int) -> list[dict]:
    consumer = KafkaConsumer(bootstrap_servers=testing.KAFKA, enable_auto_commit=False, consumer_timeout_ms=1500)
    tp = TopicPartition(physical(REGISTRY_ANNUAL_REPORT, stack.topic_prefix), 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    out = [json.loads(m.value) for m in consumer]
    consumer.close()
    return [e for e in out if e["type"] == "getihu.registry.annual-report.closed.v1"
            and e["data"]["report_year"] == report_year]


@pytest.mark.stack
def test_registry_flow_through_the_gateway(stack, gateway):
    county = gateway.token("clerk-hm", ["county_staff"], region_code="232721")
    prefecture = gateway.token("clerk-dxal", ["prefecture_staff"])
    code = uscc.make("232721", serial=7_700_001)
    doc = {"uscc": code, "name": "呼玛蓝莓特产店", "region_code": "232721", "established_on": "2018-04-02",
           "operator": {"name": "孙丽", "id_number": id_number.make("232721", dt.date(1982, 3, 4), 5),
                        "phone": "13704561234"}}
    assert gateway.post("/api/v1/businesses", json=doc, headers=county).status_code == 201
    r = gateway.post(f"/api/v1/businesses/{code}/annual-reports",
                     json={"year": 2024, "submitted_on": "2025-03-10", "employees": 3, "tax_paid": "860.00"},
                     headers=county)
    assert r.status_code == 201, r.text
    r = gateway.post(f"/api/v1/businesses/{code}/marks", json={"kind": "award", "start_on": "2024-10-01",
                                                                "level": "city"}, headers=county)
    assert r.status_code == 201, r.text
    r = gateway.post(f"/api/v1/businesses/{code}/marks", json={"kind": "abnormal", "start_on": "2024-10-01",
                                                                "end_on": "2024-09-01"}, headers=county)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "end_on"

    other = uscc.make("232721", serial=7_700_002)
    csv_body = ("uscc,name,operator_name,operator_id_number,region_code,established_on\n"
                f"{other},呼玛山珍店,周强,{id_number.make('232721', dt.date(1979, 5, 6), 7)},232721,2020-06-01\n"
                f"{uscc.make('232721', serial=7_700_003)},坏行,周强,123,232721,2020-06-01\n").encode()
    r = gateway.post("/api/v1/businesses/imports", params={"kind": "businesses"}, content=csv_body,
                     headers={**county, "Content-Type": "text/csv"})
    assert r.status_code == 202, r.text
    job = testing.wait_until(lambda: (lambda j: j if j["status"] == "completed" else None)(
        gateway.get(f"/api/v1/jobs/{r.json()['id']}", headers=county).json()), timeout=60, message="import job")
    assert (job["accepted"], job["rejected"]) == (1, 1)
    assert job["errors"] == [{"row": 2, "field": "operator_id_number", "message": job["errors"][0]["message"]}]
    # the refused rows as files the clerk corrects in Excel: the same rows in XLSX and in CSV
    xlsx = gateway.get(f"/api/v1/jobs/{r.json()['id']}/errors", params={"format": "xlsx"}, headers=county)
    assert xlsx.status_code == 200 and xlsx.headers["content-type"] == exports.XLSX_TYPE
    assert "attachment" in xlsx.headers["content-disposition"]
    sheet = list(load_workbook(io.BytesIO(xlsx.content), read_only=True)["数据"].values)
    assert sheet == [exports.ROW_ERROR_HEADER, (2, "operator_id_number", job["errors"][0]["message"])]
    csv_file = gateway.get(f"/api/v1/jobs/{r.json()['id']}/errors", params={"format": "csv"}, headers=county)
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert csv_file.content.decode("utf-8-sig").splitlines()[1].startswith("2,operator_id_number,")
    assert gateway.get(f"/api/v1/jobs/{r.json()['id']}/errors", params={"format": "pdf"},
                       headers=county).status_code == 422
    assert gateway.get(f"/api/v1/jobs/{r.json()['id']}/errors",
                       headers=gateway.token("clerk-other", ["county_staff"], region_code="232721")).status_code == 403

    assert gateway.post("/api/v1/annual-report-windows/2024/open", headers=county).status_code == 403
    assert gateway.post("/api/v1/annual-report-windows/2024/open", json={"opened_on": "2025-01-01"},
                        headers=prefecture).status_code == 201
    r = gateway.post("/api/v1/annual-report-windows/2024/close", json={"closed_on": "2025-06-30"}, headers=prefecture)
    assert r.status_code == 200 and r.json()["typing_year"] == 2025
    event = testing.wait_until(lambda: closed_events(stack, 2024), timeout=30, message="annual-report-closed")[0]
    assert event["data"]["typing_year"] == 2025 and event["data"]["reference_date"] == "2025-06-30"

    r = gateway.get("/api/v1/directory", params={"q": "呼玛"})
    assert r.status_code == 200
    found = {i["uscc"]: i for i in r.json()["items"]}
    assert set(found) >= {code, other}
    assert found[code]["operator_name"] == "孙*" and found[code]["region_name"] == "呼玛县"
    public = gateway.get(f"/api/v1/businesses/{code}").json()
    assert public["operator"]["id_number"].count("*") == 10 and public["annual_reports"][0]["tax_paid"] is None
    assert gateway.get(f"/api/v1/businesses/{code}", headers=county).json()["annual_reports"][0]["tax_paid"] == "860.00"
