"""Rule tables for 附件1 二: each case names the legal point, the date and the facts, on both sides of every edge."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from cultivation_svc.rules import eligibility, lifecycle, limits, scoring
from cultivation_svc.rules.parameters import ExtraBar, defaults, rules_for, validate_overrides

D = dt.date
APPLIED = D(2026, 9, 15)
RULES = defaults(APPLIED)


def subject(**kw) -> eligibility.Subject:
    base = {"uscc": "92232701MA0000001X", "on": APPLIED, "source": "self", "latest_type": "growth",
            "latest_type_year": 2026}
    return eligibility.Subject(**{**base, **kw})


def penalty(publicized_on, penalty_kind="罚款", end_on=None):
    return {"id": "m1", "kind": "penalty", "penalty_kind": penalty_kind, "start_on": publicized_on,
            "publicized_on": publicized_on, "end_on": end_on}


# --- 二(四)1 类型来源 -------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kw, refused", [
    ("成长型可以自主申报", {"latest_type": "growth"}, False),
    ("发展型可以自主申报", {"latest_type": "development"}, False),
    ("生存型不得自主申报", {"latest_type": "survival"}, True),
    ("不符合分型条件由基础条件一条说明，不在此重复", {"latest_type": "excluded"}, False),
    ("尚无分型结果不得自主申报", {"latest_type": None}, True),
    ("部门推荐不受成长型、发展型所限", {"latest_type": "survival", "source": "recommendation"}, False),
    ("退役军人经营的可放宽来源", {"latest_type": "survival", "relaxed_group": "veteran"}, False),
    ("高校毕业生经营的可放宽来源", {"latest_type": "survival", "relaxed_group": "graduate"}, False),
    ("残疾人经营的可放宽来源", {"latest_type": "survival", "relaxed_group": "disabled"}, False),
    ("返乡创业农民工经营的可放宽来源", {"latest_type": None, "relaxed_group": "returning_migrant_worker"}, False),
    ("所称群体经审核确认：放宽", {"latest_type": "survival", "relaxed_group": "veteran", "relaxed_confirmed": True}, False),
    ("所称群体经审核未确认：不放宽", {"latest_type": "survival", "relaxed_group": "veteran", "relaxed_confirmed": False},
     True),
    ("所称群体未确认但本为成长型：不受影响", {"latest_type": "growth", "relaxed_group": "veteran", "relaxed_confirmed": False},
     False),
    ("未列入的群体不放宽", {"latest_type": "survival", "relaxed_group": "poverty_relieved"}, True),
    ("本县增设且已施行的群体：放宽", {"latest_type": "survival", "relaxed_group": "poverty_relieved",
                                  "relaxed_groups": {"poverty_relieved": "脱贫户"}}, False),
])
def test_type_requirement(name, kw, refused):
    r = eligibility.type_requirement(subject(**kw))
    assert (r is not None) == refused, name
    if r:
        assert r.rule == "type_requirement" and r.clause == "二(四)1" and "latest_type" in r.fact


# --- 二(四)1 登记在册、符合分型条件：任何来源都不能越过 ---------------------------------------------------------------
@pytest.mark.parametrize("name, kw, rules", [
    ("登记在册：可以", {"business_status": "registered"}, []),
    ("吊销：不得申报", {"business_status": "revoked"}, ["not_registered"]),
    ("注销：不得推荐", {"business_status": "cancelled", "source": "recommendation"}, ["not_registered"]),
    ("撤销：放宽群体也不得", {"business_status": "withdrawn", "relaxed_group": "veteran"}, ["not_registered"]),
    ("不符合分型条件：不得自主申报", {"latest_type": "excluded"}, ["typing_base_conditions"]),
    ("不符合分型条件：部门推荐也不得", {"latest_type": "excluded", "source": "recommendation"}, ["typing_base_conditions"]),
    ("不符合分型条件：放宽群体也不得", {"latest_type": "excluded", "relaxed_group": "disabled"}, ["typing_base_conditions"]),
    ("生存型经部门推荐：可以", {"latest_type": "survival", "source": "recommendation"}, []),
])
def test_who_may_be_recognised_at_all(name, kw, rules):
    assert [r.rule for r in eligibility.check(subject(**kw), RULES)] == rules, name


def test_county_added_relaxed_group_is_dated():
    """二(四)1 “等”: a group a county adds applies from its date, not before."""
    added = [{"code": "poverty_relieved", "label": "脱贫户", "in_force_from": "2026-09-16", "reason": "县政府决定"}]
    before, after = rules_for(D(2026, 9, 15), {"relaxed_groups_added": added}), rules_for(D(2026, 9, 16),
                                                                                       {"relaxed_groups_added": added})
    assert "poverty_relieved" not in before.relaxed_group_labels()
    assert after.relaxed_group_labels()["poverty_relieved"] == "脱贫户"
    assert list(after.relaxed_group_labels())[:4] == ["veteran", "graduate", "disabled", "returning_migrant_worker"]


# --- 二(四)1 A 申报之日前2年内的罚款及以上行政处罚 ----------------------------------------------------------
@pytest.mark.parametrize("name, marks, refused", [
    ("申报当日公示的罚款：不得申报", [penalty(APPLIED)], True),
    ("恰好2年前公示（含本数）：不得申报", [penalty(D(2024, 9, 15))], True),
    ("2年前再早1天公示：不受限", [penalty(D(2024, 9, 14))], False),
    ("申报之后才公示的：不计", [penalty(D(2026, 9, 16))], False),
    ("警告不属罚款及以上", [penalty(D(2026, 1, 1), "警告")], False),
    ("通报批评不属罚款及以上", [penalty(D(2026, 1, 1), "通报批评")], False),
    ("没收属罚款以上", [penalty(D(2026, 1, 1), "没收")], True),
    ("吊销属罚款以上", [penalty(D(2026, 1, 1), "吊销")], True),
    ("申报前已信用修复：不受限", [penalty(D(2026, 1, 1), end_on=D(2026, 9, 15))], False),
    ("申报后才信用修复：仍受限", [penalty(D(2026, 1, 1), end_on=D(2026, 9, 16))], True),
    ("经营异常不是行政处罚", [{"id": "a", "kind": "abnormal", "start_on": D(2026, 1, 1)}], False),
])
def test_penalty_window(name, marks, refused):
    r = eligibility.penalty_bar(subject(marks=tuple(marks)), RULES.penalty_window_years)
    assert (r is not None) == refused, name
    if r:
        assert r.fact["publicized_on"] and r.clause == "二(四)1 A"


@pytest.mark.parametrize("name, publicized, repaired, on, refused", [
    ("认定时重查：申报之后才公示的处罚不阻止该申报", D(2026, 9, 16), None, D(2026, 9, 25), False),
    ("认定时重查：申报当日公示的仍受限", APPLIED, None, D(2026, 9, 25), True),
    ("认定时重查：窗口仍从申报之日起算，恰好2年前", D(2024, 9, 15), None, D(2026, 9, 25), True),
    ("认定时重查：申报日2年前再早1天（按认定日算则在窗口内）", D(2024, 9, 14), None, D(2026, 9, 25), False),
    ("认定前完成信用修复：不再受限", D(2026, 1, 1), D(2026, 9, 20), D(2026, 9, 25), False),
    ("认定后才信用修复：仍受限", D(2026, 1, 1), D(2026, 9, 26), D(2026, 9, 25), True),
])
def test_penalty_window_counts_back_from_the_application_date(name, publicized, repaired, on, refused):
    s = subject(on=on, applied_on=APPLIED, marks=(penalty(publicized, end_on=repaired),))
    assert (eligibility.penalty_bar(s, RULES.penalty_window_years) is not None) == refused, name


def test_penalty_window_regional_one_year():
    """DESIGN: a locality may use a 1-year penalty window; the seed's 2 years stay the default."""
    one_year = rules_for(APPLIED, {"penalty_window_years": 1}, "232721")
    s = subject(marks=(penalty(D(2025, 3, 1)),))
    assert eligibility.penalty_bar(s, RULES.penalty_window_years) is not None
    assert eligibility.penalty_bar(s, one_year.penalty_window_years) is None
    assert one_year.version.endswith("+232721")


