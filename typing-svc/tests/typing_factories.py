"""Factories for typing-svc's tests: registry and agency events in their real schemas, applied through
the real projection handlers, and an in-database evaluation of the ruleset."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from getihu_kit.domain import id_number, uscc as uscc_codes
from getihu_kit.events import make_event
from getihu_kit.schemas.data_sharing import (BusinessFacts, PatentFact, SocialInsuranceFact, TaxFact,
                                             TrademarkFact)
from getihu_kit.schemas.registry import (AnnualReportState, BusinessState, MarkState, OperatorState,
                                         StatusPeriod)
from typing_svc import projections, repository
from typing_svc.evaluation import results
from typing_svc.rules import TYPE_OF_RANK, ruleset_for

YEAR = 2025
R = dt.date(2025, 6, 30)
P = YEAR - 1
_serial = itertools.count(1)


def new_uscc(region: str = "232701") -> str:
    return uscc_codes.make(region, serial=next(_serial) + 500_000)


def business(uscc: str, *, established_on: dt.date = dt.date(2020, 1, 1), employees: int | None = 0,
             report_year: int = P, submitted_on: dt.date = dt.date(P + 1, 3, 1), seasonal: bool = False,
             marks: list[dict] = (), status_history: list[tuple[str, dt.date]] = (), region: str = "232701",
             industry: str | None = "H62", version: int = 1) -> BusinessState:
    reports = [] if employees is None else [
        AnnualReportState(year=report_year, submitted_on=submitted_on, employees=employees)]
    return BusinessState(
        uscc=uscc, name="测试小店", region_code=region, industry_code=industry, established_on=established_on,
        seasonal=seasonal, operator=OperatorState(name="张三", id_number=id_number.make(serial=7)),
        annual_reports=reports, version=version,
        status=status_history[-1][0] if status_history else "registered",
        status_history=[StatusPeriod(status=s, effective_on=d) for s, d in status_history],
        marks=[MarkState(id=f"m{i}", **m) for i, m in enumerate(marks)])


def facts(uscc: str, *, year: int = P, tax_paid: str | None = None, general_taxpayer: bool | None = None,
          abnormal_taxpayer: bool | None = None, insured: int | None = None, trademarks: list[tuple[str, bool]] = (),
          patents: list[str] = (), batch: str = "b1", agency: str = "税务局") -> BusinessFacts:
    tax = None if tax_paid is None and general_taxpayer is None and abnormal_taxpayer is None else TaxFact(
        batch_id=f"{batch}-tax", agency=agency, tax_paid=Decimal(tax_paid or "0"),
        general_taxpayer=bool(general_taxpayer), abnormal_taxpayer=bool(abnormal_taxpayer))
    return BusinessFacts(
        uscc=uscc, year=year, tax=tax,
        social_insurance=None if insured is None else SocialInsuranceFact(batch_id=f"{batch}-si", agency="人社局",
                                                                          insured_employees=insured),
        trademarks=[TrademarkFact(batch_id=f"{batch}-tm", agency="知识产权局", registration_no=f"TM{i}",
                                  holder=h, in_use=u) for i, (h, u) in enumerate(trademarks)],
        patents=[PatentFact(batch_id=f"{batch}-pt", agency="知识产权局", patent_no=f"ZL{i}", holder=h)
                 for i, h in enumerate(patents)])


def apply(session: Session, states: list[BusinessState], fact_list: list[BusinessFacts] = ()) -> None:
    """Feed the events through the real batch handlers, as the consumer does."""
    if states:
        projections.apply_business_states(session, [make_event(s, source="/test", subject=s.uscc) for s in states])
    if fact_list:
        projections.apply_business_facts(session, [make_event(f, source="/test", subject=f.uscc) for f in fact_list])


def evaluate(conn: Connection, *, year: int = YEAR, reference_date: dt.date | None = R,
             run_no: int = 999_999) -> dict[str, dict]:
    """Run the ruleset's SQL over whatever the projections hold; return each business's result row."""
    rs = ruleset_for(year)
    params = rs.params(year=year, reference_date=reference_date)
    repository.evaluate_chunk(conn, rs, params, run_no=run_no, lo=None, hi=None, region_codes=None)
    rows = conn.execute(select(results).where(results.c.run_no == run_no)).mappings()
    return {r["uscc"]: {**r, "type": TYPE_OF_RANK[r["type_code"]]} for r in rows}
