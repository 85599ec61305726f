"""Set-based ingestion of agency records and the facts events it causes.

Per chunk of records: one statement compares content hashes with the current records, inserts the
changed ones as new versions and upserts them as current (repository.apply_records); then one
BusinessFacts per affected (uscc, year), built by the database and written to the outbox by one
INSERT … SELECT per chunk (Outbox.emit_select). A record whose content equals the current one
changes nothing and emits nothing, so a resubmitted batch is a no-op.

Records for a USCC the registry has not (yet) sent are accepted all the same: agencies may be
ahead of the registry, and typing and cultivation join facts to their own business projections, so
a business registered later finds its facts already on the compacted topic.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from getihu_kit.outbox import Outbox
from getihu_kit.schemas.data_sharing import BusinessFacts, DebtorListing, PersonFacts
from data_sharing_svc import repository
from data_sharing_svc.datasets import Dataset, Record
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
    # records about businesses: their facts versions are bumped by the statement that applies them
    bump = spec.subject == "uscc"
    rows = repository.apply_records(session, dataset=spec.name, year=year, batch_id=batch_id, agency=agency,
                                    received_at=received_at, records=list(latest.values()), bump_facts=bump)
    if not rows:
        return ChunkResult()
    versions: dict[str, int] | None = None
    if bump:
        usccs = {u for u, _, _ in rows}
        versions = {u: v for u, _, v in rows}
    else:
        people = sorted({p for _, p, _ in rows})
        emit_person_facts(session, id_numbers=people, traceparent=traceparent)
        usccs = repository.usccs_linked_to(session, people)
    emitted = emit_business_facts(session, usccs=sorted(usccs), year=year, traceparent=traceparent,
                                  versions=versions)
    return ChunkResult(changed=len(rows), facts_emitted=emitted)


def emit_business_facts(session: Session, *, usccs: list[str], year: int, traceparent: str | None = None,
                        versions: dict[str, int] | None = None) -> int:
    """One BusinessFacts per business, in USCC order, built by the database (repository.facts_select)
    and written by one INSERT … SELECT into the outbox per chunk.
    `versions`: the businesses' facts versions, already bumped (by apply_records)."""
    emitted = 0
    for i in range(0, len(usccs), CHUNK_ROWS):
        part = usccs[i:i + CHUNK_ROWS]
        bumped = versions if versions is not None else repository.bump_facts_versions(session, usccs=part, year=year)
        query = repository.facts_select(usccs=part, versions=[bumped[u] for u in part], year=year)
        emitted += outbox.emit_select(session, BusinessFacts, query, traceparent=traceparent)
    return emitted


def read_business_facts(session: Session, *, uscc: str, year: int, version: int) -> BusinessFacts:
    """One business's facts of one year as the facts event carries them (the same builder)."""
    row = session.execute(repository.facts_select(usccs=[uscc], versions=[version], year=year)).one()
    return BusinessFacts.model_validate(row.data)


def _prov(rec) -> dict:
    return {"batch_id": rec.batch_id, "agency": rec.agency, "received_at": rec.received_at}


def emit_person_facts(session: Session, *, id_numbers: list[str], traceparent: str | None = None) -> int:
    """A person's 失信被执行人 listings across years; the latest year's version of a listing wins."""
    listings: dict[str, dict[str, DebtorListing]] = defaultdict(dict)
    for rec in repository.debtor_records_for_people(session, id_numbers):  # ordered by year
        listings[rec.id_number][rec.data["listed_on"]] = DebtorListing(**_prov(rec), **rec.data)
    items = [(PersonFacts(id_number=idn, dishonest_debtor=sorted(listings.get(idn, {}).values(),
                                                                 key=lambda x: x.listed_on)), idn)
             for idn in id_numbers]
    return outbox.emit_many(session, items, traceparent=traceparent)