# --- 二(四)1 B 失信被执行人 ----------------------------------------------------------------------------
@pytest.mark.parametrize("name, listings, refused", [
    ("列入且未移出：不得申报", [{"listed_on": D(2025, 1, 1)}], True),
    ("申报前已移出：不受限", [{"listed_on": D(2025, 1, 1), "removed_on": D(2026, 9, 1)}], False),
    ("申报当日移出：不受限", [{"listed_on": D(2025, 1, 1), "removed_on": APPLIED}], False),
    ("申报后才列入：不计", [{"listed_on": D(2026, 9, 16)}], False),
    ("从未列入", [], False),
])
def test_dishonest_debtor(name, listings, refused):
    assert (eligibility.dishonest_debtor_bar(subject(debtor_listings=tuple(listings))) is not None) == refused, name


# --- 二(六) 撤销认定后5年内不得再次申报 -----------------------------------------------------------------------
@pytest.mark.parametrize("name, revoked_on, refused", [
    ("撤销当日", APPLIED, True),
    ("撤销后第5年的最后一天", D(2021, 9, 16), True),
    ("撤销满5年", D(2021, 9, 15), False),
    ("撤销超过5年", D(2020, 1, 1), False),
])
def test_fraud_bar(name, revoked_on, refused):
    r = eligibility.fraud_bar(subject(revocations_for_fraud=(revoked_on,)), RULES.fraud_bar_years)
    assert (r is not None) == refused, name


