"""Projections typing-svc keeps of other services' state (fed by events, rebuilt by replay).

Batch handlers, set-based: the newest snapshot per key in the poll wins, an older version never
overwrites a newer one, and child rows (status periods, reports, marks) are replaced wholesale.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from getihu_kit.events import CloudEvent
from getihu_kit.schemas.cultivation import RecognitionChanged
from getihu_kit.upserts import any_of, newest_per_key, upsert, upsert_newest
from typing_svc.credit import repository as credit_repo
from typing_svc.models import (AnnualReportProjection, BusinessProjection, FactBatch, FactsProjection,
                               MarkProjection, StatusPeriodProjection)

TYPING_MARK_KINDS = ("abnormal", "serious_illegal", "suspension")
BUSINESS_COLUMNS = ("region_code", "industry_code", "established_on", "seasonal", "status", "version",
                    "applied_events")


def _date(v) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def status_periods(d: dict) -> list[dict]:
    """The periods [from_on, to_on) the business was off the register (吊销/注销/撤销); without a
    history, the current status since its effective date (or since establishment)."""
    history = sorted(d.get("status_history") or [], key=lambda p: p["effective_on"])
    if not history:
        history = [{"status": d.get("status") or "registered",
                    "effective_on": d.get("status_effective_on") or d["established_on"]}]
    rows = []
    for i, p in enumerate(history):
        if p["status"] == "registered":  # only periods off the register matter (and keep the table small)
            continue
        nxt = history[i + 1]["effective_on"] if i + 1 < len(history) else None
        rows.append({"uscc": d["uscc"], "seq": i, "status": p["status"], "from_on": _date(p["effective_on"]),
                     "to_on": _date(nxt)})
    return rows


def apply_business_states(session: Session, events: list[CloudEvent]) -> None:
    """Set-based upsert of business snapshots and their typing-relevant children."""
    latest, counts = newest_per_key((e.data for e in events), lambda d: d["uscc"])
    if not latest:
        return
    table = BusinessProjection.__table__
    stored = dict(session.execute(select(table.c.uscc, table.c.version).where(any_of(table.c.uscc, latest))).all())
    rows = [{"uscc": u, "region_code": d["region_code"], "industry_code": d.get("industry_code"),
             "established_on": _date(d["established_on"]), "seasonal": bool(d.get("seasonal")),
             "status": d.get("status") or "registered", "version": d.get("version", 0),
             "applied_events": counts[u]} for u, d in latest.items()]
    session.execute(upsert_newest(table, ["uscc"], BUSINESS_COLUMNS, version="version",
                                  accumulate=("applied_events",)), rows)

    fresh = [d for u, d in latest.items() if u not in stored or d.get("version", 0) >= stored[u]]
    if not fresh:
        return
    keys = [d["uscc"] for d in fresh]
    children = (StatusPeriodProjection.__table__, AnnualReportProjection.__table__, MarkProjection.__table__)
    for child in children:
        session.execute(delete(child).where(any_of(child.c.uscc, keys)))
    periods, reports, marks = [], [], []
    for d in fresh:
        periods.extend(status_periods(d))
        for r in d.get("annual_reports") or []:
            reports.append({"uscc": d["uscc"], "year": r["year"], "submitted_on": _date(r["submitted_on"]),
                            "employees": r["employees"],
                            "tax_paid": Decimal(str(r["tax_paid"])) if r.get("tax_paid") is not None else None})
        for m in d.get("marks") or []:
            if m["kind"] in TYPING_MARK_KINDS:
                marks.append({"uscc": d["uscc"], "mark_id": m["id"], "kind": m["kind"],
                              "start_on": _date(m["start_on"]), "end_on": _date(m.get("end_on")),
                              "legal_max_end_on": _date(m.get("legal_max_end_on"))})
    for child, rows_ in zip(children, (periods, reports, marks)):
        if rows_:
            session.execute(insert(child), rows_)


def _dataset_row(d: dict) -> tuple[dict, list[dict]]:
    tax, si = d.get("tax"), d.get("social_insurance")
    tms, pts = d.get("trademarks") or [], d.get("patents") or []
    batches: list[dict] = []

    def prov(p: dict | None, dataset: str) -> str | None:
        if not p:
            return None
        batches.append({"batch_id": p["batch_id"], "agency": p.get("agency"), "dataset": dataset,
                        "year": int(d["year"])})
        return p["batch_id"]

    def newest(items: list[dict], dataset: str) -> str | None:
        # The newest batch that delivered any of the items stands for the dataset's provenance.
        for it in items:
            prov(it, dataset)
        return max((it["batch_id"] for it in items), default=None)

    row = {
        "uscc": d["uscc"], "year": d["year"], "version": d.get("version", 1),
        "tax_paid": Decimal(str(tax["tax_paid"])) if tax else None,
        "general_taxpayer": tax["general_taxpayer"] if tax else None,
        "abnormal_taxpayer": tax["abnormal_taxpayer"] if tax else None,
        "tax_batch": prov(tax, "tax"),
        "insured_employees": si["insured_employees"] if si else None,
        "insurance_batch": prov(si, "social_insurance"),
        # Held by the business or its operator (附件1 一(四) 2.C③④): the two holders the schema knows.
        "trademarks_in_use": sum(1 for t in tms if t.get("in_use") and t.get("holder") in ("business", "operator"))
        if tms else None,
        "trademark_batch": newest(tms, "trademark"),
        "patents": sum(1 for p in pts if p.get("holder") in ("business", "operator")) if pts else None,
        "patent_batch": newest(pts, "patent"),
    }
    return row, batches


def apply_business_facts(session: Session, events: list[CloudEvent]) -> None:
    """Set-based upsert of per-(uscc, year) agency facts; an older version never overwrites a newer."""
    latest, _ = newest_per_key((e.data for e in events), lambda d: (d["uscc"], int(d["year"])))
    if not latest:
        return
    rows, batches = [], {}
    for d in latest.values():
        row, bs = _dataset_row(d)
        rows.append(row)
        for b in bs:
            batches[b["batch_id"]] = b
    table = FactsProjection.__table__
    cols = [c.name for c in table.c if c.name not in ("uscc", "year")]
    session.execute(upsert_newest(table, ["uscc", "year"], cols, version="version"), rows)
    if batches:
        session.execute(upsert(FactBatch.__table__, ["batch_id"], ["agency", "dataset", "year"]),
                        list(batches.values()))


def apply_recognition_changes(session: Session, events: list[CloudEvent]) -> None:
    """cultivation-svc's recognitions, for the institutions' credit reads under an operator's consent."""
    credit_repo.apply_recognitions(session, [RecognitionChanged.model_validate(e.data).model_dump() for e in events])
