"""Properties of the typing standard (hypothesis), checked on the real SQL on PostgreSQL.

- Adding a criterion never lowers a type.
- A business is excluded exactly when a basic condition fails (附件1 一(四)1: never defaulted to 生存型).
"""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy.orm import Session

from typing_factories import P, YEAR, apply, business, evaluate, facts, new_uscc
from typing_svc.rules import TYPE_RANK, ruleset_for

RULES = ruleset_for(YEAR)
D = dt.date

profiles = st.fixed_dictionaries({
    "established_on": st.sampled_from([D(2010, 1, 1), D(2023, 6, 30), D(2023, 7, 1), D(2024, 3, 1), D(2025, 2, 1)]),
    "employees": st.integers(0, 6),
    "insured": st.one_of(st.none(), st.integers(0, 6)),
    "tax_paid": st.sampled_from([None, "0", "0.01", "800"]),
    "general_taxpayer": st.booleans(),
    "trademarks": st.lists(st.tuples(st.sampled_from(["business", "operator"]), st.booleans()), max_size=2),
    "patents": st.lists(st.sampled_from(["business", "operator"]), max_size=1),
})

# Each failure of a basic condition the generator can inject, with the condition it breaks.
FAILURES = {
    "revoked": ("registered_on_reference_date", dict(status_history=[("registered", D(2010, 1, 1)),
                                                                      ("revoked", D(2025, 1, 2))])),
    "no_report": ("annual_report_submitted", dict(employees=None)),
    "abnormal": ("not_marked_abnormal", dict(marks=[dict(kind="abnormal", start_on=D(2025, 1, 1))])),
    "serious_illegal": ("not_serious_illegal", dict(marks=[dict(kind="serious_illegal", start_on=D(2024, 1, 1))])),
    "abnormal_taxpayer": ("not_abnormal_taxpayer", None),
    "suspended": ("not_suspended", dict(marks=[dict(kind="suspension", start_on=D(2025, 2, 1))])),
}
# Harmless noise that must not exclude anyone.
NOISE = st.sampled_from([
    [], [dict(kind="abnormal", start_on=D(2024, 1, 1), end_on=D(2025, 1, 1))],
    [dict(kind="abnormal", start_on=D(2025, 7, 1))], [dict(kind="penalty", start_on=D(2024, 1, 1))]])

CRITERIA = ["employees_2", "employees_4", "insured_1", "insured_4", "tax_paid", "general_taxpayer", "trademark",
            "patent"]


def _build(uscc: str, prof: dict, *, failures: frozenset = frozenset(), noise: list | None = None,
           added: str | None = None):
    prof = dict(prof)
    if added == "employees_2":
        prof["employees"] = max(prof["employees"], 2)
    elif added == "employees_4":
        prof["employees"] = max(prof["employees"], 4)
    elif added == "insured_1":
        prof["insured"] = max(prof["insured"] or 0, 1)
    elif added == "insured_4":
        prof["insured"] = max(prof["insured"] or 0, 4)
    elif added == "tax_paid":
        prof["tax_paid"] = "100"
    elif added == "general_taxpayer":
        prof["general_taxpayer"] = True
    elif added == "trademark":
        prof["trademarks"] = [*prof["trademarks"], ("business", True)]
    elif added == "patent":
        prof["patents"] = [*prof["patents"], "business"]
    kw: dict = {"established_on": prof["established_on"], "employees": prof["employees"], "marks": list(noise or [])}
    if prof["established_on"] >= D(YEAR, 1, 1) and "no_report" in failures:
        kw["established_on"] = D(2020, 1, 1)  # established in Y needs no report: make the failure real
    for f in sorted(failures):
        extra = FAILURES[f][1]
        if extra:
            for k, v in extra.items():
                kw[k] = kw.get(k, []) + v if k == "marks" else v
    if kw["established_on"] > D(2025, 1, 2) and "revoked" in failures:
        kw["established_on"] = D(2020, 1, 1)
    state = business(uscc, **kw)
    fs = [facts(uscc, year=P, tax_paid=prof["tax_paid"], insured=prof["insured"], trademarks=prof["trademarks"],
                patents=prof["patents"], general_taxpayer=prof["general_taxpayer"] or None)]
    if "abnormal_taxpayer" in failures:
        fs.append(facts(uscc, year=YEAR, abnormal_taxpayer=True, general_taxpayer=prof["general_taxpayer"]))
    return state, fs


def _evaluate(engine, items):
    with engine.connect() as conn:
        tx = conn.begin()
        states, fs = [], []
        for state, f in items:
            states.append(state)
            fs += f
        apply(Session(bind=conn), states, fs)
        out = evaluate(conn)
        tx.rollback()
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(profiles, st.sampled_from(CRITERIA)), min_size=1, max_size=8))
def test_adding_a_criterion_never_lowers_a_type(engine, cases):
    pairs, items = [], []
    for prof, criterion in cases:
        base, more = new_uscc(), new_uscc()
        items += [_build(base, prof), _build(more, prof, added=criterion)]
        pairs.append((base, more, criterion))
    out = _evaluate(engine, items)
    for base, more, criterion in pairs:
        assert TYPE_RANK[out[more]["type"]] >= TYPE_RANK[out[base]["type"]], criterion


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(profiles, st.frozensets(st.sampled_from(sorted(FAILURES)), max_size=3), NOISE),
                      min_size=1, max_size=8))
def test_excluded_exactly_when_a_basic_condition_fails(engine, cases):
    expected, items = {}, []
    for prof, failures, noise in cases:
        u = new_uscc()
        items.append(_build(u, prof, failures=failures, noise=noise))
        expected[u] = sorted(FAILURES[f][0] for f in failures)
    out = _evaluate(engine, items)
    for u, failed in expected.items():
        assert (out[u]["type"] == "excluded") == bool(failed)
        basic_failed = sorted(c.code for c in RULES.group("basic") if not out[u]["met"] & RULES.bit(c.code))
        assert basic_failed == failed
