"""Limits on recognitions (附件1 二(四)3)."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import datetime as dt

from cultivation_svc.rules import lifecycle
from cultivation_svc.rules.eligibility import Refusal
from cultivation_svc.rules.parameters import CultivationRules


@dataclass(frozen=True)
class Quota:
    base_count: int  # that year's 成长型 + 发展型 count in the county
    limit: int
    in_force: int

    @property
    def left(self) -> int:
        return max(self.limit - self.in_force, 0)


def quota_limit(growth: int, development: int, ratio: Fraction) -> int:
    """二(四)3：各县（市、区）“名特优新”个体工商户的数量应当控制在当地“成长型”“发展型”个体工商户总数的
    5%以内（以每年个体工商户集中分型判定数量为基准）。Rounded down: 5% of 39 is 1, of 40 is 2."""
    return int((growth + development) * ratio)  # exact: Fraction, then floor towards zero


def quota_check(quota: Quota) -> Refusal | None:
    """二(四)3 5%以内: one more recognition is allowed while those in force are below the limit."""
    if quota.in_force < quota.limit:
        return None
    return Refusal("quota", "二(四)3",
                   f"本县在认定状态的“名特优新”个体工商户已达上限 {quota.limit} 户"
                   f"（成长型、发展型共 {quota.base_count} 户的5%，向下取整）",
                   {"limit": quota.limit, "in_force": quota.in_force, "base_count": quota.base_count})


def one_category_per_business(uscc: str, active_category: str | None) -> Refusal | None:
    """二(四)3：同一个体工商户只能认定为一个类型。"""
    if active_category is None:
        return None
    return Refusal("one_category", "二(四)3", f"该户已被认定为“{active_category}”类，同一个体工商户只能认定为一个类型",
                   {"uscc": uscc, "category": active_category})


def one_per_person_per_county(operator_masked: str | None, other_uscc: str | None) -> Refusal | None:
    """二(四)3：同一自然人在同一县级行政区域内设立多个个体工商户的，最多只能有一个个体工商户获得认定。"""
    if other_uscc is None:
        return None
    return Refusal("one_per_person", "二(四)3",
                   f"经营者（{operator_masked}）在本县设立的另一个体工商户 {other_uscc} 已获认定，同一自然人在同一县"
                   "最多只能有一个个体工商户获得认定",
                   {"other_uscc": other_uscc})


def calendar_check(cycle_year: int, on: dt.date, rules: CultivationRules, *, restored: bool = False) -> Refusal | None:
    """二(五)1：当年8月起……并于11月底前完成分类; 三(四) 12月 for a case an upheld objection restores."""
    if lifecycle.recognition_in_calendar(cycle_year, on, rules, restored=restored):
        return None
    last = lifecycle.recognitions_by(cycle_year, rules, restored=restored)
    why = "（异议成立恢复的案件可在12月处理）" if restored else "（二(五)1：于11月底前完成分类）"
    return Refusal("calendar", "二(五)1" if not restored else "二(五)1、三(四)",
                   f"{cycle_year} 年度的认定应在 {cycle_year} 年 {rules.window_opens[0]} 月 {rules.window_opens[1]} 日至 "
                   f"{last.isoformat()} 之间作出{why}，今天为 {on.isoformat()}",
                   {"cycle_year": cycle_year, "last_day": last.isoformat(), "on": on.isoformat(), "restored": restored})
