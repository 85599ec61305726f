"""Row-level validation of every dataset (CONTRACT.md: Data sharing), as tables."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from getihu_kit.domain import id_number, uscc
from data_sharing_svc.datasets import SPECS, content_hash, parse_money, validate_record

U = uscc.make("232701", serial=12345)
BAD_U = U[:-1] + ("0" if U[-1] != "0" else "1")
P = id_number.make(serial=7)
BAD_P = P[:-1] + ("0" if P[-1] != "0" else "1")


def ok(dataset: str, raw: dict):
    rec, errors = validate_record(SPECS[dataset], 1, raw)
    assert errors == [] and rec is not None, errors
    return rec


def error_fields(dataset: str, raw: dict) -> set[str | None]:
    rec, errors = validate_record(SPECS[dataset], 3, raw)
    assert rec is None
    assert all(e["row"] == 3 and e["message"] and not e["message"].isascii() for e in errors), errors
    return {e["field"] for e in errors}


@pytest.mark.parametrize("dataset, raw", [
    ("tax", {"uscc": U, "tax_paid": "123.45", "general_taxpayer": True, "abnormal_taxpayer": False}),
    ("tax", {"uscc": U.lower(), "tax_paid": "0", "general_taxpayer": "否", "abnormal_taxpayer": "0"}),  # CSV cells
    ("social_insurance", {"uscc": U, "insured_employees": 4}),
    ("social_insurance", {"uscc": U, "insured_employees": "0"}),
    ("trademark", {"uscc": U, "registration_no": "12345678", "holder": "operator", "in_use": True}),
    ("patent", {"uscc": U, "patent_no": "ZL202310000001.X", "holder": "business"}),
    ("dishonest_debtor", {"id_number": P, "listed_on": "2024-03-01"}),
    ("dishonest_debtor", {"id_number": P.lower(), "listed_on": "2024-03-01", "removed_on": "2024-09-01"}),
    ("certificate", {"uscc": U, "kind": "绿色食品", "issued_on": "2023-05-01", "expires_on": "2026-04-30"}),
    ("certificate", {"uscc": U, "kind": "老字号", "issued_on": "2023-05-01T00:00:00"}),  # an XLSX date cell
])
def test_valid_records_of_every_dataset_are_accepted(dataset, raw):
    rec = ok(dataset, raw)
    assert (rec.uscc or rec.id_number) is not None


@pytest.mark.parametrize("name, dataset, raw, fields", [
    ("uscc check digit wrong (GB 32100)", "tax",
     {"uscc": BAD_U, "tax_paid": "1.00", "general_taxpayer": True, "abnormal_taxpayer": False}, {"uscc"}),
    ("money as a JSON number is refused", "tax",
     {"uscc": U, "tax_paid": 12.5, "general_taxpayer": True, "abnormal_taxpayer": False}, {"tax_paid"}),
    ("money as a JSON integer is refused too", "tax",
     {"uscc": U, "tax_paid": 12, "general_taxpayer": True, "abnormal_taxpayer": False}, {"tax_paid"}),
    ("money with three places", "tax",
     {"uscc": U, "tax_paid": "1.234", "general_taxpayer": True, "abnormal_taxpayer": False}, {"tax_paid"}),
    ("negative money", "tax",
     {"uscc": U, "tax_paid": "-1.00", "general_taxpayer": True, "abnormal_taxpayer": False}, {"tax_paid"}),
    ("money not a number", "tax",
     {"uscc": U, "tax_paid": "十元", "general_taxpayer": True, "abnormal_taxpayer": False}, {"tax_paid"}),
    ("boolean as a word that is not one", "tax",
     {"uscc": U, "tax_paid": "1", "general_taxpayer": "maybe", "abnormal_taxpayer": False}, {"general_taxpayer"}),
    ("missing fields are named each", "tax", {"uscc": U}, {"tax_paid", "general_taxpayer", "abnormal_taxpayer"}),
    ("negative insured employees", "social_insurance", {"uscc": U, "insured_employees": -1}, {"insured_employees"}),
    ("employees as a fraction", "social_insurance", {"uscc": U, "insured_employees": "2.5"}, {"insured_employees"}),
    ("employees as a boolean", "social_insurance", {"uscc": U, "insured_employees": True}, {"insured_employees"}),
    ("holder outside the enum", "trademark",
     {"uscc": U, "registration_no": "1", "holder": "family", "in_use": True}, {"holder"}),
    ("empty registration number", "trademark",
     {"uscc": U, "registration_no": " ", "holder": "business", "in_use": True}, {"registration_no"}),
    ("patent without number", "patent", {"uscc": U, "holder": "business"}, {"patent_no"}),
    ("ID number check digit wrong (GB 11643)", "dishonest_debtor", {"id_number": BAD_P, "listed_on": "2024-01-01"},
     {"id_number"}),
    ("listing date not a date", "dishonest_debtor", {"id_number": P, "listed_on": "2024-13-01"}, {"listed_on"}),
    ("removed before listed", "dishonest_debtor",
     {"id_number": P, "listed_on": "2024-05-01", "removed_on": "2024-04-01"}, {"removed_on"}),
    ("certificate expiring before issue", "certificate",
     {"uscc": U, "kind": "非遗", "issued_on": "2024-05-01", "expires_on": "2024-04-01"}, {"expires_on"}),
    ("certificate issue date missing", "certificate", {"uscc": U, "kind": "非遗"}, {"issued_on"}),
])
def test_invalid_records_name_row_field_and_a_chinese_message(name, dataset, raw, fields):
    assert error_fields(dataset, raw) == fields


def test_a_record_that_is_not_an_object_is_one_row_error():
    rec, errors = validate_record(SPECS["tax"], 9, ["not", "an", "object"])
    assert rec is None and errors[0]["row"] == 9 and errors[0]["field"] is None


@pytest.mark.parametrize("dataset, a, b, same_key", [
    ("tax", {"uscc": U, "tax_paid": "1", "general_taxpayer": True, "abnormal_taxpayer": False},
     {"uscc": U, "tax_paid": "2", "general_taxpayer": True, "abnormal_taxpayer": False}, True),
    ("trademark", {"uscc": U, "registration_no": "1", "holder": "business", "in_use": True},
     {"uscc": U, "registration_no": "2", "holder": "business", "in_use": True}, False),
    ("dishonest_debtor", {"id_number": P, "listed_on": "2024-01-01"},
     {"id_number": P, "listed_on": "2024-01-01", "removed_on": "2024-06-01"}, True),
])
def test_keys_decide_what_a_later_record_replaces(dataset, a, b, same_key):
    ra, rb = ok(dataset, a), ok(dataset, b)
    assert (ra.key == rb.key) is same_key
    assert ra.content_hash != rb.content_hash


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_money_normalises_to_two_places_and_hashes_stably(amount):
    s = parse_money(str(amount))
    assert s == f"{amount:.2f}"
    assert content_hash("k", {"tax_paid": s}) == content_hash("k", {"tax_paid": parse_money(s)})
