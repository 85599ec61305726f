"""The life of a recognition: validity, benefits, reports, confirmation and extension (附件1 二(五)(六))."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from getihu_kit.clock import add_years
from cultivation_svc.rules.parameters import CultivationRules, on_day

TYPE_RANK = {"survival": 1, "growth": 2, "development": 3}
AWARD_LEVELS = {"county", "city", "province", "national"}  # 县级以上


def valid_until(recognised_on: dt.date, years: int) -> dt.date:
    """二(六)：认定有效期为3年，以认定时间为准 — the last valid day is the eve of the anniversary."""
    return add_years(recognised_on, years) - dt.timedelta(days=1)


def benefits_from(cycle_year: int, rules: CultivationRules) -> dt.date:
    """二(五)1：次年1月1日起，认定的“名特优新”个体工商户开始享受相关扶持政策 — the year after the *cycle's* year,
    also for a case an upheld objection restores later (三(四))."""
    return on_day(cycle_year + 1, rules.benefits_from)


def recognitions_by(cycle_year: int, rules: CultivationRules, *, restored: bool = False) -> dt.date:
    """二(五)1：当年8月起……于11月底前完成分类 — the last day a cycle's recognition may fall on (a later one only as the
    prefecture's dated parameter). 三(四)：总结提高阶段（12月）……做好分型分类异议处理 — a case an upheld objection
    restores may be recognised in that December."""
    return on_day(cycle_year, rules.restored_by if restored else rules.recognitions_by)


def recognition_in_calendar(cycle_year: int, on: dt.date, rules: CultivationRules, *, restored: bool = False) -> bool:
    """A recognition of the cycle `cycle_year` falls within it: from its window's opening (1 August) to its last day."""
    return on_day(cycle_year, rules.window_opens) <= on <= recognitions_by(cycle_year, rules, restored=restored)


def info_report_due(year: int, rules: CultivationRules) -> dt.date:
    """二(六)：有效期内……应当通过培育平台，于每年7月底前完成信息报告。"""
    return on_day(year, rules.info_report_due)


def window_dates(year: int, published_on: dt.date, rules: CultivationRules) -> tuple[dt.date, dt.date]:
    """二(五)1：当年8月起……组织认定工作……于11月底前完成分类. A window opens on 1 August or on the day
    the typing is published, whichever is later; it closes on the (regional) close date."""
    opens = max(on_day(year, rules.window_opens), published_on)
    closes = on_day(year, rules.window_closes)
    return opens, max(opens, closes)


def in_force(status: str, valid_to: dt.date, on: dt.date) -> bool:
    return status in ("granted", "extended") and on <= valid_to


def in_last_year(valid_to: dt.date, on: dt.date) -> bool:
    """二(六)：在分类有效期的最后一年，由认定部门……进行评估。"""
    return add_years(valid_to, -1) < on <= valid_to


@dataclass(frozen=True)
class Growth:
    indicator: str
    before: Decimal
    after: Decimal


# 四(四) 能够通过政府部门之间信息共享获得的……不得要求个体工商户另行提供: an indicator the agencies report is read from
# their data first, then the business's info report (二(六) 信息报告), then its annual report.
INDICATOR_SOURCES = {"revenue": (("info_report", "revenue"), ("annual_report", "revenue")),
                     "tax_paid": (("tax", "tax_paid"), ("info_report", "tax_paid"), ("annual_report", "tax_paid")),
                     "employees": (("social_insurance", "insured_employees"), ("info_report", "employees"),
                                   ("annual_report", "employees"))}


