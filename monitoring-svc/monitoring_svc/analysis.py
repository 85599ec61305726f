"""The analysis (二(七) 形成分析报告, 四(三) 按季度跟踪监测): tables computed in SQL from the projections and
the returns, one grouped query each (set-based; the result is a few rows per county, type and
quarter, whatever the number of businesses). The JSON for the console's charts and the report job
(report.py) are both built from these tables, so the two never disagree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.domain import industry, regions
from getihu_kit.labels import CATEGORY_LABELS, TYPE_LABELS
from monitoring_svc import repository, rules
from monitoring_svc.schemas import DIMENSION_LABELS

OUTLOOKS = ("better", "stable", "worse")
DIMENSIONS = tuple(DIMENSION_LABELS)


@dataclass
class Table:
    name: str
    title: str
    columns: list[tuple[str, str]]  # (key, Chinese header)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title,
                "columns": [{"key": k, "label": label} for k, label in self.columns], "rows": self.rows}


def _region_filter(column: str, region_code: str | None) -> str:
    return f" AND {column} = :region" if region_code else ""


def _rows(session: Session, sql: str, **params) -> list[dict]:
    return [dict(r) for r in session.execute(text(sql), params).mappings()]


def _region_name(code: str | None) -> str:
    try:
        return regions.name(code) if code else "未知"
    except Exception:  # an old or unknown code: shown as it is
        return code or "未知"


def types_by_county(session: Session, year: int, region_code: str | None) -> Table:
    rows = _rows(session, "SELECT coalesce(region_code, '') AS region_code, type, count(*) AS businesses "
                          "FROM typing_result_projection WHERE year = :year" + _region_filter("region_code", region_code)
                 + " GROUP BY 1, 2 ORDER BY 1, 2", year=year, region=region_code)
    for r in rows:
        r["region_name"], r["type_label"] = _region_name(r["region_code"]), TYPE_LABELS.get(r["type"], r["type"])
    return Table("types_by_county", f"{year}年度分县分型户数",
                 [("region_code", "区划代码"), ("region_name", "县（市、区）"), ("type", "类型代码"),
                  ("type_label", "类型"), ("businesses", "户数")], rows)


def _section(code: str | None) -> str:
    try:
        return industry.section(code) if code else "未知"
    except Exception:  # an invalid code in an old record: its own group
        return "未知"


def types_by_industry(session: Session, year: int, region_code: str | None) -> Table:
    """By 门类 of GB/T 4754: grouped by code in SQL (a handful of codes), then by section here."""
    raw = _rows(session, "SELECT industry_code, type, count(*) AS n FROM typing_result_projection "
                         "WHERE year = :year" + _region_filter("region_code", region_code) + " GROUP BY 1, 2",
                year=year, region=region_code)
    counts: dict[tuple[str, str], int] = {}
    for r in raw:
        key = (_section(r["industry_code"]), r["type"])
        counts[key] = counts.get(key, 0) + r["n"]
    rows = [{"section": s, "section_name": industry.SECTIONS[s][0] if s in industry.SECTIONS else "未知",
             "type": t, "type_label": TYPE_LABELS.get(t, t), "businesses": n} for (s, t), n in sorted(counts.items())]
    return Table("types_by_industry", f"{year}年度分行业分型户数",
                 [("section", "行业门类"), ("section_name", "门类名称"), ("type", "类型代码"), ("type_label", "类型"),
                  ("businesses", "户数")], rows)


def categories_by_county(session: Session, year: int, region_code: str | None) -> Table:
    rows = _rows(session, "SELECT region_code, category, count(*) FILTER (WHERE status IN ('granted', 'extended')) "
                          "AS in_force, count(*) FILTER (WHERE year = :year AND status IN ('granted', 'extended')) "
                          "AS granted_this_year FROM recognition_projection WHERE true"
                 + _region_filter("region_code", region_code) + " GROUP BY 1, 2 ORDER BY 1, 2",
                 year=year, region=region_code)
    for r in rows:
        r["region_name"], r["category_label"] = _region_name(r["region_code"]), CATEGORY_LABELS.get(r["category"])
    return Table("categories_by_county", "“名特优新”分县分类户数",
                 [("region_code", "区划代码"), ("region_name", "县（市、区）"), ("category", "类别代码"),
                  ("category_label", "类别"), ("in_force", "有效认定户数"), ("granted_this_year", "本年度认定户数")], rows)


def transitions(session: Session, year: int, region_code: str | None) -> Table:
    rows = _rows(session, "SELECT p.type AS from_type, c.type AS to_type, count(*) AS businesses "
                          "FROM typing_result_projection c JOIN typing_result_projection p "
                          "ON p.uscc = c.uscc AND p.year = :year - 1 WHERE c.year = :year"
                 + _region_filter("c.region_code", region_code) + " GROUP BY 1, 2 ORDER BY 1, 2",
                 year=year, region=region_code)
    for r in rows:
        r["from_label"], r["to_label"] = TYPE_LABELS.get(r["from_type"]), TYPE_LABELS.get(r["to_type"])
    return Table("transitions", f"{year - 1}—{year}年度类型变化",
                 [("from_type", "上年类型代码"), ("from_label", "上年类型"), ("to_type", "本年类型代码"),
                  ("to_label", "本年类型"), ("businesses", "户数")], rows)


def quota_use(session: Session, year: int, region_code: str | None) -> Table:
    base = {r["region_code"]: r["n"] for r in _rows(
        session, "SELECT region_code, count(*) AS n FROM typing_result_projection WHERE year = :year "
                 "AND type IN ('growth', 'development')" + _region_filter("region_code", region_code)
        + " GROUP BY 1", year=year, region=region_code)}
    used = {r["region_code"]: r["n"] for r in _rows(
        session, "SELECT region_code, count(*) AS n FROM recognition_projection WHERE status IN ('granted', 'extended')"
        + _region_filter("region_code", region_code) + " GROUP BY 1", region=region_code)}
    day = dt.date(year, 12, 31)
    rows = []
    for code in sorted(set(base) | set(used)):
        limit = rules.quota_limit(base.get(code, 0), day)
        rows.append({"region_code": code, "region_name": _region_name(code), "growth_and_development": base.get(code, 0),
                     "quota": limit, "in_force": used.get(code, 0),
                     "use_rate": round(used.get(code, 0) / limit, 4) if limit else None})
    return Table("quota_use", f"{year}年度“名特优新”名额使用（成长型、发展型户数的5%）",
                 [("region_code", "区划代码"), ("region_name", "县（市、区）"), ("growth_and_development", "成长型和发展型户数"),
                  ("quota", "名额"), ("in_force", "有效认定户数"), ("use_rate", "使用率")], rows)


def objections(session: Session, year: int, region_code: str | None) -> Table:
    rows = _rows(session, "SELECT coalesce(region_code, '') AS region_code, target_kind, count(*) AS filed, "
                          "count(*) FILTER (WHERE decision = 'upheld') AS upheld, "
                          "count(*) FILTER (WHERE decision = 'rejected') AS rejected, "
                          "count(*) FILTER (WHERE decision = 'withdrawn') AS withdrawn, "
                          "count(*) FILTER (WHERE decision IS NULL) AS open, "
                          "round(avg(EXTRACT(EPOCH FROM decided_at - filed_at) / 86400.0) "
                          "FILTER (WHERE decision IN ('upheld', 'rejected'))::numeric, 1) AS avg_days_to_reply "
                          "FROM appeal_projection WHERE year = :year" + _region_filter("region_code", region_code)
                 + " GROUP BY 1, 2 ORDER BY 1, 2", year=year, region=region_code)
    for r in rows:
        r["region_name"] = _region_name(r["region_code"])
        r["target_label"] = {"typing_result": "分型结果", "cultivation_notice": "“名特优新”公示"}.get(r["target_kind"])
        r["avg_days_to_reply"] = float(r["avg_days_to_reply"]) if r["avg_days_to_reply"] is not None else None
    return Table("objections", f"{year}年度异议件数与办理结果",
                 [("region_code", "区划代码"), ("region_name", "县（市、区）"), ("target_kind", "对象代码"),
                  ("target_label", "异议对象"), ("filed", "受理"), ("upheld", "成立"), ("rejected", "不成立"),
                  ("withdrawn", "撤回"), ("open", "办理中"), ("avg_days_to_reply", "平均答复天数")], rows)


def indicators(session: Session, year: int, region_code: str | None, quarters: tuple[int, ...] = (1, 2, 3, 4)) -> Table:
    """Per quarter and type (rules.type_for_quarter: the newest published typing year not after the
    return's year), in one query with a lateral lookup of the type."""
    rows = _rows(session, "SELECT r.quarter, coalesce(t.type, 'untyped') AS type, count(*) AS returns, "
                          "sum(r.sales) AS sales, sum(r.costs) AS costs, sum(r.profit) AS profit, "
                          "sum(r.employees) AS employees, sum(r.new_hires) AS new_hires, "
                          "sum(r.loans_outstanding) AS loans_outstanding, sum(r.loans_obtained) AS loans_obtained, "
                          "count(*) FILTER (WHERE r.financing_need = 'unmet') AS financing_unmet, "
                          "count(*) FILTER (WHERE r.outlook = 'better') AS outlook_better, "
                          "count(*) FILTER (WHERE r.outlook = 'stable') AS outlook_stable, "
                          "count(*) FILTER (WHERE r.outlook = 'worse') AS outlook_worse "
                          "FROM operating_return r LEFT JOIN LATERAL (SELECT type FROM typing_result_projection p "
                          "WHERE p.uscc = r.uscc AND p.year <= r.year ORDER BY p.year DESC LIMIT 1) t ON true "
                          "WHERE r.year = :year AND r.quarter = ANY(:quarters)" + _region_filter("r.region_code", region_code)
                 + " GROUP BY 1, 2 ORDER BY 1, 2", year=year, region=region_code, quarters=list(quarters))
    for r in rows:
        r["type_label"] = TYPE_LABELS.get(r["type"], "未分型")
        for k in ("sales", "costs", "profit", "loans_outstanding", "loans_obtained"):
            r[k] = str(Decimal(r[k]).quantize(Decimal("0.01")))
    return Table("indicators", f"{year}年度分季度分类型经营指标",
                 [("quarter", "季度"), ("type", "类型代码"), ("type_label", "类型"), ("returns", "报送户数"),
                  ("sales", "销售额（元）"), ("costs", "成本（元）"), ("profit", "利润（元）"), ("employees", "从业人数"),
                  ("new_hires", "新增就业"), ("loans_outstanding", "贷款余额（元）"), ("loans_obtained", "新获贷款（元）"),
                  ("financing_unmet", "融资需求未满足户数"), ("outlook_better", "预期向好"), ("outlook_stable", "预期持平"),
                  ("outlook_worse", "预期下滑")], rows)


def policy_awareness(session: Session, year: int, region_code: str | None,
                     quarters: tuple[int, ...] = (1, 2, 3, 4)) -> Table:
    """二(八)：per policy, the knowledge, understanding and satisfaction rates of the questionnaire answers
    given in the period (repository.policy_rates: one grouped query)."""
    by_policy: dict[str, dict[str, Any]] = {}
    for r in repository.policy_rates(session, region_code=region_code, year=year, quarters=quarters):
        row = by_policy.setdefault(r.policy_id, {"policy_id": r.policy_id, "title": r.title,
                                                 **{f"{d}_{k}": None for d in DIMENSIONS for k in ("answered", "rate")}})
        row[f"{r.dimension}_answered"] = r.answered
        row[f"{r.dimension}_rate"] = round(r.positive / r.answered, 4) if r.answered else None
    columns = [("policy_id", "政策编号"), ("title", "政策名称")]
    for d in DIMENSIONS:
        label = DIMENSION_LABELS[d]
        columns += [(f"{d}_answered", f"{label}作答数"), (f"{d}_rate", f"{label[:2]}率")]
    return Table("policy_awareness", f"{year}年度惠企政策知晓度、理解度、满意度", columns,
                 [by_policy[k] for k in sorted(by_policy)])


def compute(session: Session, *, year: int, region_code: str | None, quarters: tuple[int, ...] = (1, 2, 3, 4)
            ) -> list[Table]:
    return [types_by_county(session, year, region_code), types_by_industry(session, year, region_code),
            categories_by_county(session, year, region_code), transitions(session, year, region_code),
            quota_use(session, year, region_code), objections(session, year, region_code),
            indicators(session, year, region_code, quarters), policy_awareness(session, year, region_code, quarters)]


def as_json(tables: list[Table], *, year: int, region_code: str | None, quarters: tuple[int, ...]) -> dict[str, Any]:
    return {"year": year, "region_code": region_code, "quarters": list(quarters), "computed_at": clock.now(),
            "tables": {t.name: t.as_dict() for t in tables}}
