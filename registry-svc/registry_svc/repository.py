"""Every query of registry-svc. Set-based: a batch of USCCs is one query per table."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import JSON, Select, String, bindparam, func, insert, select, text, true, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

from getihu_kit.clock import sql_instant
from getihu_kit.parameters import DatedParameter
from getihu_kit.upserts import any_of, insert_ignore, upsert, upsert_newest
from registry_svc.models import (AnnualReport, AnnualReportWindow, Business, DirectoryRecognition, DirectoryType,
                                 Mark, Operator, StatusChange, jobs)

B, O, S, A, M = (Business.__table__, Operator.__table__, StatusChange.__table__, AnnualReport.__table__,
                 Mark.__table__)


def get_business(session: Session, uscc: str) -> Business | None:
    return session.get(Business, uscc)


def current_operator(session: Session, uscc: str) -> Operator | None:
    return session.execute(
        select(Operator).where(Operator.uscc == uscc, Operator.to_on.is_(None)).order_by(Operator.id.desc())
    ).scalars().first()


def operator_history(session: Session, uscc: str) -> list[Operator]:
    return list(session.execute(select(Operator).where(Operator.uscc == uscc).order_by(Operator.id)).scalars())


# A speed choice, not a dialect one: below this many rows one multi-row INSERT costs less than COPY's
# set-up (and, for registrations, than the staging table's), so a single request takes the INSERT.
COPY_MIN_ROWS = 50


def copy_rows(session: Session, table, rows: list[dict]) -> None:
    """Bulk insert in the session's transaction: COPY … FROM STDIN, or one INSERT for a few rows."""
    if not rows:
        return
    if len(rows) < COPY_MIN_ROWS:
        session.execute(insert(table), rows)
        return
    session.flush()
    columns = list(rows[0])
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row([r[c] for c in columns])


# --- batch reads -----------------------------------------------------------------------------------
def businesses(session: Session, usccs: Iterable[str]) -> dict[str, Row]:
    keys = list(set(usccs))
    if not keys:
        return {}
    return {r.uscc: r for r in session.execute(select(B).where(any_of(B.c.uscc, keys)))}


def _grouped(session: Session, table, usccs: list[str], order) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    if usccs:
        for r in session.execute(select(table).where(any_of(table.c.uscc, usccs)).order_by(*order)):
            out[r.uscc].append(r)
    return out


def operators_of(session: Session, usccs: list[str]) -> dict[str, list[Row]]:
    return _grouped(session, O, usccs, [O.c.uscc, O.c.id])


def status_history_of(session: Session, usccs: list[str]) -> dict[str, list[Row]]:
    return _grouped(session, S, usccs, [S.c.uscc, S.c.effective_on, S.c.id])


def annual_reports_of(session: Session, usccs: list[str]) -> dict[str, list[Row]]:
    return _grouped(session, A, usccs, [A.c.uscc, A.c.year])


def marks_of(session: Session, usccs: list[str]) -> dict[str, list[Row]]:
    return _grouped(session, M, usccs, [M.c.uscc, M.c.start_on, M.c.id])


# --- the business state snapshot, built by PostgreSQL ----------------------------------------------
def _years_in_force_sql(param: DatedParameter[int], column: str) -> str:
    """A dated parameter as a CASE over `column` (the same choice as DatedParameter.on: the newest
    entry in force on that day, else the earliest one)."""
    newest_first = sorted(param.series, key=lambda e: e.in_force_from, reverse=True)
    whens = " ".join(f"WHEN {column} >= DATE '{e.in_force_from.isoformat()}' THEN {int(e.value)}"
                     for e in newest_first)
    return f"CASE {whens} ELSE {int(param.series[0].value)} END"


# The instant of the statement as pydantic writes it (UTC, `Z`), for changed_at.
_NOW = sql_instant("now()")