def indicators_by_year(*, annual_reports: list[dict], info_reports: list[dict], facts: dict[int, dict]) -> list[dict]:
    """One row per year with each indicator from the first source that has it, and which source that was."""
    by_source: dict[str, dict[int, dict]] = {
        "annual_report": {int(r["year"]): r for r in annual_reports},
        "info_report": {int(r["year"]): r for r in info_reports},
        "tax": {y: {"tax_paid": f.get("tax_paid")} for y, f in facts.items()},
        "social_insurance": {y: {"insured_employees": f.get("insured_employees")} for y, f in facts.items()}}
    years = sorted({y for rows in by_source.values() for y in rows})
    out = []
    for y in years:
        row: dict = {"year": y, "sources": {}}
        for indicator, sources in INDICATOR_SOURCES.items():
            for source, key in sources:
                value = by_source[source].get(y, {}).get(key)
                if value is not None:
                    row[indicator], row["sources"][indicator] = value, source
                    break
        out.append(row)
    return out


def clear_growth(reports: list[dict], recognised_on: dt.date, on: dt.date, ratio: Fraction) -> list[Growth]:
    """二(六) A：销售额或者营业收入、缴税、吸纳就业等指标3年内有明显增长的.

    Compares the annual report for the year before recognition with the latest report filed by `on`;
    an indicator grew clearly when it rose by at least `ratio` (from zero: any rise)."""
    by_year = {int(r["year"]): r for r in reports}
    base = by_year.get(recognised_on.year - 1)
    later = [y for y in by_year if recognised_on.year <= y <= on.year]
    if base is None or not later:
        return []
    last = by_year[max(later)]
    out = []
    for key in ("revenue", "tax_paid", "employees"):
        b, a = base.get(key), last.get(key)
        if b is None or a is None:
            continue
        b, a = Decimal(str(b)), Decimal(str(a))
        if (b == 0 and a > 0) or (b > 0 and (a - b) / b >= Decimal(ratio.numerator) / Decimal(ratio.denominator)):
            out.append(Growth(key, b, a))
    return out


def award_within(marks: list[dict], recognised_on: dt.date, on: dt.date) -> dict | None:
    """二(六) B：3年内获得过县级以上政府表彰奖励的."""
    for m in marks:
        if m.get("kind") != "award" or m.get("level") not in AWARD_LEVELS:
            continue
        started = dt.date.fromisoformat(str(m["start_on"])[:10])
        if recognised_on <= started <= on:
            return m
    return None


def type_raised(type_at_recognition: str | None, latest_type: str | None) -> bool:
    """二(六) C：由认定时的“成长型”提升为“发展型”，或者由“生存型”提升为“成长型”的."""
    return TYPE_RANK.get(latest_type or "", 0) > TYPE_RANK.get(type_at_recognition or "", 99)


def recommender_agrees(source: str, department_consented: bool) -> bool:
    """二(六) D：推荐认定的个体工商户，经推荐部门同意的."""
    return source == "recommendation" and department_consented


def extension_grounds(*, reports: list[dict], marks: list[dict], recognised_on: dt.date, on: dt.date,
                      type_at_recognition: str | None, latest_type: str | None, source: str,
                      department_consented: bool, rules: CultivationRules) -> list[dict]:
    """Every ground A–D that holds; any one extends the recognition by 3 years."""
    grounds = []
    growth = clear_growth(reports, recognised_on, on, rules.clear_growth_ratio)
    if growth:
        fact: dict = {g.indicator: [str(g.before), str(g.after)] for g in growth}
        by_year = {int(r["year"]): r.get("sources") or {} for r in reports}
        base, last = recognised_on.year - 1, max(y for y in by_year if recognised_on.year <= y <= on.year)
        sources = {g.indicator: [by_year.get(base, {}).get(g.indicator, "annual_report"),
                                 by_year.get(last, {}).get(g.indicator, "annual_report")] for g in growth}
        grounds.append({"condition": "A", "fact": {**fact, "sources": sources}})
    award = award_within(marks, recognised_on, on)
    if award:
        grounds.append({"condition": "B", "fact": {"mark_id": award.get("id"), "level": award.get("level"),
                                                   "start_on": str(award.get("start_on"))}})
    if type_raised(type_at_recognition, latest_type):
        grounds.append({"condition": "C", "fact": {"from": type_at_recognition, "to": latest_type}})
    if recommender_agrees(source, department_consented):
        grounds.append({"condition": "D", "fact": {"department_consented": True}})
    return grounds
