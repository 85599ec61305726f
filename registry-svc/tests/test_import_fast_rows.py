"""The import's fast check of flat business rows accepts only what BusinessCreate accepts, with the
same values; everything else is left to BusinessCreate (which words the errors)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from getihu_kit import clock
from getihu_kit.domain import id_number, uscc
from registry_svc.imports import KINDS, fast_business_row

SPEC = KINDS["businesses"]
GOOD = {"uscc": uscc.make("232701", serial=4242), "name": "兴安山货店", "operator_name": "王小二",
        "operator_id_number": id_number.make("232701", dt.date(1980, 1, 2), 7), "operator_phone": "139-1234 5678",
        "region_code": "232701", "industry_code": "F5225", "established_on": "2019-05-01", "seasonal": "否",
        "address": "加格达奇区人民路1号", "business_scope": "山货零售"}
TOMORROW = (clock.today() + dt.timedelta(days=1)).isoformat()

CASES = [
    {}, {"name": None}, {"name": ""}, {"name": "店" * 200}, {"name": "店" * 201}, {"industry_code": None},
    {"industry_code": ""}, {"industry_code": "H"}, {"industry_code": "6210"}, {"industry_code": "Z99"},
    {"industry_code": "A6210"}, {"seasonal": None}, {"seasonal": "是"}, {"seasonal": " TRUE "}, {"seasonal": "也许"},
    {"operator_phone": None}, {"operator_phone": ""}, {"operator_phone": "-"}, {"operator_phone": "123456"},
    {"operator_phone": "1" * 13}, {"operator_phone": "1" * 21}, {"operator_phone": "13912345678x"},
    {"operator_email": "a@b.cn"}, {"operator_email": "bad"}, {"operator_name": ""}, {"operator_name": "王" * 101},
    {"operator_id_number": "232701198001021234"}, {"operator_id_number": GOOD["operator_id_number"].lower()},
    {"uscc": GOOD["uscc"][:-1] + ("0" if GOOD["uscc"][-1] != "0" else "1")}, {"uscc": " " + GOOD["uscc"]},
    {"uscc": uscc.make("232701", serial=1)[:-2]}, {"region_code": "110101"}, {"region_code": " 232701"},
    {"established_on": TOMORROW}, {"established_on": "2019-5-1"}, {"established_on": "20190501"},
    {"established_on": "2019-02-30"}, {"established_on": None}, {"address": "路" * 501},
    {"business_scope": "零" * 4001}, {"region_code": None}, {"uscc": None}, {"operator_id_number": None},
]


def _pydantic(row: dict):
    try:
        return SPEC.model.model_validate(SPEC.flat_body(row)).model_dump()
    except ValidationError:
        return None


def _check(row: dict) -> None:
    fast = fast_business_row()(row)
    if fast is not None:
        assert fast.model_dump() == _pydantic(row), row


@pytest.mark.parametrize("change", CASES, ids=[",".join(f"{k}={v!r:.12}" for k, v in c.items()) or "valid"
                                               for c in CASES])
def test_fast_check_agrees_with_the_model(change):
    _check(GOOD | change)


def test_the_usual_row_takes_the_fast_path():
    assert fast_business_row()(GOOD) is not None


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({k: st.one_of(st.none(), st.just(v), st.text(max_size=20),
                                           st.sampled_from(["", " ", "0", "是", "2020-01-01", "232721", "H6210"]))
                              for k, v in GOOD.items()}))
def test_fast_check_never_accepts_what_the_model_refuses(row):
    _check(row)


def test_the_documented_import_kinds_are_the_importer_s():
    from typing import get_args

    from registry_svc.schemas import ImportKindCode
    assert set(get_args(ImportKindCode)) == set(KINDS)