# One BusinessState per business, in USCC order: the JSON pydantic's model_dump(mode="json") writes
# (dates ISO, money as text, every optional field present), each list in the order the API reads it
# (service.read_business), changed_at as pydantic writes an instant.
_STATES = """
    WITH ops AS (
        SELECT o.uscc,
               json_agg(json_build_object('name', o.name, 'id_number', o.id_number, 'from_on', o.from_on,
                                          'to_on', o.to_on) ORDER BY o.id) AS history,
               (array_agg(json_build_object('name', o.name, 'id_number', o.id_number, 'phone', o.phone,
                                            'email', o.email, 'since', o.from_on)
                          ORDER BY (o.to_on IS NULL) DESC, o.id DESC))[1] AS current
        FROM operators o WHERE o.uscc = ANY(CAST(:usccs AS varchar[])) GROUP BY o.uscc
    ), st AS (
        SELECT s.uscc, json_agg(json_build_object('status', s.status, 'effective_on', s.effective_on)
                                ORDER BY s.effective_on, s.id) AS history
        FROM status_history s WHERE s.uscc = ANY(CAST(:usccs AS varchar[])) GROUP BY s.uscc
    ), ar AS (
        SELECT a.uscc, json_agg(json_build_object('year', a.year, 'submitted_on', a.submitted_on,
                                                  'employees', a.employees, 'revenue', a.revenue::text,
                                                  'tax_paid', a.tax_paid::text) ORDER BY a.year) AS reports
        FROM annual_reports a WHERE a.uscc = ANY(CAST(:usccs AS varchar[])) GROUP BY a.uscc
    ), mk AS (
        SELECT m.uscc, json_agg(json_build_object(
                   'id', m.id, 'kind', m.kind, 'start_on', m.start_on, 'end_on', m.end_on,
                   'penalty_kind', m.penalty_kind, 'amount', m.amount::text, 'publicized_on', m.publicized_on,
                   'level', m.level, 'reason', m.reason,
                   'legal_max_end_on', CASE WHEN m.kind = 'suspension'
                       THEN (m.start_on + make_interval(years => {suspension_years}))::date - 1 END)
                   ORDER BY m.start_on, m.id) AS marks
        FROM marks m WHERE m.uscc = ANY(CAST(:usccs AS varchar[])) GROUP BY m.uscc
    )
    SELECT b.uscc AS key, b.uscc AS subject, json_build_object(
               'uscc', b.uscc, 'name', b.name, 'region_code', b.region_code, 'industry_code', b.industry_code,
               'established_on', b.established_on, 'seasonal', b.seasonal, 'address', b.address,
               'business_scope', b.business_scope, 'status', b.status,
               'status_effective_on', b.status_effective_on,
               'status_history', coalesce(st.history, '[]'::json), 'operator', ops.current,
               'operator_history', coalesce(ops.history, '[]'::json),
               'annual_reports', coalesce(ar.reports, '[]'::json), 'marks', coalesce(mk.marks, '[]'::json),
               'version', b.version, 'changed_at', {changed_at}) AS data
    FROM businesses b
    JOIN ops ON ops.uscc = b.uscc
    LEFT JOIN st ON st.uscc = b.uscc LEFT JOIN ar ON ar.uscc = b.uscc LEFT JOIN mk ON mk.uscc = b.uscc
    WHERE b.uscc = ANY(CAST(:usccs AS varchar[]))
    ORDER BY b.uscc COLLATE "C"
"""


def states_select(usccs: list[str], suspension_max_years: DatedParameter[int]) -> TextualSelect:
    """(key, subject, data) per business of `usccs`: its BusinessState as JSON — the one builder of
    the business state event, for a single request and a bulk chunk alike."""
    return _states_select(_STATES.format(
        suspension_years=_years_in_force_sql(suspension_max_years, "m.start_on"), changed_at=_NOW), usccs)


def _states_select(sql: str, usccs: list[str]) -> TextualSelect:
    """A snapshot query over the businesses `usccs` (one array parameter), as Outbox.emit_select reads it."""
    return (text(sql).bindparams(bindparam("usccs", value=list(usccs), type_=ARRAY(String)))
            .columns(key=String, subject=String, data=JSON))


# A business registered by this very statement has one operator, one status row and nothing else, so
# its state is read straight off the staging row (no aggregates over the history tables: ~10 µs less
# per business on a bulk registration, bench/results/registry.md round 2); the JSON is the same as
# _STATES writes for it (tests/test_snapshot_sql.py).
_NEW_STATES = """
    SELECT s.uscc AS key, s.uscc AS subject, json_build_object(
               'uscc', s.uscc, 'name', s.name, 'region_code', s.region_code, 'industry_code', s.industry_code,
               'established_on', s.established_on, 'seasonal', s.seasonal, 'address', s.address,
               'business_scope', s.business_scope, 'status', 'registered', 'status_effective_on', s.established_on,
               'status_history', json_build_array(json_build_object('status', 'registered',
                                                                    'effective_on', s.established_on)),
               'operator', json_build_object('name', s.operator_name, 'id_number', s.operator_id_number,
                                             'phone', s.operator_phone, 'email', s.operator_email,
                                             'since', s.established_on),
               'operator_history', json_build_array(json_build_object(
                   'name', s.operator_name, 'id_number', s.operator_id_number, 'from_on', s.established_on,
                   'to_on', NULL)),
               'annual_reports', '[]'::json, 'marks', '[]'::json, 'version', 1,
               'changed_at', (SELECT {changed_at})) AS data
    FROM staging_registrations s
    WHERE s.uscc = ANY(CAST(:usccs AS varchar[]))
    ORDER BY s.uscc COLLATE "C"
"""


