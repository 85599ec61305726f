"""The conditions of monitoring and publicity, each a named plain function with the seed's words.

附件1 正文 二(七) 监测分析, 二(八) 惠企政策公示, 四(三) 按季度跟踪监测. Where the seed is silent the choice
is a dated parameter with its reason. Every check returns a `Check` that says which rule decided.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from getihu_kit.parameters import DatedParameter

SEED_START = dt.date(2024, 1, 1)

# 二(七): a contact point is the county's, and the prefecture keeps the file of them. Whether it may
# report before the prefecture has acknowledged the filing the seed does not say: it may not, since
# an unfiled point is not yet one of 全区各扶持个体工商户发展工作联系点.
REPORTING_NEEDS_ACKNOWLEDGEMENT = DatedParameter.of(
    "contact_point_reporting_needs_acknowledgement", True, SEED_START,
    "二(七)：各县（市、区）市场监管部门可根据实际情况自行增加或调整本地联系点，报地区市场监管局备案（备案前不代报）",
    "联系点须经地区局备案确认后才可代报经营数据")

# 四(三) asks for quarterly tracking; how far back a return may still be given it does not say. Two
# years back covers a late annual cycle (typing of year Y reads year Y−1) without reopening history.
RETURN_LOOKBACK_YEARS = DatedParameter.of(
    "return_lookback_years", 2, SEED_START,
    "四(三)：按季度跟踪监测辖区内个体工商户发展……情况（补报期限未规定，取两年）",
    "经营数据可补报的最早年度：当年往前的年数")

CONTACT_POINT_STATUSES = ("filed", "acknowledged", "returned")
POLICY_STATUSES = ("draft", "published", "withdrawn")
RETURN_SOURCES = ("operator", "contact_point", "county_import")


@dataclass(frozen=True)
class Check:
    ok: bool
    rule: str
    clause: str
    detail: str


# --- 惠企政策 ----------------------------------------------------------------------------------------
def policy_publicly_visible(status: str) -> Check:
    """二(八)：“通过政府网站、公示栏、新闻媒体等多种渠道，及时公示个体工商户扶持政策的内容、申请条件、办理流程等信息”
    — the public sees a policy once published, until it is withdrawn; drafts are the bureau's own."""
    ok = status == "published"
    return Check(ok, "policy_publicly_visible", "二(八)",
                 "政策已公示" if ok else "政策未公示或已撤回，公众不可见")


def policy_in_force(in_force_from: dt.date, in_force_to: dt.date | None, day: dt.date) -> Check:
    """二(八)：扶持政策的内容……及时公示 — a policy is in force from its first day through its last
    (both days included; no last day: open-ended)."""
    ok = in_force_from <= day and (in_force_to is None or day <= in_force_to)
    return Check(ok, "policy_in_force", "二(八)",
                 f"{day.isoformat()} 在政策有效期内" if ok else f"{day.isoformat()} 不在政策有效期内")


def policy_period_valid(in_force_from: dt.date, in_force_to: dt.date | None) -> Check:
    """A period ends on or after the day it starts."""
    ok = in_force_to is None or in_force_to >= in_force_from
    return Check(ok, "policy_period_valid", "二(八)", "有效期起止合理" if ok else "有效期截止日早于起始日")


# --- 联系点 ----------------------------------------------------------------------------------------
def contact_point_may_report(status: str, day: dt.date) -> Check:
    """二(七)：“各县（市、区）市场监管部门可根据实际情况自行增加或调整本地联系点，报地区市场监管局备案”；
    a point reports returns once the prefecture has acknowledged its filing (REPORTING_NEEDS_ACKNOWLEDGEMENT)."""
    needs = REPORTING_NEEDS_ACKNOWLEDGEMENT.on(day)
    ok = status == "acknowledged" or not needs
    return Check(ok, "contact_point_may_report", "二(七)",
                 "联系点已备案" if ok else "联系点尚未经地区市场监管局备案确认，暂不能代报经营数据")


def contact_point_follows(followed: set[str], uscc: str) -> Check:
    """二(七)：“充分发挥……联系点作用，建立与个体工商户常态化沟通交流机制” — a point reports for the
    businesses it follows, no others."""
    ok = uscc in followed
    return Check(ok, "contact_point_follows", "二(七)",
                 "该户属于联系点联系的个体工商户" if ok else "该户不在此联系点联系的个体工商户名单中")


# --- 经营数据 --------------------------------------------------------------------------------------
def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def return_period_open(year: int, quarter: int, today: dt.date) -> Check:
    """四(三)：“按季度跟踪监测” and 二(七)：“定期收集个体工商户的经营数据，包括销售额、利润、成本等关键指标” —
    a return is for a quarter that has begun (figures of a quarter not yet started are no data) and
    not older than RETURN_LOOKBACK_YEARS."""
    if quarter_start(year, quarter) > today:
        return Check(False, "return_period_open", "四(三)", f"{year}年第{quarter}季度尚未开始，不能报送")
    earliest = today.year - RETURN_LOOKBACK_YEARS.on(today)
    if year < earliest:
        return Check(False, "return_period_open", "四(三)", f"只能报送{earliest}年及以后的经营数据")
    return Check(True, "return_period_open", "四(三)", f"{year}年第{quarter}季度可报送")


def type_for_quarter(published: dict[int, str], year: int) -> tuple[int, str] | None:
    """二(七)：“根据不同类型个体工商户特点，有针对性分析……” — a quarter's return counts under the type the
    business held then: the newest published typing year not after the return's year."""
    years = [y for y in published if y <= year]
    return (max(years), published[max(years)]) if years else None


# --- 名额 (reported here, enforced by cultivation) -----------------------------------------------------
QUOTA_RATIO = DatedParameter.of(
    "quota_ratio", Fraction(5, 100), SEED_START,
    "二(四)3：各县（市、区）“名特优新”个体工商户的数量应当控制在当地“成长型”“发展型”个体工商户总数的5%以内",
    "名额比例：成长型与发展型户数之和的5%")


def quota_limit(growth_and_development: int, day: dt.date) -> int:
    """二(四)3：“数量应当控制在当地‘成长型’‘发展型’个体工商户总数的5%以内（以每年个体工商户集中分型判定数量为基准）”
    — the analysis shows the use of the quota the cultivation service enforces; rounded down as it is
    (5% of 39 is 1, of 40 is 2)."""
    return int(growth_and_development * QUOTA_RATIO.on(day))
