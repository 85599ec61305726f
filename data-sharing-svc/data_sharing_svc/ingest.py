"""Set-based ingestion of agency records and the facts events it causes.

Per chunk of records: compare content hashes with the current records (one query), bulk-insert the
changed ones as new versions, upsert them as current, then compute the affected (uscc, year) set
and emit one BusinessFacts per affected key: on PostgreSQL built in SQL and written to the outbox
by one INSERT … SELECT per chunk (Outbox.emit_select); on SQLite built here from one query per
chunk and written with emit_many. A record whose content equals the current one changes nothing
and emits nothing, so a resubmitted batch is a no-op.

Records for a USCC the registry has not (yet) sent are accepted all the same: agencies may be
ahead of the registry, and typing and cultivation join facts to their own business projections, so
a business registered later finds its facts already on the compacted topic.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from getihu_kit.db import is_postgres
from getihu_kit.outbox import Outbox
from getihu_kit.schemas.data_sharing import BusinessFacts, DebtorListing, PersonFacts, facts_key
from data_sharing_svc import repository
from data_sharing_svc.datasets import (CERTIFICATE, PATENT, SOCIAL_INSURANCE, TAX, TRADEMARK, Dataset, Record)
from data_sharing_svc.models import outbox as outbox_table

outbox = Outbox(outbox_table, source="/getihu/data-sharing")
CHUNK_ROWS = 5000


@dataclass
class ChunkResult:
    changed: int = 0
    facts_emitted: int = 0


def ingest_chunk(session: Session, *, spec: Dataset, year: int, batch_id: str, agency: str,
                 received_at: dt.datetime, records: list[Record], traceparent: str | None = None) -> ChunkResult:
    """Apply one chunk of valid records; within a chunk the last record for a key wins."""
    latest: dict[str, Record] = {}
    for r in records:
        latest[r.key] = r
    versions: dict[str, int] | None = None
    if is_postgres(session.get_bind()):
        # records about businesses: their facts versions are bumped by the statement that applies them
        bump = spec.subject == "uscc"
        rows = repository.apply_records_pg(session, dataset=spec.name, year=year, batch_id=batch_id, agency=agency,
                                           received_at=received_at, records=list(latest.values()), bump_facts=bump)
        changed = [(u, p) for u, p, _ in rows]
        if bump:
            versions = {u: v for u, _, v in rows}
    else:
        changed = _apply_records(session, spec=spec, year=year, batch_id=batch_id, agency=agency,
                                 received_at=received_at, records=list(latest.values()))
    if not changed:
        return ChunkResult()
    if spec.subject == "uscc":
        usccs = {u for u, _ in changed}
    else:
        people = sorted({p for _, p in changed})
        emit_person_facts(session, id_numbers=people, traceparent=traceparent)
        usccs = repository.usccs_linked_to(session, people)
    emitted = emit_business_facts(session, usccs=sorted(usccs), year=year, traceparent=traceparent,
                                  versions=versions)
    return ChunkResult(changed=len(changed), facts_emitted=emitted)


def _apply_records(session: Session, *, spec: Dataset, year: int, batch_id: str, agency: str,
                   received_at: dt.datetime, records: list[Record]) -> list[tuple[str | None, str | None]]:
    """Portable path (SQLite): compare hashes, then bulk-insert versions and upsert current."""
    existing = repository.current_hashes(session, dataset=spec.name, year=year, keys=[r.key for r in records])
    changed = [r for r in records if existing.get(r.key) != r.content_hash]
    common = {"dataset": spec.name, "year": year, "batch_id": batch_id, "agency": agency, "received_at": received_at}
    rows = [{**common, "key": r.key, "uscc": r.uscc, "id_number": r.id_number, "data": r.data,
             "content_hash": r.content_hash} for r in changed]
    repository.insert_versions(session, [{**row, "row": r.row} for row, r in zip(rows, changed)])
    repository.upsert_current(session, rows)
    return [(r.uscc, r.id_number) for r in changed]


def _prov(rec) -> dict:
    return {"batch_id": rec.batch_id, "agency": rec.agency, "received_at": rec.received_at}


def build_facts(uscc: str, year: int, records: list, debtors: list[tuple], version: int) -> BusinessFacts:
    """Merge one business's current records of one year into its facts, each with its source.

    The payload is assembled as plain data and validated once (nested models in one pass): this
    runs once per affected business of every chunk.
    """
    doc: dict = {"uscc": uscc, "year": year, "version": version, "tax": None, "social_insurance": None,
                 "trademarks": [], "patents": [], "certificates": [], "dishonest_debtors": []}
    for rec in records:
        fact = {**rec.data, **_prov(rec)}
        if rec.dataset == TAX:
            doc["tax"] = fact
        elif rec.dataset == SOCIAL_INSURANCE:
            doc["social_insurance"] = fact
        elif rec.dataset == TRADEMARK:
            doc["trademarks"].append(fact)
        elif rec.dataset == PATENT:
            doc["patents"].append(fact)
        elif rec.dataset == CERTIFICATE:
            doc["certificates"].append(fact)
    for current, rec in debtors:
        doc["dishonest_debtors"].append({**rec.data, **_prov(rec), "id_number": rec.id_number,
                                         "current_operator": bool(current)})
    doc["trademarks"].sort(key=lambda f: f["registration_no"])
    doc["patents"].sort(key=lambda f: f["patent_no"])
    doc["certificates"].sort(key=lambda f: f["kind"])
    doc["dishonest_debtors"].sort(key=lambda f: (f["id_number"], f["listed_on"]))
    return BusinessFacts.model_validate(doc)


def load_facts(session: Session, *, usccs: list[str], year: int, versions: dict[str, int]) -> list[BusinessFacts]:
    """Facts of many businesses of one year: one query for records, one for operators' listings."""
    by_uscc: dict[str, list] = defaultdict(list)
    for rec in repository.current_for_businesses(session, usccs=usccs, year=year):
        by_uscc[rec.uscc].append(rec)
    debtors: dict[str, list[tuple]] = defaultdict(list)
    for uscc, current, rec in repository.debtor_listings_for_businesses(session, usccs=usccs, year=year):
        debtors[uscc].append((current, rec))
    return [build_facts(u, year, by_uscc.get(u, []), debtors.get(u, []), versions.get(u, 0)) for u in usccs]