@pytest.mark.parametrize("source, refused", [("self", True), ("recommendation", False)])
def test_fraud_bar_bars_applications_not_recommendations(source, refused):
    """二(六)：5年内不得再次申报 — the business's own application; a department may still recommend it."""
    r = eligibility.fraud_bar(subject(source=source, revocations_for_fraud=(APPLIED,)), RULES.fraud_bar_years)
    assert (r is not None) == refused


def test_local_bar_major_safety_accident():
    rules = rules_for(APPLIED, {"extra_bars": [{"kind": "major_safety_accident", "years": 3}]}, "232722")
    accident = {"id": "x", "kind": "penalty", "penalty_kind": "警告", "start_on": D(2024, 1, 1),
                "reason": "发生重大安全事故"}
    assert [r.rule for r in eligibility.check(subject(marks=(accident,)), rules)] == ["local_bar:major_safety_accident"]
    assert eligibility.check(subject(marks=(accident,)), RULES) == []  # not a bar where the region did not add it


def test_check_lists_every_reason():
    s = subject(latest_type="survival", marks=(penalty(D(2026, 1, 1)),), debtor_listings=({"listed_on": D(2025, 1, 1)},),
                revocations_for_fraud=(D(2024, 1, 1),))
    assert [r.rule for r in eligibility.check(s, RULES)] == ["type_requirement", "penalty_bar", "dishonest_debtor_bar",
                                                             "fraud_bar"]
    assert [r.rule for r in eligibility.check(subject(business_status="cancelled", latest_type="excluded"), RULES)] == [
        "not_registered", "typing_base_conditions"]


# --- 二(四)3 5%名额（向下取整） -----------------------------------------------------------------------------
@pytest.mark.parametrize("growth, development, expected", [
    (0, 0, 0), (10, 9, 0), (10, 10, 1), (20, 19, 1), (20, 20, 2), (30, 10, 2), (1000, 999, 99), (1000, 1000, 100),
])
def test_quota_rounds_down(growth, development, expected):
    assert limits.quota_limit(growth, development, RULES.quota_ratio) == expected


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_quota_never_exceeds_five_percent(growth, development):
    n = limits.quota_limit(growth, development, Fraction(5, 100))
    assert n * 20 <= growth + development < (n + 1) * 20


def test_quota_check_boundary():
    assert limits.quota_check(limits.Quota(base_count=40, limit=2, in_force=1)) is None
    r = limits.quota_check(limits.Quota(base_count=40, limit=2, in_force=2))
    assert r is not None and r.rule == "quota" and r.fact["limit"] == 2


def test_one_category_and_one_person():
    assert limits.one_category_per_business("u", None) is None
    assert limits.one_category_per_business("u", "特色").rule == "one_category"
    assert limits.one_per_person_per_county("张*", None) is None
    assert limits.one_per_person_per_county("张*", "92OTHER").fact == {"other_uscc": "92OTHER"}


