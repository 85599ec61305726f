"""Facts events as consumers read them: every emitted payload validates as BusinessFacts.

On PostgreSQL the payloads are built in SQL (Outbox.emit_select); on SQLite (the plain local path)
in Python. Both must give what the Python builder gives for the same records — typing-svc and
cultivation-svc validate them with the pydantic model.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from getihu_kit.db import make_engine, make_sessionmaker, unit_of_work
from getihu_kit.events import CloudEvent
from getihu_kit.schemas.data_sharing import BusinessFacts, facts_key
from data_sharing_svc import ingest, repository
from data_sharing_svc.main import create_app
from data_sharing_svc.settings import Settings

YEAR = 2025


def _submit(client, token, dataset: str, records: list) -> dict:
    r = client.post("/api/v1/data-sharing/batches", json={"dataset": dataset, "year": YEAR, "records": records},
                    headers=token(f"{dataset}-payload-agency", ["agency"], dataset=dataset))
    assert r.status_code == 201, r.text
    return r.json()


def _facts_rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id, aggregateid, payload FROM outbox WHERE type = :t ORDER BY seq"),
                            {"t": BusinessFacts.event_type}).all()


def _exercise(client, token, engine, new_uscc, new_id_number) -> str:
    """One business with every dataset (lists in an order needing sorting, Chinese kinds) and a
    current and a former operator on the 失信被执行人 list; returns its USCC."""
    u, op_now, op_before = new_uscc(), new_id_number(), new_id_number()
    with unit_of_work(make_sessionmaker(engine)) as s:
        repository.replace_operator_links(s, [u], [{"id_number": op_now, "uscc": u, "current": True},
                                                   {"id_number": op_before, "uscc": u, "current": False}])
    _submit(client, token, "tax", [{"uscc": u, "tax_paid": "1234.5", "general_taxpayer": "是",
                                    "abnormal_taxpayer": False}])
    _submit(client, token, "social_insurance", [{"uscc": u, "insured_employees": 3}])
    _submit(client, token, "trademark", [
        {"uscc": u, "registration_no": "b-2", "holder": "operator", "in_use": True},
        {"uscc": u, "registration_no": "B-10", "holder": "business", "in_use": False},
        {"uscc": u, "registration_no": "a-1", "holder": "business", "in_use": True}])
    _submit(client, token, "patent", [{"uscc": u, "patent_no": "ZL2", "holder": "business"},
                                      {"uscc": u, "patent_no": "ZL10", "holder": "operator"}])
    _submit(client, token, "certificate", [
        {"uscc": u, "kind": "绿色食品", "issued_on": "2024-01-02", "expires_on": "2027-01-01"},
        {"uscc": u, "kind": "老字号", "issued_on": "2023-05-06"},
        {"uscc": u, "kind": "Organic", "issued_on": "2022-05-06"}])
    _submit(client, token, "dishonest_debtor", [
        {"id_number": op_before, "listed_on": "2025-03-01", "removed_on": "2025-06-01"},
        {"id_number": op_now, "listed_on": "2025-01-05"},
        {"id_number": op_now, "listed_on": "2024-12-05"}])
    # a record for the same business in the year before must not leak into this year's facts
    r = client.post("/api/v1/data-sharing/batches", json={"dataset": "tax", "year": YEAR - 1, "records": [
        {"uscc": u, "tax_paid": "1.00", "general_taxpayer": False, "abnormal_taxpayer": False}]},
        headers=token("tax-payload-agency", ["agency"], dataset="tax"))
    assert r.status_code == 201
    return u


def _check(engine, u: str) -> None:
    rows = _facts_rows(engine)
    assert rows
    for row in rows:  # every payload ever emitted in this database
        event = CloudEvent.model_validate(json.loads(row.payload))
        assert event.id == row.id and event.subject == row.aggregateid
        BusinessFacts.model_validate(event.data)
    mine = [json.loads(r.payload)["data"] for r in rows if r.aggregateid == facts_key(u, YEAR)]
    assert [m["version"] for m in mine] == list(range(1, len(mine) + 1)) and len(mine) == 6
    last = BusinessFacts.model_validate(mine[-1])
    with make_sessionmaker(engine)() as s:
        expected = ingest.load_facts(s, usccs=[u], year=YEAR, versions={u: len(mine)})[0]
    assert last == expected  # the SQL-built payload is the Python-built one
    assert str(last.tax.tax_paid) == "1234.50" and last.tax.general_taxpayer is True
    assert [t.registration_no for t in last.trademarks] == ["B-10", "a-1", "b-2"]
    assert [p.patent_no for p in last.patents] == ["ZL10", "ZL2"]
    assert [c.kind for c in last.certificates] == ["Organic", "绿色食品", "老字号"]
    listings = [(d.id_number, str(d.listed_on)) for d in last.dishonest_debtors]
    assert listings == sorted(listings)
    assert {d.current_operator for d in last.dishonest_debtors} == {True, False}
    assert len(last.dishonest_debtors) == 3 and last.dishonest_debtors[0].received_at is not None
    assert all(f.agency and f.batch_id.startswith("dsb_") for f in [last.tax, last.social_insurance,
                                                                    *last.trademarks, *last.certificates])


def test_postgres_payloads_built_in_sql_validate_and_equal_the_python_ones(
        client, token, db_url, new_uscc, new_id_number):
    engine = make_engine(db_url)
    try:
        u = _exercise(client, token, engine, new_uscc, new_id_number)
        _check(engine, u)
    finally:
        engine.dispose()


def test_sqlite_payloads_validate_and_equal_the_python_ones(topic_prefix, new_uscc, new_id_number):
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='ds-sqlite-')) / 'data_sharing.sqlite3'}"
    settings = Settings(database_url=url, topic_prefix=topic_prefix)

    def token(sub, roles, **claims):
        from getihu_kit.auth import issue_dev_token
        t = issue_dev_token(sub=sub, roles=roles, secret=settings.jwt_secret, issuer=settings.jwt_issuer, **claims)
        return {"Authorization": f"Bearer {t}"}
    engine = make_engine(url)
    try:
        with TestClient(create_app(settings)) as client:
            u = _exercise(client, token, engine, new_uscc, new_id_number)
            _check(engine, u)
    finally:
        engine.dispose()


@pytest.mark.parametrize("n", [1, 7])
def test_emit_business_facts_emits_one_event_per_business_in_uscc_order(db_url, new_uscc, n):
    engine = make_engine(db_url)
    try:
        usccs = sorted(new_uscc() for _ in range(n))
        with unit_of_work(make_sessionmaker(engine)) as s:
            assert ingest.emit_business_facts(s, usccs=list(reversed(usccs)), year=YEAR) == n
        keys = [r.aggregateid for r in _facts_rows(engine) if r.aggregateid in {facts_key(u, YEAR) for u in usccs}]
        assert keys == [facts_key(u, YEAR) for u in usccs]
    finally:
        engine.dispose()