def emit_business_facts(session: Session, *, usccs: list[str], year: int, traceparent: str | None = None,
                        versions: dict[str, int] | None = None) -> int:
    """One BusinessFacts per business, in USCC order. On PostgreSQL the payloads are built by the
    database and written by one INSERT … SELECT into the outbox; elsewhere they are built here.
    `versions`: the businesses' facts versions, already bumped (by apply_records_pg)."""
    if not usccs:
        return 0
    if is_postgres(session.get_bind()):
        emitted = 0
        for i in range(0, len(usccs), CHUNK_ROWS):
            part = usccs[i:i + CHUNK_ROWS]
            bumped = versions if versions is not None else repository.bump_facts_versions(session, usccs=part,
                                                                                          year=year)
            query = repository.facts_select_pg(usccs=part, versions=[bumped[u] for u in part], year=year)
            emitted += outbox.emit_select(session, BusinessFacts, query, traceparent=traceparent)
        return emitted
    usccs = sorted(usccs)  # the order PostgreSQL's select gives
    versions = repository.bump_facts_versions(session, usccs=usccs, year=year)
    facts = load_facts(session, usccs=usccs, year=year, versions=versions)
    return outbox.emit_many(session, [(f, facts_key(f.uscc, year)) for f in facts], traceparent=traceparent)


def emit_person_facts(session: Session, *, id_numbers: list[str], traceparent: str | None = None) -> int:
    """A person's 失信被执行人 listings across years; the latest year's version of a listing wins."""
    listings: dict[str, dict[str, DebtorListing]] = defaultdict(dict)
    for rec in repository.debtor_records_for_people(session, id_numbers):  # ordered by year
        listings[rec.id_number][rec.data["listed_on"]] = DebtorListing(**_prov(rec), **rec.data)
    items = [(PersonFacts(id_number=idn, dishonest_debtor=sorted(listings.get(idn, {}).values(),
                                                                 key=lambda x: x.listed_on)), idn)
             for idn in id_numbers]
    return outbox.emit_many(session, items, traceparent=traceparent)
