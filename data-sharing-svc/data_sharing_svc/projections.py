"""The registry projection data-sharing-svc keeps (fed by BusinessState, rebuilt by replay).

It gives the region of a business (county staff may read facts only within their region) and the
ID numbers of its operators, current and former, which link 失信被执行人 listings (keyed by ID
number, seed 附件1 二: 个体工商户经营者被人民法院列为失信被执行人的) to businesses. When a business's
operators change, its facts are re-emitted for every year with a listing of an old or new operator.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from getihu_kit.events import CloudEvent
from getihu_kit.upserts import newest_per_key
from data_sharing_svc import ingest, repository


def _operators(state: dict) -> set[tuple[str, bool]]:
    current = state["operator"]["id_number"]
    links = {(current, True)}
    for period in state.get("operator_history") or []:
        if period["id_number"] != current:
            links.add((period["id_number"], False))
    return links


def apply_business_states(session: Session, events: list[CloudEvent]) -> None:
    """Set-based: newest snapshot per USCC; an older version never overwrites a newer one."""
    latest, _ = newest_per_key((e.data for e in events), key=lambda d: d["uscc"])
    known = repository.projection_versions(session, list(latest))
    fresh = {u: d for u, d in latest.items() if d.get("version", 0) >= known.get(u, -1)}
    if not fresh:
        return
    usccs = sorted(fresh)
    before = repository.operator_links(session, usccs)
    repository.upsert_projection(session, [
        {"uscc": u, "region_code": d["region_code"], "operator_id_number": d["operator"]["id_number"],
         "version": d.get("version", 0)} for u, d in fresh.items()])
    after = {u: _operators(d) for u, d in fresh.items()}
    repository.replace_operator_links(session, usccs, [
        {"uscc": u, "id_number": idn, "current": cur} for u in usccs for idn, cur in after[u]])
    changed = {u: before.get(u, set()) | after[u] for u in usccs if before.get(u, set()) != after[u]}
    if not changed:
        return
    people = sorted({idn for links in changed.values() for idn, _ in links})
    years_of = repository.debtor_years_for_people(session, people)
    by_year: dict[int, set[str]] = defaultdict(set)
    for u, links in changed.items():
        for idn, _ in links:
            for y in years_of.get(idn, ()):
                by_year[y].add(u)
    for year, affected in sorted(by_year.items()):
        ingest.emit_business_facts(session, usccs=sorted(affected), year=year)