def new_states_select(usccs: list[str]) -> TextualSelect:
    """(key, subject, data) of businesses `register_staged` has just registered, in this transaction."""
    return _states_select(_NEW_STATES.format(changed_at=_NOW), usccs)


def marks_by_id(session: Session, ids: list[str]) -> dict[str, Row]:
    if not ids:
        return {}
    return {r.id: r for r in session.execute(select(M).where(any_of(M.c.id, ids)))}


# --- batch writes (COPY / multi-row VALUES) ---------------------------------------------------------
def insert_businesses(session: Session, rows: list[dict]) -> set[str]:
    """Insert new businesses; a USCC registered meanwhile by someone else is skipped, not failed.
    (Registrations of COPY_MIN_ROWS or more take register_staged instead.)"""
    if not rows:
        return set()
    stmt = insert_ignore(B, ["uscc"]).returning(B.c.uscc)
    return set(session.execute(stmt, rows).scalars().all())


_STAGING_REGISTRATIONS = (
    "CREATE TEMP TABLE IF NOT EXISTS staging_registrations ON COMMIT DELETE ROWS AS "
    "SELECT b.uscc, b.name, b.region_code, b.industry_code, b.established_on, b.seasonal, b.address, "
    "b.business_scope, o.name AS operator_name, o.id_number AS operator_id_number, o.phone AS operator_phone, "
    "o.email AS operator_email FROM businesses b, operators o WITH NO DATA")
STAGED_COLUMNS = ("uscc", "name", "region_code", "industry_code", "established_on", "seasonal", "address",
                  "business_scope", "operator_name", "operator_id_number", "operator_phone", "operator_email")
# One statement: the business, its first operator and its first status row, only for the USCCs that
# were not registered meanwhile by someone else.
_REGISTER_STAGED = """
    WITH landed AS (
        INSERT INTO businesses (uscc, name, region_code, industry_code, established_on, seasonal, address,
                                business_scope, status, status_effective_on, version)
        SELECT uscc, name, region_code, industry_code, established_on, seasonal, address, business_scope,
               'registered', established_on, 1
        FROM staging_registrations
        ON CONFLICT (uscc) DO NOTHING RETURNING uscc
    ), operator_rows AS (
        INSERT INTO operators (uscc, name, id_number, phone, email, from_on, to_on)
        SELECT s.uscc, s.operator_name, s.operator_id_number, s.operator_phone, s.operator_email,
               s.established_on, NULL
        FROM staging_registrations s JOIN landed l ON l.uscc = s.uscc
    ), status_rows AS (
        INSERT INTO status_history (uscc, status, effective_on)
        SELECT s.uscc, 'registered', s.established_on FROM staging_registrations s JOIN landed l ON l.uscc = s.uscc
    )
    SELECT uscc FROM landed
"""


