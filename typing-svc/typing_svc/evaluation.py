"""The typing run as set-based SQL: every condition of the ruleset composed into one INSERT … SELECT.

One statement per chunk of businesses (a USCC range, optionally some regions); no per-business
query. SQLAlchemy Core on PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, and_, case, insert, literal, select
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from typing_svc.models import (AnnualReportProjection, BusinessProjection, FactsProjection, MarkProjection,
                               StatusPeriodProjection, TypingResult)
from typing_svc.rules import Params, Ruleset

business = BusinessProjection.__table__
status_periods = StatusPeriodProjection.__table__
reports = AnnualReportProjection.__table__
marks = MarkProjection.__table__
facts = FactsProjection.__table__
results = TypingResult.__table__


@dataclass(frozen=True)
class Inputs:
    """The aliases a condition reads: the business, its report for P, its facts for P and Y."""
    business: Table
    report: Table
    facts_prior: Table
    facts_current: Table
    marks: Table
    status_periods: Table


def inputs() -> Inputs:
    return Inputs(business=business, report=reports.alias("ar"), facts_prior=facts.alias("fp"),
                  facts_current=facts.alias("fy"), marks=marks, status_periods=status_periods)


def _mask(ruleset: Ruleset, group: str) -> int:
    m = 0
    for c in ruleset.group(group):
        m |= ruleset.bit(c.code)
    return m


def type_code(ruleset: Ruleset, met: ColumnElement[int]) -> ColumnElement[int]:
    """Excluded unless every basic condition holds; 发展型 / 成长型 need seniority and one criterion of
    their group; 生存型 is every other eligible business (附件1 一(四) 2.A)."""
    basic, senior = _mask(ruleset, "basic"), _mask(ruleset, "seniority")
    dev, growth = _mask(ruleset, "development"), _mask(ruleset, "growth")
    eligible = met.op("&")(basic) == basic
    is_senior = met.op("&")(senior) == senior
    return case(
        (~eligible, 0),
        (and_(is_senior, met.op("&")(dev) != 0), 3),
        (and_(is_senior, met.op("&")(growth) != 0), 2),
        else_=1)


def evaluation_select(ruleset: Ruleset, params: Params, *, run_no: int, lo: str | None, hi: str | None,
                      region_codes: list[str] | None) -> Select:
    """SELECT the compact result of every business in (lo, hi]: bitmask, type and deciding facts."""
    t = inputs()
    b, ar, fp, fy = t.business, t.report, t.facts_prior, t.facts_current
    met = sum((case((c.predicate(t, params), literal(ruleset.bit(c.code))), else_=literal(0))
               for c in ruleset.conditions), literal(0))
    def within(table) -> list:
        # The chunk's range stated on every joined table too, so each is read by an index range scan.
        return ([table.c.uscc > lo] if lo is not None else []) + ([table.c.uscc <= hi] if hi is not None else [])
    joined = (b.outerjoin(ar, and_(ar.c.uscc == b.c.uscc, ar.c.year == params.prior_year, *within(ar)))
              .outerjoin(fp, and_(fp.c.uscc == b.c.uscc, fp.c.year == params.prior_year, *within(fp)))
              .outerjoin(fy, and_(fy.c.uscc == b.c.uscc, fy.c.year == params.year, *within(fy))))
    inner = select(
        b.c.uscc, b.c.region_code, b.c.industry_code, met.label("met"), b.c.established_on,
        ar.c.employees, ar.c.submitted_on.label("report_submitted_on"), fp.c.tax_paid, fp.c.insured_employees,
        case((fy.c.trademark_batch.is_not(None), fy.c.trademarks_in_use), else_=fp.c.trademarks_in_use)
        .label("trademarks_in_use"),
        case((fy.c.patent_batch.is_not(None), fy.c.patents), else_=fp.c.patents).label("patents"),
        fp.c.tax_batch,
        case((fy.c.tax_batch.is_not(None), fy.c.tax_batch), else_=fp.c.tax_batch).label("tax_status_batch"),
        fp.c.insurance_batch,
        case((fy.c.trademark_batch.is_not(None), fy.c.trademark_batch), else_=fp.c.trademark_batch)
        .label("trademark_batch"),
        case((fy.c.patent_batch.is_not(None), fy.c.patent_batch), else_=fp.c.patent_batch).label("patent_batch"),
    ).select_from(joined)
    if lo is not None:
        inner = inner.where(b.c.uscc > lo)
    if hi is not None:
        inner = inner.where(b.c.uscc <= hi)
    if region_codes:
        inner = inner.where(b.c.region_code.in_(region_codes))
    # OFFSET 0 keeps the planner from inlining the subquery, so each condition is evaluated once
    # (the bitmask is read twice: stored, and turned into the type).
    s = inner.offset(0).subquery("s")
    return select(
        literal(run_no).label("run_no"), s.c.uscc, s.c.region_code, s.c.industry_code,
        type_code(ruleset, s.c.met).label("type_code"), s.c.met, s.c.established_on, s.c.employees,
        s.c.report_submitted_on, s.c.tax_paid, s.c.insured_employees, s.c.trademarks_in_use, s.c.patents,
        s.c.tax_batch, s.c.tax_status_batch, s.c.insurance_batch, s.c.trademark_batch, s.c.patent_batch)


RESULT_COLUMNS = ["run_no", "uscc", "region_code", "industry_code", "type_code", "met", "established_on",
                  "employees", "report_submitted_on", "tax_paid", "insured_employees", "trademarks_in_use",
                  "patents", "tax_batch", "tax_status_batch", "insurance_batch", "trademark_batch", "patent_batch"]


def evaluation_insert(ruleset: Ruleset, params: Params, *, run_no: int, lo: str | None, hi: str | None,
                      region_codes: list[str] | None):
    """INSERT INTO typing_result SELECT … — one statement for the whole chunk."""
    sel = evaluation_select(ruleset, params, run_no=run_no, lo=lo, hi=hi, region_codes=region_codes)
    return insert(results).from_select(RESULT_COLUMNS, sel)
