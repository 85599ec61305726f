"""Facts events as consumers read them: every emitted payload validates as BusinessFacts.

The payloads are built in SQL (repository.facts_select, written by Outbox.emit_select) — the one
builder of the event and of the staff read; typing-svc and cultivation-svc validate them with the
pydantic model, so each one must, and must say what the agencies sent.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import text

from getihu_kit.db import make_sessionmaker, unit_of_work
from getihu_kit.events import CloudEvent
from getihu_kit.schemas.data_sharing import BusinessFacts, facts_key
from data_sharing_svc import ingest, repository

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


def _exercise(client, token, engine, new_uscc, new_id_number) -> tuple[str, dict[str, str], tuple[str, str]]:
    """One business with every dataset (lists in an order needing sorting, Chinese kinds) and a
    current and a former operator on the 失信被执行人 list; returns its USCC, the batch id of each
    dataset and the two operators' ID numbers."""
    u, op_now, op_before = new_uscc(), new_id_number(), new_id_number()
    with unit_of_work(make_sessionmaker(engine)) as s:
        repository.replace_operator_links(s, [u], [{"id_number": op_now, "uscc": u, "current": True},
                                                   {"id_number": op_before, "uscc": u, "current": False}])
    batches = {}
    batches["tax"] = _submit(client, token, "tax", [{"uscc": u, "tax_paid": "1234.5", "general_taxpayer": "是",
                                                     "abnormal_taxpayer": False}])["id"]
    batches["social_insurance"] = _submit(client, token, "social_insurance", [{"uscc": u, "insured_employees": 3}])["id"]
    batches["trademark"] = _submit(client, token, "trademark", [
        {"uscc": u, "registration_no": "b-2", "holder": "operator", "in_use": True},
        {"uscc": u, "registration_no": "B-10", "holder": "business", "in_use": False},
        {"uscc": u, "registration_no": "a-1", "holder": "business", "in_use": True}])["id"]
    batches["patent"] = _submit(client, token, "patent", [{"uscc": u, "patent_no": "ZL2", "holder": "business"},
                                      {"uscc": u, "patent_no": "ZL10", "holder": "operator"}])["id"]
    batches["certificate"] = _submit(client, token, "certificate", [
        {"uscc": u, "kind": "绿色食品", "issued_on": "2024-01-02", "expires_on": "2027-01-01"},
        {"uscc": u, "kind": "老字号", "issued_on": "2023-05-06"},
        {"uscc": u, "kind": "Organic", "issued_on": "2022-05-06"}])["id"]
    batches["dishonest_debtor"] = _submit(client, token, "dishonest_debtor", [
        {"id_number": op_before, "listed_on": "2025-03-01", "removed_on": "2025-06-01"},
        {"id_number": op_now, "listed_on": "2025-01-05"},
        {"id_number": op_now, "listed_on": "2024-12-05"}])["id"]
    # a record for the same business in the year before must not leak into this year's facts
    r = client.post("/api/v1/data-sharing/batches", json={"dataset": "tax", "year": YEAR - 1, "records": [
        {"uscc": u, "tax_paid": "1.00", "general_taxpayer": False, "abnormal_taxpayer": False}]},
        headers=token("tax-payload-agency", ["agency"], dataset="tax"))
    assert r.status_code == 201
    return u, batches, (op_now, op_before)


def _check(client, token, engine, u: str, batches: dict[str, str], operators: tuple[str, str]) -> None:
    rows = _facts_rows(engine)
    assert rows
    for row in rows:  # every payload ever emitted in this database
        event = CloudEvent.model_validate(json.loads(row.payload))
        assert event.id == row.id and event.subject == row.aggregateid
        BusinessFacts.model_validate(event.data)
    mine = [json.loads(r.payload)["data"] for r in rows if r.aggregateid == facts_key(u, YEAR)]
    assert [m["version"] for m in mine] == list(range(1, len(mine) + 1)) and len(mine) == 6
    last = BusinessFacts.model_validate(mine[-1])
    # what the agencies sent, normalised, each fact with the batch that brought it
    assert str(last.tax.tax_paid) == "1234.50" and last.tax.general_taxpayer is True
    assert last.tax.abnormal_taxpayer is False and last.tax.tax_paid == Decimal("1234.50")  # not the year before's
    assert last.social_insurance.insured_employees == 3
    assert [(t.registration_no, t.holder, t.in_use) for t in last.trademarks] == \
        [("B-10", "business", False), ("a-1", "business", True), ("b-2", "operator", True)]
    assert [(p.patent_no, p.holder) for p in last.patents] == [("ZL10", "operator"), ("ZL2", "business")]
    assert [(c.kind, c.issued_on, c.expires_on) for c in last.certificates] == [
        ("Organic", dt.date(2022, 5, 6), None), ("绿色食品", dt.date(2024, 1, 2), dt.date(2027, 1, 1)),
        ("老字号", dt.date(2023, 5, 6), None)]
    listings = [(d.id_number, str(d.listed_on)) for d in last.dishonest_debtors]
    assert listings == sorted(listings)
    op_now, op_before = operators
    assert {(d.id_number, str(d.listed_on), str(d.removed_on) if d.removed_on else None, d.current_operator)
            for d in last.dishonest_debtors} == {(op_now, "2025-01-05", None, True), (op_now, "2024-12-05", None, True),
                                                 (op_before, "2025-03-01", "2025-06-01", False)}
    assert len(last.dishonest_debtors) == 3 and last.dishonest_debtors[0].received_at is not None
    for dataset, facts in [("tax", [last.tax]), ("social_insurance", [last.social_insurance]),
                           ("trademark", last.trademarks), ("patent", last.patents),
                           ("certificate", last.certificates), ("dishonest_debtor", last.dishonest_debtors)]:
        assert {(f.batch_id, f.agency) for f in facts} == {(batches[dataset], f"{dataset}-payload-agency")}
        assert all(f.received_at.tzinfo is not None and f.received_at.utcoffset() == dt.timedelta(0) for f in facts)
    # the staff read is built by the same statement: it says what the last event says
    read = client.get(f"/api/v1/data-sharing/facts/{u}", params={"year": YEAR},
                      headers=token("payload-reader", ["prefecture_staff"]))
    assert read.status_code == 200, read.text
    assert BusinessFacts.model_validate({k: v for k, v in read.json().items()
                                         if k not in ("registered", "region_code")}) == last


def test_payloads_built_in_sql_validate_and_say_what_the_agencies_sent(
        client, token, engine, new_uscc, new_id_number):
    u, batches, operators = _exercise(client, token, engine, new_uscc, new_id_number)
    _check(client, token, engine, u, batches, operators)


@pytest.mark.parametrize("n", [1, 7])
def test_emit_business_facts_emits_one_event_per_business_in_uscc_order(engine, new_uscc, n):
    usccs = sorted(new_uscc() for _ in range(n))
    with unit_of_work(make_sessionmaker(engine)) as s:
        assert ingest.emit_business_facts(s, usccs=list(reversed(usccs)), year=YEAR) == n
    keys = [r.aggregateid for r in _facts_rows(engine) if r.aggregateid in {facts_key(u, YEAR) for u in usccs}]
    assert keys == [facts_key(u, YEAR) for u in usccs]
