"""附件1 一(四) 判定标准 as a table: every condition and boundary the seed sets, evaluated by the real
set-based SQL on PostgreSQL. Typing year 2025, reference date R = 2025-06-30, prior year P = 2024."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from typing_factories import P, R, YEAR, apply, business, evaluate, facts, new_uscc

D = dt.date
NEVER_ENDS = None

# (legal point, business kwargs, facts list of kwargs, expected type, expected reasons or None)
CASES = [
    # 成立2年（含）以上
    ("established exactly 2 years before R is senior", dict(established_on=D(2023, 6, 30), employees=2), [], "growth", None),
    ("established 2 years before R less one day is not senior", dict(established_on=D(2023, 7, 1), employees=2), [],
     "survival", ["established_less_than_two_years"]),
    ("a business without any criterion is 生存型", dict(employees=0), [], "survival", ["no_growth_criterion"]),
    # 雇员人数（上一年度年报）
    ("1 employee is no criterion", dict(employees=1), [], "survival", None),
    ("2 employees: 成长型③", dict(employees=2), [], "growth", ["two_to_three_employees"]),
    ("3 employees: 成长型③", dict(employees=3), [], "growth", ["two_to_three_employees"]),
    ("4 employees: 发展型⑤ (以上 includes 4)", dict(employees=4), [], "development", ["four_or_more_employees"]),
    # 社保（上一年度，以单位形式）
    ("0 insured employees is no criterion", dict(), [dict(insured=0)], "survival", None),
    ("1 insured employee: 成长型②", dict(), [dict(insured=1)], "growth", ["insured_one_to_three"]),
    ("3 insured employees: 成长型②", dict(), [dict(insured=3)], "growth", ["insured_one_to_three"]),
    ("4 insured employees: 发展型②", dict(), [dict(insured=4)], "development", ["insured_four_or_more"]),
    # 纳税
    ("tax paid 0 is no criterion", dict(), [dict(tax_paid="0")], "survival", None),
    ("tax paid 0.01: 成长型①", dict(), [dict(tax_paid="0.01")], "growth", ["tax_paid_prior_year"]),
    ("general taxpayer on R: 发展型①", dict(), [dict(year=YEAR, general_taxpayer=True)], "development",
     ["general_taxpayer"]),
    ("general taxpayer in P only, Y delivery says no: not 发展型①", dict(),
     [dict(year=P, general_taxpayer=True), dict(year=YEAR, general_taxpayer=False)], "survival", None),
    ("general taxpayer in P, no Y delivery: stands on R", dict(), [dict(year=P, general_taxpayer=True)],
     "development", ["general_taxpayer"]),
    # 商标、专利
    ("a trademark not in use is no criterion", dict(), [dict(trademarks=[("business", False)])], "survival", None),
    ("a trademark in use held by the business: 发展型③", dict(), [dict(trademarks=[("business", True)])],
     "development", ["trademark_in_use"]),
    ("a trademark in use held by the operator: 发展型③", dict(), [dict(trademarks=[("operator", True)])],
     "development", ["trademark_in_use"]),
    ("a patent held by the operator: 发展型④", dict(), [dict(patents=["operator"])], "development", ["patent_held"]),
    # 年度错误的数据不计
    ("insured employees of Y (not P) are ignored", dict(), [dict(year=YEAR, insured=4)], "survival", None),
    ("tax paid two years back (not P) is ignored", dict(), [dict(year=P - 1, tax_paid="500")], "survival", None),
    ("employees of an older annual report are ignored", dict(employees=4, report_year=P - 1), [], "excluded",
     ["annual_report_submitted"]),
    ("a general taxpayer two years back is ignored", dict(), [dict(year=P - 1, general_taxpayer=True)], "survival", None),
    # 基础标准 A/B：标记于基准日
    ("经营异常 restored before R: eligible",
     dict(marks=[dict(kind="abnormal", start_on=D(2024, 5, 1), end_on=D(2025, 6, 29))], employees=2), [], "growth", None),
    ("经营异常 restored on R: eligible",
     dict(marks=[dict(kind="abnormal", start_on=D(2024, 5, 1), end_on=R)], employees=2), [], "growth", None),
    ("经营异常 restored after R: excluded",
     dict(marks=[dict(kind="abnormal", start_on=D(2024, 5, 1), end_on=D(2025, 7, 1))]), [], "excluded",
     ["not_marked_abnormal"]),
    ("经营异常 not restored: excluded", dict(marks=[dict(kind="abnormal", start_on=D(2024, 5, 1))]), [], "excluded",
     ["not_marked_abnormal"]),
    ("经营异常 marked after R: eligible on R", dict(marks=[dict(kind="abnormal", start_on=D(2025, 7, 1))]), [],
     "survival", None),
    ("严重违法失信 repaired before R: eligible",
     dict(marks=[dict(kind="serious_illegal", start_on=D(2023, 1, 1), end_on=D(2025, 1, 1))]), [], "survival", None),
    ("严重违法失信 repaired after R: excluded",
     dict(marks=[dict(kind="serious_illegal", start_on=D(2023, 1, 1), end_on=D(2025, 8, 1))]), [], "excluded",
     ["not_serious_illegal"]),
    # C：非正常户
    ("税务非正常户 on R: excluded", dict(), [dict(year=YEAR, abnormal_taxpayer=True)], "excluded",
     ["not_abnormal_taxpayer"]),
    ("税务非正常户 in P, lifted by Y's delivery: eligible", dict(employees=2),
     [dict(year=P, abnormal_taxpayer=True), dict(year=YEAR, abnormal_taxpayer=False)], "growth", None),
    # D：歇业
    ("歇业 of a non-seasonal business on R: excluded",
     dict(marks=[dict(kind="suspension", start_on=D(2025, 1, 1))]), [], "excluded", ["not_suspended"]),
    ("歇业 of a seasonal business: eligible", dict(seasonal=True, employees=2,
                                                 marks=[dict(kind="suspension", start_on=D(2025, 1, 1))]), [],
     "growth", None),
    ("歇业 resumed before R: eligible", dict(marks=[dict(kind="suspension", start_on=D(2025, 1, 1),
                                                        end_on=D(2025, 5, 1))]), [], "survival", None),
    ("歇业 past the legal maximum of 3 years: no longer within it",
     dict(marks=[dict(kind="suspension", start_on=D(2022, 6, 30))]), [], "survival", None),
    ("歇业 one day inside the legal maximum: excluded",
     dict(marks=[dict(kind="suspension", start_on=D(2022, 7, 1))]), [], "excluded", ["not_suspended"]),
    ("歇业 whose legal maximum (from the registry) ended before R",
     dict(marks=[dict(kind="suspension", start_on=D(2024, 1, 1), legal_max_end_on=D(2025, 6, 1))]), [],
     "survival", None),
    # 年报
    ("established this year without an annual report: eligible", dict(established_on=D(2025, 3, 1), employees=None),
     [], "survival", ["established_less_than_two_years"]),
    ("established last year without an annual report: excluded", dict(established_on=D(2024, 3, 1), employees=None),
     [], "excluded", ["annual_report_submitted"]),
    ("annual report for P submitted after R: late for this run", dict(submitted_on=D(2025, 7, 1)), [], "excluded",
     ["annual_report_submitted"]),
    ("annual report for P submitted on R counts", dict(submitted_on=R, employees=2), [], "growth", None),
    # 登记在册
    ("revoked (吊销) before R: excluded", dict(status_history=[("registered", D(2020, 1, 1)), ("revoked", D(2025, 3, 1))]),
     [], "excluded", ["registered_on_reference_date"]),
    ("cancelled (注销) after R: registered on R", dict(employees=2, status_history=[("registered", D(2020, 1, 1)),
                                                                              ("cancelled", D(2025, 8, 1))]),
     [], "growth", None),
    ("established after R: not yet registered on R", dict(established_on=D(2025, 7, 1), employees=None), [], "excluded",
     ["registered_on_reference_date"]),
    # a criterion never rescues an excluded business
    ("a 发展型 criterion does not rescue an excluded business",
     dict(employees=9, marks=[dict(kind="abnormal", start_on=D(2024, 5, 1))]), [dict(insured=9)], "excluded",
     ["not_marked_abnormal"]),
]


@pytest.fixture(scope="module")
def evaluated(engine):
    """All cases in one database, one set-based evaluation, rolled back afterwards."""
    with engine.connect() as conn:
        tx = conn.begin()
        session = Session(bind=conn)
        keys = {}
        states, fact_list = [], []
        for name, kw, fs, _, _ in CASES:
            u = new_uscc()
            keys[name] = u
            states.append(business(u, **kw))
            fact_list += [facts(u, **f) for f in fs]
        apply(session, states, fact_list)
        session.flush()
        out = evaluate(conn)
        tx.rollback()
    return {name: out[u] for name, u in keys.items()}


@pytest.mark.parametrize("name,kw,fs,expected,reasons", CASES, ids=[c[0] for c in CASES])
def test_typing_standard(evaluated, name, kw, fs, expected, reasons):
    from typing_svc.rules import ruleset_for
    row = evaluated[name]
    assert row["type"] == expected
    if reasons is not None:
        assert ruleset_for(YEAR).reasons(row["met"]) == reasons


def test_the_stored_type_codes_are_ranks_of_kits_types():
    """typing_result.type_code is the type's rank; the types and their labels are kit's."""
    from getihu_kit import labels
    from typing_svc.rules import TYPE_LABELS, TYPE_OF_RANK, TYPE_RANK
    assert set(TYPE_RANK) == set(labels.TYPE_CODES) and TYPE_LABELS is labels.TYPE_LABELS
    assert [TYPE_OF_RANK[r] for r in sorted(TYPE_OF_RANK)] == ["excluded", "survival", "growth", "development"]


def test_thresholds_are_kits_dated_parameters_on_the_reference_date():
    import datetime as dt

    from getihu_kit.parameters import DatedParameter
    from typing_svc.rules import ruleset_for
    rs = ruleset_for(YEAR)
    assert all(isinstance(p, DatedParameter) for p in rs.parameters)
    params = rs.params(year=YEAR, reference_date=R)
    assert params["seniority_years"] == 2 and params["development_employees_min"] == 4
    # R minus whole years, 29 February to 28 February (kit's add_years).
    leap = rs.params(year=2028, reference_date=dt.date(2028, 2, 29))
    assert leap.years_before_reference(2) == dt.date(2026, 2, 28)