# --- 二(五)(六) 有效期、享受政策、信息报告 ------------------------------------------------------------------------
@pytest.mark.parametrize("recognised, until", [
    (D(2026, 11, 20), D(2029, 11, 19)), (D(2024, 2, 29), D(2027, 2, 27)), (D(2026, 1, 1), D(2028, 12, 31)),
])
def test_valid_three_years_from_recognition(recognised, until):
    assert lifecycle.valid_until(recognised, RULES.validity_years) == until


def test_benefits_from_first_of_january_next_year_and_report_by_31_july():
    assert lifecycle.benefits_from(2026, RULES) == D(2027, 1, 1)
    assert lifecycle.info_report_due(2027, RULES) == D(2027, 7, 31)


# --- 二(五)1 时间安排：8月起，11月底前完成；三(四) 异议恢复的在12月 ----------------------------------------------------
@pytest.mark.parametrize("name, on, restored, refused", [
    ("7月31日：窗口未开", D(2026, 7, 31), False, True),
    ("8月1日：可以认定", D(2026, 8, 1), False, False),
    ("11月30日：最后一天", D(2026, 11, 30), False, False),
    ("12月1日：已过11月底", D(2026, 12, 1), False, True),
    ("异议成立恢复的：12月1日可以", D(2026, 12, 1), True, False),
    ("异议成立恢复的：12月31日可以", D(2026, 12, 31), True, False),
    ("异议成立恢复的：次年1月1日不行", D(2027, 1, 1), True, True),
])
def test_calendar_of_a_cycle(name, on, restored, refused):
    r = limits.calendar_check(2026, on, RULES, restored=restored)
    assert (r is not None) == refused, name
    if r:
        assert r.rule == "calendar" and r.fact["cycle_year"] == 2026


def test_only_the_prefecture_with_its_reason_moves_the_calendar():
    """二(五)1: a later last day (or an earlier opening) needs the prefecture's decision named in calendar_reason."""
    later = {"recognitions_by": [12, 31], "window_closes": [12, 31]}
    assert [e["field"] for e in validate_overrides(later)] == ["recognitions_by"]
    assert validate_overrides({**later, "calendar_reason": "地区局决定：补录延至年底"}) == []
    rules = rules_for(D(2026, 12, 5), {**later, "calendar_reason": "地区局决定"})
    assert limits.calendar_check(2026, D(2026, 12, 5), rules) is None
    assert limits.calendar_check(2026, D(2026, 12, 5), RULES) is not None
    early = {"window_opens": [1, 1]}
    assert [e["field"] for e in validate_overrides(early)] == ["window_opens"]
    assert validate_overrides({**early, "calendar_reason": "地区局决定"}) == []


@pytest.mark.parametrize("on, last_year", [
    (D(2028, 11, 19), False), (D(2028, 11, 20), True), (D(2029, 11, 19), True), (D(2029, 11, 20), False),
])
def test_evaluation_only_in_last_year(on, last_year):
    assert lifecycle.in_last_year(D(2029, 11, 19), on) == last_year


REC = D(2026, 11, 20)
EVAL = D(2029, 9, 1)


def reports(before: dict, after: dict) -> list[dict]:
    return [{"year": 2025, **before}, {"year": 2028, **after}]


@pytest.mark.parametrize("name, kw, conditions", [
    ("A 营业收入3年内增长20%以上", {"reports": reports({"revenue": "100000"}, {"revenue": "120000"})}, ["A"]),
    ("A 增长不足20%不算明显增长", {"reports": reports({"revenue": "100000"}, {"revenue": "119999"})}, []),
    ("A 吸纳就业从0到有", {"reports": reports({"employees": 0}, {"employees": 2})}, ["A"]),
    ("B 县级以上政府表彰", {"marks": [{"id": "w", "kind": "award", "level": "county", "start_on": "2027-05-01"}]}, ["B"]),
    ("B 认定前的表彰不算", {"marks": [{"id": "w", "kind": "award", "level": "province", "start_on": "2026-01-01"}]}, []),
    ("C 成长型提升为发展型", {"type_at_recognition": "growth", "latest_type": "development"}, ["C"]),
    ("C 生存型提升为成长型", {"type_at_recognition": "survival", "latest_type": "growth"}, ["C"]),
    ("C 类型未提升", {"type_at_recognition": "growth", "latest_type": "growth"}, []),
    ("D 推荐认定经推荐部门同意", {"source": "recommendation", "department_consented": True}, ["D"]),
    ("D 自主申报不适用", {"source": "self", "department_consented": True}, []),
    ("D 推荐部门未同意", {"source": "recommendation", "department_consented": False}, []),
])
def test_extension_conditions(name, kw, conditions):
    args = {"reports": [], "marks": [], "recognised_on": REC, "on": EVAL, "type_at_recognition": "growth",
            "latest_type": "growth", "source": "self", "department_consented": False, "rules": RULES, **kw}
    assert [g["condition"] for g in lifecycle.extension_grounds(**args)] == conditions, name


