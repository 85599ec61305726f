"""国家个体工商户基础分型标准（2024）as adopted by 大兴安岭地区 — 附件1 一(四) 判定标准.

For typing year Y: reference date R (default 30 June Y, the close of the annual reports; a run may
set another), prior year P = Y − 1.

Decisions where the seed leaves a choice (published as data and text by GET /api/v1/typing/standards):
1. 状态类事实（一般纳税人、非正常户、在用商标、专利）按基准日的状态认定：有分型年度（Y）的部门数据时用 Y 年的，
   否则用上一年度（P）的；流量类事实（纳税额、参保人数、雇员人数）只用上一年度（P）的，其他年度的数据不计。
2. 上一年度年报须在基准日（含）前报送才计入；基准日后补报的，本次分型不计。当年（Y）新成立的无需年报。
3. 基准日后才成立的，或基准日处于吊销、注销、撤销状态的，不符合分型条件。
4. 标记（经营异常、严重违法失信、歇业）在基准日（含）前开始、且没有在基准日（含）前结束（恢复、信用修复、恢复营业）的，
   视为基准日仍在标记中；歇业只在法定最长期限内计（市场主体登记管理条例第三十条：3年；登记机关给出期限届满日的，以其为准）。
5. 成长型③“2-3名（含）雇员”、发展型⑤“4名以上雇员”以上一年度年报的雇员人数为准；“以上”含本数。
6. 上一年度纳税额大于0即为“实际缴纳过税款”（0.01元即计）。
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import and_, case, exists, false, or_, select
from sqlalchemy.sql.elements import ColumnElement

from getihu_kit.parameters import DatedParameter
from typing_svc.rules.model import Condition, Params, Ruleset, numbered_paragraphs

EFFECTIVE = dt.date(2024, 1, 1)
SEED = "附件1 一(四)"

PARAMETERS = [
    DatedParameter.of("seniority_years", 2, EFFECTIVE, f"{SEED} 2.B/C：成立2年（含）以上"),
    DatedParameter.of("growth_insured_min", 1, EFFECTIVE, f"{SEED} 2.B②：为1-3名（含）雇员缴纳社保"),
    DatedParameter.of("growth_insured_max", 3, EFFECTIVE, f"{SEED} 2.B②：为1-3名（含）雇员缴纳社保"),
    DatedParameter.of("growth_employees_min", 2, EFFECTIVE, f"{SEED} 2.B③：上一年度有2-3名（含）雇员"),
    DatedParameter.of("growth_employees_max", 3, EFFECTIVE, f"{SEED} 2.B③：上一年度有2-3名（含）雇员"),
    DatedParameter.of("growth_tax_paid_above", Decimal("0"), EFFECTIVE, f"{SEED} 2.B①：上一年度实际缴纳过税款"),
    DatedParameter.of("development_insured_min", 4, EFFECTIVE, f"{SEED} 2.C②：为4名（含）以上雇员缴纳社保"),
    DatedParameter.of("development_employees_min", 4, EFFECTIVE, f"{SEED} 2.C⑤：上一年度有4名以上雇员"),
    DatedParameter.of("development_trademarks_min", 1, EFFECTIVE, f"{SEED} 2.C③：拥有1件（含）以上商标"),
    DatedParameter.of("development_patents_min", 1, EFFECTIVE, f"{SEED} 2.C④：拥有1件（含）以上专利"),
    DatedParameter.of("suspension_max_years", 3, EFFECTIVE, "市场主体登记管理条例 第三十条：歇业期限最长不超过3年"),
]
UNITS = {"seniority_years": "年", "suspension_max_years": "年", "growth_tax_paid_above": "元",
         "growth_insured_min": "人", "growth_insured_max": "人", "growth_employees_min": "人",
         "growth_employees_max": "人", "development_insured_min": "人", "development_employees_min": "人",
         "development_trademarks_min": "件", "development_patents_min": "件"}


def _current(t, batch: str, column: str) -> ColumnElement:
    """A status fact on R: year Y's delivery when there is one, else P's (decision 1)."""
    fy, fp = t.facts_current, t.facts_prior
    return case((fy.c[batch].is_not(None), fy.c[column]), else_=fp.c[column])


def _mark_on_reference_date(t, p: Params, kind: str) -> ColumnElement[bool]:
    m, r = t.marks, p.reference_date
    return exists(select(1).where(
        m.c.uscc == t.business.c.uscc, m.c.kind == kind, m.c.start_on <= r,
        or_(m.c.end_on.is_(None), m.c.end_on > r)))


# --- 1. 基础标准 -----------------------------------------------------------------------------------
def registered_on_reference_date(t, p: Params) -> ColumnElement[bool]:
    """符合分型条件的个体工商户应当为登记在册状态（即不含吊销、注销、撤销状态）"""
    sp, r = t.status_periods, p.reference_date
    off_register = exists(select(1).where(
        sp.c.uscc == t.business.c.uscc, sp.c.status != "registered", sp.c.from_on <= r,
        or_(sp.c.to_on.is_(None), sp.c.to_on > r)))
    return and_(t.business.c.established_on <= r, ~off_register)


def annual_report_submitted(t, p: Params) -> ColumnElement[bool]:
    """并且上一年度已报送年度报告（当年新成立的个体工商户，自动判定符合分型条件）"""
    return or_(t.report.c.submitted_on <= p.reference_date,
               t.business.c.established_on >= dt.date(p.year, 1, 1))


def not_marked_abnormal(t, p: Params) -> ColumnElement[bool]:
    """A.被市场监管部门标记为经营异常状态，尚未恢复正常记载状态的；"""
    return ~_mark_on_reference_date(t, p, "abnormal")


def not_serious_illegal(t, p: Params) -> ColumnElement[bool]:
    """B.被列入市场监督管理严重违法失信名单，未实施信用修复的；"""
    return ~_mark_on_reference_date(t, p, "serious_illegal")


def not_abnormal_taxpayer(t, p: Params) -> ColumnElement[bool]:
    """C.被税务部门列为“非正常户”，尚未解除的；"""
    flag = _current(t, "tax_batch", "abnormal_taxpayer")
    return or_(flag.is_(None), flag == false())


def not_suspended(t, p: Params) -> ColumnElement[bool]:
    """D.依据《市场主体登记管理条例》已办理歇业备案，尚在法定最长歇业期内的（季节性经营的个体工商户除外）。"""
    m, r = t.marks, p.reference_date
    cutoff = p.years_before_reference(p["suspension_max_years"])
    within_legal_max = or_(m.c.legal_max_end_on >= r,
                           and_(m.c.legal_max_end_on.is_(None), m.c.start_on > cutoff))
    suspended = exists(select(1).where(
        m.c.uscc == t.business.c.uscc, m.c.kind == "suspension", m.c.start_on <= r,
        or_(m.c.end_on.is_(None), m.c.end_on > r), within_legal_max))
    return or_(t.business.c.seasonal.is_(True), ~suspended)


# --- 2. 分型标准 -----------------------------------------------------------------------------------
def established_two_years(t, p: Params) -> ColumnElement[bool]:
    """B/C.成立2年（含）以上"""
    return t.business.c.established_on <= p.years_before_reference(p["seniority_years"])


def general_taxpayer(t, p: Params) -> ColumnElement[bool]:
    """C.发展型 ①税务部门认定的一般纳税人；"""
    return _current(t, "tax_batch", "general_taxpayer").is_(True)


def insured_four_or_more(t, p: Params) -> ColumnElement[bool]:
    """C.发展型 ②上一年度有以单位形式为4名（含）以上雇员缴纳社保的记录；"""
    return t.facts_prior.c.insured_employees >= p["development_insured_min"]


def trademark_in_use(t, p: Params) -> ColumnElement[bool]:
    """C.发展型 ③拥有1件（含）以上以个体工商户或其经营者为商标持有人，并在经营中实际使用的商标；"""
    return _current(t, "trademark_batch", "trademarks_in_use") >= p["development_trademarks_min"]


def patent_held(t, p: Params) -> ColumnElement[bool]:
    """C.发展型 ④拥有1件（含）以上以个体工商户或其经营者为专利权人的专利。"""
    return _current(t, "patent_batch", "patents") >= p["development_patents_min"]


def four_or_more_employees(t, p: Params) -> ColumnElement[bool]:
    """C.发展型 ⑤上一年度有4名以上雇员。"""
    return t.report.c.employees >= p["development_employees_min"]


def tax_paid_prior_year(t, p: Params) -> ColumnElement[bool]:
    """B.成长型 ①上一年度实际缴纳过税款；"""
    return t.facts_prior.c.tax_paid > p["growth_tax_paid_above"]


def insured_one_to_three(t, p: Params) -> ColumnElement[bool]:
    """B.成长型 ②上一年度有以单位形式为1-3名（含）雇员缴纳社保的记录。"""
    n = t.facts_prior.c.insured_employees
    return and_(n >= p["growth_insured_min"], n <= p["growth_insured_max"])


def two_to_three_employees(t, p: Params) -> ColumnElement[bool]:
    """B.成长型 ③上一年度有2-3名（含）雇员。"""
    n = t.report.c.employees
    return and_(n >= p["growth_employees_min"], n <= p["growth_employees_max"])


RULESET = Ruleset(
    version="national-2024",
    title="个体工商户基础分型标准（国家统一，2024）",
    in_force_from=2024,
    in_force_to=None,
    parameters=PARAMETERS,
    units=UNITS,
    default_reference=(6, 30),
    description=("生存型：符合基础条件但不满足“成长型”和“发展型”标准的所有个体工商户；"
                 "不符合基础条件的判定为“不符合分型条件”，不默认为生存型。"),
    decisions=numbered_paragraphs(__doc__ or ""),
    conditions=[
        Condition("registered_on_reference_date", "basic", "基准日为登记在册状态（不含吊销、注销、撤销）",
                  registered_on_reference_date, "status", "registry"),
        Condition("annual_report_submitted", "basic", "上一年度已报送年度报告（当年新成立的除外）",
                  annual_report_submitted, "annual_report", "registry"),
        Condition("not_marked_abnormal", "basic", "未被标记为经营异常状态（或已恢复）",
                  not_marked_abnormal, None, "registry"),
        Condition("not_serious_illegal", "basic", "未被列入严重违法失信名单（或已信用修复）",
                  not_serious_illegal, None, "registry"),
        Condition("not_abnormal_taxpayer", "basic", "未被税务部门列为非正常户（或已解除）",
                  not_abnormal_taxpayer, "abnormal_taxpayer", "tax"),
        Condition("not_suspended", "basic", "不在歇业法定最长期限内（季节性经营除外）",
                  not_suspended, None, "registry"),
        Condition("established_two_years", "seniority", "成立2年（含）以上",
                  established_two_years, "established_on", "registry"),
        Condition("general_taxpayer", "development", "税务部门认定的一般纳税人",
                  general_taxpayer, "general_taxpayer", "tax"),
        Condition("insured_four_or_more", "development", "上一年度以单位形式为4名（含）以上雇员缴纳社保",
                  insured_four_or_more, "insured_employees", "social_insurance"),
        Condition("trademark_in_use", "development", "拥有并实际使用1件（含）以上商标",
                  trademark_in_use, "trademarks_in_use", "trademark"),
        Condition("patent_held", "development", "拥有1件（含）以上专利",
                  patent_held, "patents", "patent"),
        Condition("four_or_more_employees", "development", "上一年度有4名以上雇员",
                  four_or_more_employees, "employees", "annual_report"),
        Condition("tax_paid_prior_year", "growth", "上一年度实际缴纳过税款",
                  tax_paid_prior_year, "tax_paid", "tax"),
        Condition("insured_one_to_three", "growth", "上一年度以单位形式为1-3名（含）雇员缴纳社保",
                  insured_one_to_three, "insured_employees", "social_insurance"),
        Condition("two_to_three_employees", "growth", "上一年度有2-3名（含）雇员",
                  two_to_three_employees, "employees", "annual_report"),
    ],
)