def register_staged(session: Session, rows: list[tuple]) -> set[str]:
    """Bulk registration: `rows` (values in STAGED_COLUMNS order, one per USCC) are COPYed
    into a session-local staging table and written to businesses, operators and status history by one
    INSERT … SELECT; returns the USCCs that landed. The staging rows stay until the end of the
    transaction for new_states_select."""
    session.flush()
    session.execute(text(_STAGING_REGISTRATIONS))
    # A chunk's snapshots (~1 KB each) are sorted twice on their way to the outbox; with the default
    # 4 MB both sorts spill to disk.
    session.execute(text("SET LOCAL work_mem = '64MB'"))
    session.execute(text("DELETE FROM staging_registrations"))  # empty unless called twice in one transaction
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY staging_registrations ({', '.join(STAGED_COLUMNS)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(r)
    return set(session.execute(text(_REGISTER_STAGED)).scalars().all())


def insert_operators(session: Session, rows: list[dict]) -> None:
    copy_rows(session, O, rows)


def insert_status_changes(session: Session, rows: list[dict]) -> None:
    """New history rows; the API and imports check for existing ones first, so a conflict here is a
    concurrent writer, which the unique constraint turns into an error of that request, not a duplicate."""
    copy_rows(session, S, rows)


# recorded_at is in the rows' EXCLUDED as its default (now()): a re-filing records when it came.
def upsert_annual_reports(session: Session, rows: list[dict]) -> None:
    """A later filing for the same year replaces the earlier one."""
    if rows:
        session.execute(upsert(A, ["uscc", "year"], ["submitted_on", "employees", "revenue", "tax_paid",
                                                     "recorded_at"]), rows)


def upsert_marks(session: Session, rows: list[dict]) -> None:
    """Re-filing a mark (same id) sets its end, amount, publicity date and reason."""
    if rows:
        session.execute(upsert(M, ["id"], ["end_on", "amount", "publicized_on", "reason", "recorded_at"]), rows)


def bump_versions(session: Session, usccs: Iterable[str]) -> None:
    keys = list(set(usccs))
    if keys:
        session.execute(update(B).where(any_of(B.c.uscc, keys))
                        .values(version=B.c.version + 1, updated_at=func.now()))


def set_current_statuses(session: Session, rows: list[dict]) -> None:
    """rows: {"k": uscc, "s": status, "d": effective_on}."""
    if rows:
        stmt = (update(B).where(B.c.uscc == bindparam("k"))
                .values(status=bindparam("s"), status_effective_on=bindparam("d")))
        session.connection().execute(stmt, rows)


def businesses_operated_by(session: Session, id_number: str, on: dt.date) -> frozenset[str]:
    """The USCCs whose operator on `on` is this person: their period has begun and not ended (a
    change of operator ends the old period the day before it takes effect)."""
    rows = session.execute(select(O.c.uscc).where(
        O.c.id_number == id_number, (O.c.from_on.is_(None)) | (O.c.from_on <= on),
        (O.c.to_on.is_(None)) | (O.c.to_on >= on)))
    return frozenset(rows.scalars())


def close_operator(session: Session, operator_id: int, to_on: dt.date) -> None:
    session.execute(update(O).where(O.c.id == operator_id).values(to_on=to_on))


def job_owner(session: Session, job_id: str) -> str | None:
    return session.execute(select(jobs.c.created_by).where(jobs.c.id == job_id)).scalar()


# --- annual-report windows -------------------------------------------------------------------------
def get_window(session: Session, report_year: int) -> AnnualReportWindow | None:
    return session.get(AnnualReportWindow, report_year)


# --- the 名录 ---------------------------------------------------------------------------------------
# The public 名录's statements and reads are in directory_reads (on the event loop).
def county_list(*, region_code: str | None, status: str | None, on: dt.date) -> Select:
    """The staff list of a county's businesses (the county 名录) with what a clerk reads beside each:
    the current operator and how to reach them, the newest published type and the recognition in
    force on `on`; in USCC order when paged or exported."""
    T, R = DirectoryType.__table__, DirectoryRecognition.__table__
    operator = (select(O.c.name.label("operator_name"), O.c.id_number, O.c.phone)
                .where(O.c.uscc == B.c.uscc, O.c.to_on.is_(None)).order_by(O.c.id.desc()).limit(1).lateral("o"))
    newest = (select(T.c.year, T.c.type).where(T.c.uscc == B.c.uscc).order_by(T.c.year.desc()).limit(1)
              .lateral("t"))
    valid = (select(R.c.category, R.c.valid_until)
             .where(R.c.uscc == B.c.uscc, R.c.status.in_(("granted", "extended")), R.c.valid_until >= on)
             .order_by(R.c.changed_at.desc()).limit(1).lateral("r"))
    q = (select(B.c.uscc, B.c.name, operator.c.operator_name, operator.c.id_number, operator.c.phone,
                B.c.region_code, B.c.industry_code, B.c.established_on, B.c.seasonal, B.c.address, B.c.status,
                newest.c.year, newest.c.type, valid.c.category, valid.c.valid_until)
         .select_from(B).outerjoin(operator, true()).outerjoin(newest, true()).outerjoin(valid, true()))
    if region_code:
        q = q.where(B.c.region_code == region_code)
    if status:
        q = q.where(B.c.status == status)
    return q


def upsert_types(session: Session, rows: list[dict]) -> None:
    """A newer version (a correction) replaces an older one; an older one never overwrites (typing
    numbers each business's publications of a year 1, 2, …: an equal version is the same state)."""
    if rows:
        session.execute(upsert_newest(DirectoryType.__table__, ["uscc", "year"],
                                      ["type", "reasons", "ruleset", "run_id", "version", "published_at"],
                                      version="version"), rows)


def upsert_recognitions(session: Session, rows: list[dict]) -> None:
    """Each recognition's newest status (by cultivation's changed_at) wins."""
    if rows:
        session.execute(upsert_newest(DirectoryRecognition.__table__, ["recognition_id"],
                                      ["uscc", "category", "status", "recognised_on", "valid_until", "changed_at"],
                                      version="changed_at"), rows)