def test_scoring_with_declared_values_and_certificates():
    indicators = [{"code": "years", "name": "经营年限", "weight": 40, "threshold": 5},
                  {"code": "green", "name": "绿色食品证书", "weight": 60, "threshold": 1, "source": "certificate:绿色食品"}]
    certs = [{"kind": "绿色食品", "issued_on": "2025-01-01", "expires_on": "2027-01-01"}]
    total, detail = scoring.score(indicators, {"years": 6}, certs, APPLIED)
    assert total == 100 and all(d["met"] for d in detail)
    total, _ = scoring.score(indicators, {"years": 4}, [], APPLIED)
    assert total == 0


@pytest.mark.parametrize("overrides, bad_field", [
    ({"penalty_window_years": 0}, "penalty_window_years"),
    ({"window_closes": [2, 30]}, "window_closes"),
    ({"extra_bars": [{"kind": "unknown", "years": 3}]}, "extra_bars"),
    ({"quota_ratio": 0.1}, "quota_ratio"),  # the 5% limit is the seed's, not a local setting
    ({"window_closes": [12, 1]}, "window_closes"),  # a county shortens, never extends past 30 November
    ({"window_opens": [7, 31]}, "window_opens"),    # nor opens before August
    ({"relaxed_groups_added": [{"code": "veteran", "label": "x", "in_force_from": "2026-01-01", "reason": "r"}]},
     "relaxed_groups_added"),                        # the seed's groups are not added twice
    ({"relaxed_groups_added": [{"code": "poverty_relieved", "label": "脱贫户", "in_force_from": "2026-01-01",
                                "reason": " "}]}, "relaxed_groups_added"),  # a group without its reason
])
def test_region_overrides_validated(overrides, bad_field):
    assert [e["field"] for e in validate_overrides(overrides)] == [bad_field]


def test_region_overrides_accepted():
    assert validate_overrides({"penalty_window_years": 1, "public_notice_days": 5, "window_closes": [11, 30],
                               "window_opens": [8, 1],
                               "extra_bars": [{"kind": "major_safety_accident", "years": 3}]}) == []
    assert validate_overrides({"window_closes": [11, 15]}) == []  # shortening is the county's to choose
    assert rules_for(APPLIED, {"extra_bars": [{"kind": "major_safety_accident", "years": 3}]}).extra_bars == (
        ExtraBar("major_safety_accident", 3, "major_safety_accident"),)


@given(st.integers(-1500, 1500), st.one_of(st.none(), st.integers(-1500, 1500)))
def test_penalty_window_property(days_before, repaired_after):
    """Barred exactly when publicised within [applied − 2 years, applied] and not repaired by the application date."""
    publicized = APPLIED - dt.timedelta(days=days_before)
    repaired = None if repaired_after is None else publicized + dt.timedelta(days=abs(repaired_after))
    barred = eligibility.penalty_bar(subject(marks=(penalty(publicized, end_on=repaired),)), 2) is not None
    within = D(2024, 9, 15) <= publicized <= APPLIED
    assert barred == (within and (repaired is None or repaired > APPLIED))


