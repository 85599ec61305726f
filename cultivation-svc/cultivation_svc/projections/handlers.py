"""Batch handlers feeding the projections (set-based: one statement per batch) and their side effects."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.events import CloudEvent
from getihu_kit.upserts import newest_per_key
from cultivation_svc import events
from cultivation_svc.applications import service as applications
from cultivation_svc.projections import repository
from cultivation_svc.recognitions import repository as rec_repo
from cultivation_svc.recognitions import restoration
from cultivation_svc.windows import service as windows


def operator_changed_on(state: dict) -> dt.date:
    """The day of an operator change: the new operator's `since`, else the day the registry recorded the state."""
    since = (state.get("operator") or {}).get("since")
    if since:
        return dt.date.fromisoformat(str(since)[:10])
    changed_at = state.get("changed_at")
    return clock.local_date(dt.datetime.fromisoformat(changed_at)) if changed_at else clock.today()


def business_states(session: Session, batch: list[CloudEvent]) -> None:
    latest, _ = newest_per_key((e.data for e in batch), key=lambda d: d["uscc"], version=lambda d: d.get("version", 0))
    before = repository.operators_of(session, latest)
    rows = [{"uscc": u, "name": d.get("name"), "region_code": d["region_code"],
             "operator_id_number": (d.get("operator") or {}).get("id_number"),
             "operator_name": (d.get("operator") or {}).get("name"), "status": d.get("status") or "registered",
             "state": d, "version": d.get("version", 0)} for u, d in latest.items()]
    repository.upsert_businesses(session, rows)
    # 二(六)：个体工商户变更经营者的，要在变更后及时报告 — flag the recognitions whose operator changed.
    changed = [r["uscc"] for r in rows if r["uscc"] in before and before[r["uscc"]]
               and before[r["uscc"]] != r["operator_id_number"]]
    flagged = rec_repo.flag_operator_change(session, {u: operator_changed_on(latest[u]) for u in changed})
    events.info_reports_due(session, flagged)  # the operator is told the deadline, and reminded before it
    rec_repo.recheck_operators(session, changed)


def typing_results(session: Session, batch: list[CloudEvent]) -> None:
    # typing numbers each (uscc, year)'s publications 1, 2, …: the highest version is the current type
    latest, _ = newest_per_key((e.data for e in batch), key=lambda d: (d["uscc"], int(d["year"])),
                               version=lambda d: d.get("version", 1))
    rows = [{"uscc": d["uscc"], "year": int(d["year"]), "type": d["type"], "region_code": d.get("region_code"),
             "ruleset": d["ruleset"], "run_id": d["run_id"], "version": d.get("version", 1),
             "published_at": dt.datetime.fromisoformat(d["published_at"])} for d in latest.values()]
    repository.upsert_types(session, rows)
    # 一(五)：建立支持政策“免申即享”机制 — every published type brings its measures.
    events.type_measures_granted_many(session, [e.data for e in batch])


def typing_published(session: Session, event: CloudEvent) -> None:
    d = event.data
    published_at = dt.datetime.fromisoformat(d["published_at"])
    by_region = d.get("counts_by_region") or {}
    rows = [{"region_code": code, "year": int(d["year"]), "growth": int(c.get("growth", 0)),
             "development": int(c.get("development", 0)), "survival": int(c.get("survival", 0)), "run_id": d["run_id"],
             "ruleset": d["ruleset"], "published_at": published_at} for code, c in by_region.items()]
    repository.upsert_typing_counts(session, rows)
    windows.open_windows(session, year=int(d["year"]), run_id=d["run_id"], published_on=clock.local_date(published_at),
                         eligible_by_region={code: int(c.get("growth", 0)) + int(c.get("development", 0))
                                             for code, c in by_region.items()}, traceparent=event.traceparent)


def business_facts(session: Session, batch: list[CloudEvent]) -> None:
    latest, _ = newest_per_key((e.data for e in batch), key=lambda d: (d["uscc"], int(d["year"])),
                               version=lambda d: d.get("version", 1))
    repository.upsert_facts(session, [{"uscc": d["uscc"], "year": int(d["year"]), "certificates": d.get("certificates") or [],
                                       "tax_paid": (d.get("tax") or {}).get("tax_paid"),
                                       "insured_employees": (d.get("social_insurance") or {}).get("insured_employees"),
                                       "trademarks_in_use": sum(1 for t in d.get("trademarks") or [] if t.get("in_use")),
                                       "patents": len(d.get("patents") or []),
                                       "version": d.get("version", 1)} for d in latest.values()])


def person_facts(session: Session, batch: list[CloudEvent]) -> None:
    # no version: in partition order, the last one is the person's state
    latest, _ = newest_per_key((e.data for e in batch), key=lambda d: d["id_number"], version=lambda d: 0)
    repository.upsert_persons(session, [{"id_number": k, "dishonest_debtor": d.get("dishonest_debtor") or []}
                                        for k, d in latest.items()])


def appeal_filed(session: Session, event: CloudEvent) -> None:
    d = event.data
    if d.get("target_kind") in restoration.RESULT_KINDS and d.get("target_id"):
        restoration.objection_filed(session, appeal_id=d["appeal_id"], target_kind=d["target_kind"],
                                    target_id=d["target_id"], filed_at=dt.datetime.fromisoformat(d["filed_at"]),
                                    due_on=_date(d.get("due_on")), traceparent=event.traceparent)
        return
    if d.get("target_kind") != "cultivation_notice" or not d.get("target_id"):
        return
    applications.objection_filed(session, appeal_id=d["appeal_id"], application_id=d["target_id"],
                                 filed_at=dt.datetime.fromisoformat(d["filed_at"]), due_on=_date(d.get("due_on")),
                                 traceparent=event.traceparent)


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def appeal_decided(session: Session, event: CloudEvent) -> None:
    d = event.data
    if d.get("target_kind") in restoration.RESULT_KINDS and d.get("target_id"):
        restoration.objection_decided(session, appeal_id=d["appeal_id"], target_kind=d["target_kind"],
                                      target_id=d["target_id"], decision=d["decision"], reason=d.get("reason") or "",
                                      decided_at=dt.datetime.fromisoformat(d["decided_at"]),
                                      traceparent=event.traceparent)
        return
    if d.get("target_kind") != "cultivation_notice" or not d.get("target_id"):
        return
    applications.objection_decided(session, appeal_id=d["appeal_id"], application_id=d["target_id"],
                                   decision=d["decision"], reason=d.get("reason") or "",
                                   decided_at=dt.datetime.fromisoformat(d["decided_at"]), traceparent=event.traceparent)
