"""The BusinessState snapshot built by PostgreSQL (the one builder, for the bulk and the single-request
path) is a valid BusinessState and says, field for field, what the API reads back of the same
business; the snapshots of a bulk registration (read off the staging rows) equal the general ones."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from getihu_kit import testing
from getihu_kit.auth import Principal
from getihu_kit.db import make_engine
from getihu_kit.domain import id_number
from getihu_kit.events import REGISTRY_BUSINESS
from getihu_kit.schemas.registry import BusinessState
from registry_factories import business_doc, topic_messages
from registry_svc import repository, rules, service
from registry_svc.models import outbox
from registry_svc.schemas import BusinessCreate, BusinessRead
from test_imports import BUSINESS_COLUMNS, business_row, csv_of, run_import

CSV = "text/csv"
_HEAD = {"uscc", "name", "region_code", "industry_code", "established_on", "seasonal", "address", "business_scope",
         "status", "status_effective_on", "version", "status_history", "annual_reports", "marks"}


def _without_time(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "changed_at"}


def _as_state(view: BusinessRead) -> dict:
    """The API's full view of a business (service.read_business) in the event's JSON shape."""
    current = next((o for o in reversed(view.operator_history) if o.to_on is None), view.operator_history[-1])
    return BusinessState.model_validate({
        **view.model_dump(include=_HEAD), "operator": {**view.operator.model_dump(), "since": current.from_on},
        "operator_history": [o.model_dump(include={"name", "id_number", "from_on", "to_on"})
                             for o in view.operator_history]}).model_dump(mode="json")


def _read_back(settings, usccs: list[str]) -> dict[str, dict]:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return {u: _as_state(service.read_business(session, repository.get_business(session, u))) for u in usccs}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def varied(client, tokens) -> list[str]:
    """Businesses with every part of the state filled differently: imported in bulk, then changed
    one request at a time and by bulk imports of reports and marks."""
    h = tokens.prefecture
    docs = [business_doc() for _ in range(60)]
    docs[1]["name"] = None
    docs[2]["industry_code"] = None
    docs[3]["operator"]["email"] = "owner@example.cn"
    rows = [business_row(d, name=d["name"] or "", industry_code=d["industry_code"] or "",
                         seasonal="是" if n % 2 else "否") for n, d in enumerate(docs)]
    job = run_import(client, h, "businesses", csv_of(BUSINESS_COLUMNS, rows), CSV)
    assert job["status"] == "completed" and job["accepted"] == 60, job
    u = [d["uscc"] for d in docs]
    for body in ({"year": 2023, "submitted_on": "2024-04-01", "employees": 4, "revenue": "1234.50"},
                 {"year": 2022, "submitted_on": "2023-09-30", "employees": 0, "tax_paid": "100.00"}):
        assert client.post(f"/api/v1/businesses/{u[0]}/annual-reports", json=body, headers=h).status_code == 201
    for body in ({"kind": "suspension", "start_on": "2024-02-29"},
                 {"kind": "penalty", "start_on": "2023-03-01", "penalty_kind": "罚款", "amount": "500.00",
                  "publicized_on": "2023-03-05", "reason": "无照经营"},
                 {"kind": "award", "start_on": "2022-01-01", "level": "province"},
                 {"kind": "abnormal", "start_on": "2021-01-01", "end_on": "2021-06-01"}):
        assert client.post(f"/api/v1/businesses/{u[0]}/marks", json=body, headers=h).status_code == 201, body
    new_op = {"name": "刘七", "id_number": id_number.make("232722", dt.date(1990, 1, 1), 1),
              "phone": "13800000000", "effective_on": "2024-05-01"}
    assert client.post(f"/api/v1/businesses/{u[0]}/operator", json=new_op, headers=h).status_code == 200
    assert client.post(f"/api/v1/businesses/{u[0]}/status", json={"status": "revoked", "effective_on": "2024-06-01"},
                       headers=h).status_code == 200
    reports = csv_of(["uscc", "year", "submitted_on", "employees", "revenue", "tax_paid"],
                     [[x, 2023, "2024-05-01", n, f"{n}.5", ""] for n, x in enumerate(u[1:20])])
    assert run_import(client, h, "annual_reports", reports, CSV)["accepted"] == 19
    marks = csv_of(["uscc", "kind", "start_on", "end_on"],
                   [[x, "suspension", "2023-01-01", "2024-01-01"] for x in u[5:10]])
    assert run_import(client, h, "marks", marks, CSV)["accepted"] == 5
    return u


def test_sql_snapshot_is_valid_and_says_what_the_api_reads(settings, varied):
    expected = _read_back(settings, varied)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            got = session.execute(repository.states_select(varied, rules.SUSPENSION_MAX_YEARS)).all()
    finally:
        engine.dispose()
    assert [r.key for r in got] == sorted(varied) and all(r.subject == r.key for r in got)
    for r in got:
        state = BusinessState.model_validate(r.data)
        assert state.changed_at is not None and state.changed_at.tzinfo is not None
        assert _without_time(r.data) == _without_time(expected[r.key]), r.key
    first = next(r.data for r in got if r.key == varied[0])
    assert [(m["kind"], m["legal_max_end_on"]) for m in first["marks"]] == [
        ("abnormal", None), ("award", None), ("penalty", None), ("suspension", "2027-02-27")]
    assert first["operator"]["name"] == "刘七" and first["status"] == "revoked"
    assert [a["revenue"] for a in first["annual_reports"]] == [None, "1234.50"]


def test_emitted_payloads_are_valid_and_say_what_the_api_reads(settings, varied):
    wanted = set(varied)
    events = testing.wait_until(lambda: (lambda m: m if {e["subject"] for e in m} >= wanted else None)(
        [e for e in topic_messages(settings, REGISTRY_BUSINESS) if e["subject"] in wanted]),
        timeout=30, message="snapshots of every business")
    last = {}
    for e in events:
        assert e["type"] == BusinessState.event_type
        BusinessState.model_validate(e["data"])
        last[e["subject"]] = e["data"]
    expected = _read_back(settings, varied)
    assert {u: _without_time(d) for u, d in last.items()} == {u: _without_time(d) for u, d in expected.items()}
    assert last[varied[0]]["version"] == 9


def test_bulk_registration_snapshots_equal_the_general_builder(settings):
    """A bulk registration (read off the staging rows, not the history tables) emits the same snapshot
    the general builder (repository.states_select) makes of the stored business."""
    docs = [business_doc(seasonal=n % 2 == 0) for n in range(repository.COPY_MIN_ROWS + 10)]
    docs[1].update(name=None, industry_code=None, address=None, business_scope=None)
    docs[2]["operator"].update(phone=None, email="owner@example.cn")
    docs[3]["name"] = '引号"与\\反斜杠'
    docs[4]["address"] = "一行\n二行\t\u2028"
    items = [BusinessCreate.model_validate(d) for d in docs]
    clerk = Principal(sub="t", roles=frozenset({"prefecture_staff"}), region_code=None)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            before = session.execute(select(outbox.c.seq).order_by(outbox.c.seq.desc()).limit(1)).scalar() or 0
            out = service.apply_registrations(session, items=items, principal=clerk, same_is_unchanged=True)
            assert len(out.changed) == len(docs) and out.published == len(docs)
            rows = session.execute(select(outbox.c.aggregateid, outbox.c.payload).where(outbox.c.seq > before)
                                   .order_by(outbox.c.seq)).all()
            expected = {r.key: r.data for r in session.execute(
                repository.states_select([d["uscc"] for d in docs], rules.SUSPENSION_MAX_YEARS))}
            session.rollback()
    finally:
        engine.dispose()
    assert [k for k, _ in rows] == sorted(expected)
    for key, payload in rows:
        data = json.loads(payload)["data"]
        BusinessState.model_validate(data)
        assert _without_time(data) == _without_time(expected[key]), key