def test_thresholds_are_dated_parameters_with_their_clause(monkeypatch):
    """Each threshold is a kit DatedParameter: the value in force on a date, and the clause it rests on; an amendment
    is one more entry from its date, and earlier periods keep the earlier value."""
    from getihu_kit.parameters import DatedParameter
    from cultivation_svc.rules import parameters
    assert all(isinstance(p, DatedParameter) for p in parameters.PARAMETERS.values())
    window = parameters.PARAMETERS["penalty_window_years"]
    assert window.entry_on(APPLIED).clause.startswith("二(四)1 A") and window.on(APPLIED) == 2
    monkeypatch.setitem(parameters.PARAMETERS, "penalty_window_years", window.then(1, D(2027, 1, 1), "某年修订：1年内"))
    assert defaults(D(2026, 12, 31)).penalty_window_years == 2
    assert defaults(D(2027, 1, 1)).penalty_window_years == 1
    assert rules_for(D(2027, 1, 1), {"penalty_window_years": 3}, "232701").penalty_window_years == 3


# --- 二(六) A 的数据：部门共享数据优先，其次信息报告、年报（四(四) 不得要求另行提供） ---------------------------------------
@pytest.mark.parametrize("name, annual, info, facts, expected", [
    ("只有年报", [{"year": 2025, "tax_paid": "100"}], [], {}, ("100", "annual_report")),
    ("信息报告优先于年报", [{"year": 2025, "tax_paid": "100"}], [{"year": 2025, "tax_paid": "150"}], {},
     ("150", "info_report")),
    ("税务数据优先于两者", [{"year": 2025, "tax_paid": "100"}], [{"year": 2025, "tax_paid": "150"}],
     {2025: {"tax_paid": "180", "insured_employees": None}}, ("180", "tax")),
    ("税务当年无数据：退回信息报告", [], [{"year": 2025, "tax_paid": "150"}],
     {2025: {"tax_paid": None, "insured_employees": 3}}, ("150", "info_report")),
])
def test_indicator_sources(name, annual, info, facts, expected):
    [row] = lifecycle.indicators_by_year(annual_reports=annual, info_reports=info, facts=facts)
    assert (row["tax_paid"], row["sources"]["tax_paid"]) == expected, name


def test_ground_a_names_the_source_of_each_figure():
    rows = lifecycle.indicators_by_year(annual_reports=[{"year": 2025, "employees": 2}], info_reports=[],
                                        facts={2028: {"tax_paid": None, "insured_employees": 5}})
    args = {"reports": rows, "marks": [], "recognised_on": REC, "on": EVAL, "type_at_recognition": "growth",
            "latest_type": "growth", "source": "self", "department_consented": False, "rules": RULES}
    [a] = lifecycle.extension_grounds(**args)
    assert a["condition"] == "A" and a["fact"]["employees"] == ["2", "5"]
    assert a["fact"]["sources"]["employees"] == ["annual_report", "social_insurance"]


# --- 二(五)2 抽查：可复现的随机样本；逾期未补充材料 -----------------------------------------------------------------------
@pytest.mark.parametrize("population, size", [(0, 0), (1, 1), (10, 1), (11, 2), (20, 2), (21, 3)])
def test_spot_check_sample_size_rounds_up_at_least_one(population, size):
    from cultivation_svc.rules import spot_checks
    assert spot_checks.sample_size(population, RULES.spot_check_rate) == size


def test_spot_check_sample_is_reproducible_and_order_free():
    from cultivation_svc.rules import spot_checks
    ids = [f"rec_{i:04d}" for i in range(30)]
    first = spot_checks.draw(ids, RULES.spot_check_rate, "232701:2026")
    assert first == spot_checks.draw(list(reversed(ids)), RULES.spot_check_rate, "232701:2026") and len(first) == 3
    assert first != spot_checks.draw(ids, RULES.spot_check_rate, "another seed")


@pytest.mark.parametrize("status, due, on, lapsed", [
    ("material_requested", D(2026, 10, 15), D(2026, 10, 15), False),  # the due day itself is still in time
    ("material_requested", D(2026, 10, 15), D(2026, 10, 16), True),
    ("material_submitted", D(2026, 10, 15), D(2026, 10, 16), False),
])
def test_material_request_lapses_the_day_after(status, due, on, lapsed):
    from cultivation_svc.rules import spot_checks
    assert spot_checks.material_lapsed(status, due, on) == lapsed
