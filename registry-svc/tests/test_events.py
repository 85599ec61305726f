"""Events on the real broker: full snapshots on every change, annual-report-closed, and the 名录 labels
fed by typing and cultivation events through the worker's consumer."""
from __future__ import annotations

import datetime as dt

from getihu_kit import testing
from getihu_kit.bus import make_producer
from getihu_kit.domain import id_number
from getihu_kit.events import REGISTRY_ANNUAL_REPORT, REGISTRY_BUSINESS, make_event, physical
from getihu_kit.schemas.cultivation import RecognitionChanged
from getihu_kit.schemas.typing import TypingResultPublished
from registry_factories import topic_messages

NOW = dt.datetime(2025, 8, 1, tzinfo=dt.timezone.utc)


def test_every_change_emits_the_whole_state(client, tokens, registered, settings):
    doc = registered()
    u, h = doc["uscc"], tokens.prefecture
    assert client.post(f"/api/v1/businesses/{u}/annual-reports",
                       json={"year": 2023, "submitted_on": "2024-04-01", "employees": 4, "tax_paid": "310.00"},
                       headers=h).status_code == 201
    assert client.post(f"/api/v1/businesses/{u}/marks", json={"kind": "suspension", "start_on": "2024-01-01"},
                       headers=h).status_code == 201
    assert client.post(f"/api/v1/businesses/{u}/status", json={"status": "cancelled", "effective_on": "2024-06-01"},
                       headers=h).status_code == 200
    new_op = {"name": "刘七", "id_number": id_number.make("232722", dt.date(1990, 1, 1), 1),
              "effective_on": "2024-05-01"}
    assert client.post(f"/api/v1/businesses/{u}/operator", json=new_op, headers=h).status_code == 200
    # A refused change emits nothing.
    assert client.post(f"/api/v1/businesses/{u}/marks", json={"kind": "abnormal", "start_on": "2024-02-01",
                                                              "end_on": "2024-01-01"}, headers=h).status_code == 422
    states = testing.wait_until(lambda: (lambda m: m if len(m) >= 5 else None)(
        topic_messages(settings, REGISTRY_BUSINESS, key=u)), timeout=30, message="five snapshots")
    assert [s["data"]["version"] for s in states] == [1, 2, 3, 4, 5]
    assert all(s["type"] == "getihu.registry.business.state.v1" and s["subject"] == u for s in states)
    last = states[-1]["data"]
    assert last["annual_reports"] == [{"year": 2023, "submitted_on": "2024-04-01", "employees": 4, "revenue": None,
                                       "tax_paid": "310.00"}]
    assert [(m["kind"], m["legal_max_end_on"]) for m in last["marks"]] == [("suspension", "2026-12-31")]
    assert [(s["status"], s["effective_on"]) for s in last["status_history"]] == [
        ("registered", "2019-05-01"), ("cancelled", "2024-06-01")]
    assert last["status"] == "cancelled"
    assert [(o["name"], o["to_on"]) for o in last["operator_history"]] == [("王小二", "2024-04-30"), ("刘七", None)]
    assert last["operator"]["name"] == "刘七" and last["business_scope"] == "山货零售"


def test_closing_the_window_emits_annual_report_closed(client, tokens, settings):
    h = tokens.prefecture
    assert client.post("/api/v1/annual-report-windows/2024/open", json={"opened_on": "2025-01-01"},
                       headers=h).status_code == 201
    assert client.post("/api/v1/annual-report-windows/2024/close", json={"closed_on": "2025-06-30"},
                       headers=h).status_code == 200
    assert client.post("/api/v1/annual-report-windows/2023/close",
                       json={"closed_on": "2024-07-01", "reference_date": "2024-07-15"}, headers=h).status_code == 200
    events = testing.wait_until(lambda: (lambda m: m if len(m) >= 2 else None)(
        [e for e in topic_messages(settings, REGISTRY_ANNUAL_REPORT)
         if e["type"] == "getihu.registry.annual-report.closed.v1" and e["data"]["report_year"] in (2023, 2024)]),
        timeout=30, message="two annual-report-closed events")
    by_year = {e["data"]["report_year"]: e["data"] for e in events}
    assert by_year[2024] | {} == {"report_year": 2024, "typing_year": 2025, "closed_on": "2025-06-30",
                                  "reference_date": "2025-06-30", "closed_by": "prefecture-clerk"}
    assert by_year[2023]["typing_year"] == 2024 and by_year[2023]["reference_date"] == "2024-07-15"


def _send(settings, payload, key: str) -> None:
    producer = make_producer(settings.kafka_bootstrap)
    event = make_event(payload, source="/test", subject=key)
    producer.send(physical(payload.topic, settings.topic_prefix), key=key.encode(),
                  value=event.model_dump_json().encode()).get(timeout=30)
    producer.close()


def _entry(client, u: str) -> dict:
    return client.get("/api/v1/directory", params={"q": u}).json()["items"][0]


def test_directory_labels_follow_typing_and_cultivation_events(client, registered, settings):
    u = registered()["uscc"]

    def typed(year, type_, version, minutes=0):
        return TypingResultPublished(uscc=u, year=year, type=type_, ruleset="2024.1", run_id=f"ty_{year}",
                                     version=version, published_at=NOW + dt.timedelta(minutes=minutes))
    _send(settings, typed(2024, "survival", 1), u)
    _send(settings, typed(2025, "growth", 1), u)
    testing.wait_until(lambda: (_entry(client, u)["type"] or {}).get("year") == 2025, message="2025 type labelled")
    assert _entry(client, u)["type"] == {"year": 2025, "type": "growth", "label": "成长型"}
    _send(settings, typed(2025, "development", 2, 5), u)   # a correction after an appeal
    _send(settings, typed(2025, "survival", 1, 1), u)       # a stale redelivery of the first version
    testing.wait_until(lambda: _entry(client, u)["type"]["type"] == "development", message="correction labelled")

    def recognition(status, minutes, valid_until=dt.date(2099, 12, 31)):
        return RecognitionChanged(recognition_id=f"cu_{u}", uscc=u, region_code="232701", category="distinctive",
                                  status=status, recognised_on=dt.date(2025, 11, 30), valid_until=valid_until,
                                  benefits_from=dt.date(2026, 1, 1), changed_at=NOW + dt.timedelta(minutes=minutes))
    _send(settings, recognition("granted", 1), u)
    testing.wait_until(lambda: _entry(client, u)["category"], message="category labelled")
    assert _entry(client, u)["category"] == {"category": "distinctive", "label": "特色", "valid_until": "2099-12-31"}
    _send(settings, recognition("revoked", 10), u)
    testing.wait_until(lambda: _entry(client, u)["category"] is None, message="category removed on revocation")
    assert _entry(client, u)["type"]["type"] == "development"
