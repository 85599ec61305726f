"""Every query of data-sharing-svc. Batch paths are set-based: one statement per chunk, never per row;
a list of keys goes as one array parameter (kit.upserts.any_of), however long."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import JSON, Integer, String, bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from getihu_kit.clock import sql_instant
from getihu_kit.pagination import PageRequest, scalars_page
from getihu_kit.upserts import any_of, upsert_newest
from data_sharing_svc.datasets import CERTIFICATE, DISHONEST_DEBTOR, PATENT, SOCIAL_INSURANCE, TAX, TRADEMARK
from data_sharing_svc.models import (Batch, BusinessProjection, CurrentRecord, FactsRead, FactsVersion,
                                     OperatorLink, jobs)


# --- batches -------------------------------------------------------------------------------------
def add_batch(session: Session, **values: Any) -> None:
    session.execute(insert(Batch.__table__).values(**values))


def get_batch(session: Session, batch_id: str) -> Batch | None:
    return session.get(Batch, batch_id)


def list_batches(session: Session, *, dataset: str | None, year: int | None,
                 page: PageRequest) -> tuple[list[Batch], str | None]:
    """Batches newest first, of one dataset (an agency's) or all."""
    q = select(Batch)
    if dataset:
        q = q.where(Batch.dataset == dataset)
    if year:
        q = q.where(Batch.year == year)
    return scalars_page(session, q, keys=[Batch.received_at, Batch.id], page=page, descending=True)


def find_identical_batch(session: Session, *, dataset: str, year: int, content_hash: str,
                         exclude_id: str | None = None) -> Batch | None:
    q = (select(Batch).where(Batch.dataset == dataset, Batch.year == year, Batch.content_hash == content_hash,
                             Batch.status == "completed", Batch.duplicate_of.is_(None))
         .order_by(Batch.received_at))
    if exclude_id is not None:
        q = q.where(Batch.id != exclude_id)
    return session.execute(q.limit(1)).scalars().first()


def finish_batch(session: Session, batch_id: str, **values: Any) -> None:
    session.execute(update(Batch.__table__).where(Batch.__table__.c.id == batch_id).values(**values))


def job_owner(session: Session, job_id: str) -> str | None:
    return session.execute(select(jobs.c.created_by).where(jobs.c.id == job_id)).scalar()


# --- records -------------------------------------------------------------------------------------
# data is json here so COPY validates each record once and both inserts take it as it is.
_STAGE = """CREATE TEMP TABLE IF NOT EXISTS ds_stage (key varchar(120), uscc varchar(18), id_number varchar(18),
                                                      data json, content_hash varchar(32), row integer)
            ON COMMIT DELETE ROWS"""
_CHANGED = """
    WITH changed AS (
        INSERT INTO current_records AS c (dataset, year, key, uscc, id_number, data, content_hash, batch_id, agency,
                                          received_at)
        SELECT %(dataset)s, %(year)s, s.key, s.uscc, s.id_number, s.data, s.content_hash, %(batch_id)s,
               %(agency)s, %(received_at)s
        FROM ds_stage s
        ON CONFLICT (dataset, year, key) DO UPDATE SET
            uscc = excluded.uscc, id_number = excluded.id_number, data = excluded.data,
            content_hash = excluded.content_hash, batch_id = excluded.batch_id, agency = excluded.agency,
            received_at = excluded.received_at
        WHERE c.content_hash <> excluded.content_hash
        RETURNING c.key, c.uscc, c.id_number
    ), versions AS (
        INSERT INTO record_versions (dataset, year, key, uscc, id_number, data, content_hash, batch_id, row, agency,
                                     received_at)
        SELECT %(dataset)s, %(year)s, s.key, s.uscc, s.id_number, s.data, s.content_hash, %(batch_id)s, s.row,
               %(agency)s, %(received_at)s
        FROM ds_stage s JOIN changed ch ON ch.key = s.key
    )"""
_APPLY = _CHANGED + """
    SELECT uscc, id_number, NULL FROM changed"""
# Records about businesses: the same statement also bumps the facts version of each changed
# business (in USCC order, as bump_facts_versions does) and returns it with each changed record.
_APPLY_BUMP = _CHANGED + """, bumped AS (
        INSERT INTO facts_versions AS v (uscc, year, version)
        SELECT DISTINCT uscc, %(year)s, 1 FROM changed WHERE uscc IS NOT NULL ORDER BY uscc
        ON CONFLICT (uscc, year) DO UPDATE SET version = v.version + 1
        RETURNING v.uscc, v.version
    )
    SELECT ch.uscc, ch.id_number, b.version FROM changed ch LEFT JOIN bumped b ON b.uscc = ch.uscc"""


def apply_records(session: Session, *, dataset: str, year: int, batch_id: str, agency: str,
                  received_at: dt.datetime, records: list,
                  bump_facts: bool = False) -> list[tuple[str | None, str | None, int | None]]:
    """The bulk path: COPY the chunk into a staging table, then one statement upserts the
    changed records as current and inserts them as versions; returns (uscc, id_number, facts
    version) per changed record, the version bumped in the same statement when `bump_facts`."""
    cur = session.connection().connection.driver_connection.cursor()
    try:
        cur.execute(_STAGE)
        # emptied at commit; DELETE (not TRUNCATE, which swaps the file and updates the catalog each
        # time) clears an earlier chunk of the same transaction
        cur.execute("DELETE FROM ds_stage")
        with cur.copy("COPY ds_stage (key, uscc, id_number, data, content_hash, row) FROM STDIN") as copy:
            for r in records:
                copy.write_row((r.key, r.uscc, r.id_number, json.dumps(r.data, ensure_ascii=False), r.content_hash,
                                r.row))
        cur.execute(_APPLY_BUMP if bump_facts else _APPLY,
                    {"dataset": dataset, "year": year, "batch_id": batch_id, "agency": agency,
                     "received_at": received_at})
        return cur.fetchall()
    finally:
        cur.close()


def debtor_records_for_people(session: Session, id_numbers: list[str]) -> list:
    t = CurrentRecord.__table__
    return session.execute(select(t).where(t.c.dataset == DISHONEST_DEBTOR, any_of(t.c.id_number, id_numbers))
                           .order_by(t.c.year)).all()


def debtor_years_for_people(session: Session, id_numbers: list[str]) -> dict[str, set[int]]:
    t = CurrentRecord.__table__
    out: dict[str, set[int]] = {}
    for idn, year in session.execute(select(t.c.id_number, t.c.year).distinct().where(
            t.c.dataset == DISHONEST_DEBTOR, any_of(t.c.id_number, id_numbers))).tuples():
        out.setdefault(idn, set()).add(year)
    return out


# A counter, not a last-write-wins upsert: each emitted facts event of a (uscc, year) takes the next version.
_BUMP = text("""
    INSERT INTO facts_versions (uscc, year, version)
    SELECT u, :year, 1 FROM unnest(CAST(:usccs AS varchar[])) AS u
    ON CONFLICT (uscc, year) DO UPDATE SET version = facts_versions.version + 1
    RETURNING uscc, version""")


def bump_facts_versions(session: Session, *, usccs: list[str], year: int) -> dict[str, int]:
    """Next version of each (uscc, year) facts event, in one statement."""
    return dict(session.execute(_BUMP, {"year": year, "usccs": usccs}).tuples().all())


# The facts of many businesses of one year as BusinessFacts JSON, built by PostgreSQL: the one builder
# of the facts event and of the staff read (the ingestion hot path: no record travels through
# Python). Each fact is the record's data plus its provenance (batch, agency, time); lists are in
# codepoint order (COLLATE "C"), whatever the database's collation; instants are UTC with Z.
# The document is assembled as text and parsed once as json: cheaper than building jsonb per fact.
# A fact appends its provenance to the stored data's text, which is a non-empty object as json.dumps
# wrote it (every dataset has a field besides its subject); later keys win, as in {**data, **prov}.
_PROV = """', "batch_id": ' || to_json(c.batch_id)::text || ', "agency": ' || to_json(c.agency)::text
           || ', "received_at": "' || {time} || '"'""".format(
    time=sql_instant("c.received_at"))
_FACT = f"""(left(c.data::text, -1) || {_PROV} || '}}')"""
_LISTING = f"""(left(c.data::text, -1) || {_PROV} || ', "id_number": ' || to_json(c.id_number)::text
               || ', "current_operator": ' || l.current::text || '}}')"""


def _list(dataset: str, order: str) -> str:
    """A business's facts of a many-per-business dataset, read only when the business has some:
    most have none, and an ordered aggregate per business costs a sort set-up even when empty."""
    return f"""CASE WHEN r.n_{dataset} > 0 THEN (
                SELECT string_agg({_FACT}, ', ' ORDER BY {order} COLLATE "C") FROM current_records c
                WHERE c.uscc = u.uscc AND c.year = :year AND c.dataset = '{dataset}') ELSE '' END"""


_FACTS = f"""
    SELECT u.uscc || :suffix AS key, u.uscc || :suffix AS subject,
           ('{{"uscc": ' || to_json(u.uscc)::text || ', "year": ' || :year
            || ', "tax": ' || coalesce(r.tax, 'null') || ', "social_insurance": ' || coalesce(r.si, 'null')
            || ', "trademarks": [' || {_list(TRADEMARK, "c.data->>'registration_no'")}
            || '], "patents": [' || {_list(PATENT, "c.data->>'patent_no'")}
            || '], "certificates": [' || {_list(CERTIFICATE, "c.data->>'kind'")}
            || '], "dishonest_debtors": [' || coalesce(CASE WHEN EXISTS (
                   SELECT FROM operator_links l WHERE l.uscc = u.uscc) THEN (
                SELECT string_agg({_LISTING}, ', ' ORDER BY c.id_number COLLATE "C", c.data->>'listed_on')
                FROM operator_links l
                JOIN current_records c ON c.id_number = l.id_number AND c.dataset = '{DISHONEST_DEBTOR}'
                                      AND c.year = :year
                WHERE l.uscc = u.uscc) END, '')
            || '], "version": ' || u.version || '}}')::json AS data
    FROM unnest(CAST(:usccs AS varchar[]), CAST(:versions AS integer[])) AS u(uscc, version)
    -- LATERAL: index probes per business of the chunk, never a scan of the whole year; one record
    -- per business and year of tax and social insurance (their key is the USCC), so max() is that one
    LEFT JOIN LATERAL (
        SELECT max({_FACT}) FILTER (WHERE c.dataset = '{TAX}') AS tax,
               max({_FACT}) FILTER (WHERE c.dataset = '{SOCIAL_INSURANCE}') AS si,
               count(*) FILTER (WHERE c.dataset = '{TRADEMARK}') AS n_{TRADEMARK},
               count(*) FILTER (WHERE c.dataset = '{PATENT}') AS n_{PATENT},
               count(*) FILTER (WHERE c.dataset = '{CERTIFICATE}') AS n_{CERTIFICATE}
        FROM current_records c
        WHERE c.uscc = u.uscc AND c.year = :year
    ) r ON true
    ORDER BY u.uscc"""


def facts_select(*, usccs: list[str], versions: list[int], year: int):
    """(key, subject, data) per business of `usccs`, each with its facts version for `year`."""
    return (text(_FACTS)
            .bindparams(bindparam("usccs", value=usccs, type_=ARRAY(String)),
                        bindparam("versions", value=versions, type_=ARRAY(Integer)),
                        year=year, suffix=f":{year}")
            .columns(key=String, subject=String, data=JSON))


def facts_version(session: Session, *, uscc: str, year: int) -> int:
    v = session.execute(select(FactsVersion.version).where(FactsVersion.uscc == uscc,
                                                            FactsVersion.year == year)).scalar()
    return v or 0


# --- coverage ------------------------------------------------------------------------------------
def coverage_records(session: Session, year: int) -> dict[str, int]:
    t = CurrentRecord.__table__
    return dict(session.execute(select(t.c.dataset, func.count()).where(t.c.year == year)
                                .group_by(t.c.dataset)).tuples().all())


def coverage_batches(session: Session, year: int) -> list[tuple]:
    b = Batch.__table__
    return session.execute(
        select(b.c.dataset, func.count(), func.min(b.c.received_at), func.max(b.c.received_at),
               func.sum(b.c.accepted), func.sum(b.c.rejected))
        .where(b.c.year == year, b.c.status == "completed", b.c.duplicate_of.is_(None))
        .group_by(b.c.dataset)).tuples().all()


# --- registry projection -------------------------------------------------------------------------
def projection_versions(session: Session, usccs: list[str]) -> dict[str, int]:
    t = BusinessProjection.__table__
    return dict(session.execute(select(t.c.uscc, t.c.version).where(any_of(t.c.uscc, usccs))).tuples().all())


def upsert_projection(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(upsert_newest(BusinessProjection.__table__, ["uscc"], ["region_code", "operator_id_number",
                                                                              "version"], version="version"), rows)


def operator_links(session: Session, usccs: list[str]) -> dict[str, set[tuple[str, bool]]]:
    t = OperatorLink.__table__
    out: dict[str, set[tuple[str, bool]]] = {}
    for u, idn, cur in session.execute(select(t.c.uscc, t.c.id_number, t.c.current)
                                       .where(any_of(t.c.uscc, usccs))).tuples():
        out.setdefault(u, set()).add((idn, bool(cur)))
    return out


def replace_operator_links(session: Session, usccs: list[str], rows: list[dict]) -> None:
    t = OperatorLink.__table__
    session.execute(delete(t).where(any_of(t.c.uscc, usccs)))
    if rows:
        session.execute(insert(t), rows)


def usccs_linked_to(session: Session, id_numbers: list[str]) -> set[str]:
    t = OperatorLink.__table__
    return set(session.execute(select(t.c.uscc).where(any_of(t.c.id_number, id_numbers))).scalars().all())


def business(session: Session, uscc: str) -> BusinessProjection | None:
    return session.get(BusinessProjection, uscc)


# --- audit ---------------------------------------------------------------------------------------
def add_read(session: Session, **values: Any) -> None:
    session.execute(insert(FactsRead.__table__).values(**values))


def list_reads(session: Session, *, uscc: str | None, reader: str | None, since: dt.datetime | None,
               until: dt.datetime | None, page: PageRequest) -> tuple[list[FactsRead], str | None]:
    """The audit log, newest read first."""
    q = select(FactsRead)
    if uscc:
        q = q.where(FactsRead.uscc == uscc)
    if reader:
        q = q.where(FactsRead.reader == reader)
    if since:
        q = q.where(FactsRead.read_at >= since)
    if until:
        q = q.where(FactsRead.read_at < until)
    return scalars_page(session, q, keys=[FactsRead.id], page=page, descending=True)
