"""Every query of typing-svc."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Select, String, and_, case, delete, func, insert, literal, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from typing_svc.evaluation import business, evaluation_insert, results
from typing_svc.models import FactBatch, FeedEntry, RunBatch, RunReasons, TypingRun
from typing_svc.rules import Params, Ruleset

runs = TypingRun.__table__
feed = FeedEntry.__table__
run_batches = RunBatch.__table__
fact_batches = FactBatch.__table__
run_reasons = RunReasons.__table__


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --- runs --------------------------------------------------------------------------------------
def insert_run(session: Session, **values) -> None:
    session.execute(insert(runs).values(**values))


def get_run(session: Session, run_id: str, *, for_update: bool = False) -> dict | None:
    q = select(runs).where(runs.c.id == run_id)
    if for_update:  # two staff publishing the same run at once: the second waits, then sees it published
        q = q.with_for_update()
    return session.execute(q).mappings().first()


def run_by_trigger_event(session: Session, event_id: str) -> dict | None:
    return session.execute(select(runs).where(runs.c.trigger_event_id == event_id)).mappings().first()


def update_run(conn: Connection | Session, run_no: int, **values) -> None:
    conn.execute(update(runs).where(runs.c.run_no == run_no).values(**values))


def claim_run(conn: Connection, lease: dt.timedelta) -> dict | None:
    """The oldest queued run, or a running one whose worker stopped heart-beating."""
    stale = now() - lease
    q = (select(runs).where(or_(runs.c.status == "queued",
                                and_(runs.c.status == "running", runs.c.heartbeat_at < stale)))
         .order_by(runs.c.run_no).limit(1))
    if conn.dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    row = conn.execute(q).mappings().first()
    if row is None:
        return None
    t = now()
    conn.execute(update(runs).where(runs.c.run_no == row["run_no"]).values(
        status="running", started_at=t, heartbeat_at=t, progress=0.0, message=None))
    return dict(row)


def latest_published_run(session: Session, year: int) -> dict | None:
    return session.execute(select(runs).where(runs.c.year == year, runs.c.status == "published")
                           .order_by(runs.c.published_at.desc(), runs.c.run_no.desc()).limit(1)).mappings().first()


def latest_completed_run_with(session: Session, uscc: str, year: int) -> dict | None:
    q = (select(runs).join(results, results.c.run_no == runs.c.run_no)
         .where(runs.c.year == year, results.c.uscc == uscc, runs.c.status.in_(("completed", "published")))
         .order_by(runs.c.run_no.desc()).limit(1))
    return session.execute(q).mappings().first()


def run_of_no(session: Session, run_no: int) -> dict | None:
    return session.execute(select(runs).where(runs.c.run_no == run_no)).mappings().first()


# --- evaluation --------------------------------------------------------------------------------
def clear_results(conn: Connection, run_no: int) -> None:
    conn.execute(delete(results).where(results.c.run_no == run_no))
    conn.execute(delete(run_batches).where(run_batches.c.run_no == run_no))


def chunk_bounds(conn: Connection, size: int, region_codes: list[str] | None) -> list[str]:
    """Every size-th USCC in order: the upper bounds of the chunks (the last chunk is open)."""
    q = select(business.c.uscc, func.row_number().over(order_by=business.c.uscc).label("rn"))
    if region_codes:
        q = q.where(business.c.region_code.in_(region_codes))
    s = q.subquery()
    return list(conn.execute(select(s.c.uscc).where(s.c.rn % size == 0).order_by(s.c.uscc)).scalars())


def evaluate_chunk(conn: Connection, ruleset: Ruleset, params: Params, *, run_no: int, lo: str | None,
                   hi: str | None, region_codes: list[str] | None) -> int:
    if conn.dialect.name == "postgresql":
        # JIT compilation costs more than it saves on a statement this short-lived.
        conn.execute(text("SET LOCAL jit = off"))
    return conn.execute(evaluation_insert(ruleset, params, run_no=run_no, lo=lo, hi=hi,
                                          region_codes=region_codes)).rowcount


def count_types(conn: Connection | Session, run_no: int) -> dict[int, int]:
    return dict(conn.execute(select(results.c.type_code, func.count()).where(results.c.run_no == run_no)
                             .group_by(results.c.type_code)).all())


def counts_by_region(session: Session, run_no: int) -> list[tuple[str, int, int]]:
    return session.execute(select(results.c.region_code, results.c.type_code, func.count())
                           .where(results.c.run_no == run_no)
                           .group_by(results.c.region_code, results.c.type_code)).all()


def record_batches(conn: Connection | Session, run_no: int, years: tuple[int, int]) -> None:
    """The batches of facts the run used: each candidate batch of years P and Y that some result names
    (an EXISTS per batch stops at the first hit, cheaper than a DISTINCT over every result)."""
    r = results
    used = or_(*[select(1).where(r.c.run_no == run_no, col == fact_batches.c.batch_id).exists()
                 for col in (r.c.tax_batch, r.c.tax_status_batch, r.c.insurance_batch, r.c.trademark_batch,
                             r.c.patent_batch)])
    conn.execute(insert(run_batches).from_select(
        ["run_no", "batch_id"],
        select(literal(run_no), fact_batches.c.batch_id).where(fact_batches.c.year.in_(years), used)))


def batches_of_run(session: Session, run_no: int) -> list[str]:
    return list(session.execute(select(run_batches.c.batch_id).where(run_batches.c.run_no == run_no)
                                .order_by(run_batches.c.batch_id)).scalars())


def agencies(session: Session, batch_ids: list[str]) -> dict[str, str | None]:
    if not batch_ids:
        return {}
    return dict(session.execute(select(fact_batches.c.batch_id, fact_batches.c.agency)
                                .where(fact_batches.c.batch_id.in_(batch_ids))).all())


# --- results -----------------------------------------------------------------------------------
def result_row(session: Session, run_no: int, uscc: str) -> dict | None:
    return session.execute(select(results).where(results.c.run_no == run_no, results.c.uscc == uscc)).mappings().first()


def list_results(session: Session, *, run_nos: list[int], region_code: str | None, type_code: int | None,
                 after: tuple[int, str] | None, limit: int) -> list[dict]:
    q = select(results).where(results.c.run_no.in_(run_nos))
    if region_code:
        q = q.where(results.c.region_code == region_code)
    if type_code is not None:
        q = q.where(results.c.type_code == type_code)
    if after is not None:
        q = q.where(or_(results.c.run_no > after[0], and_(results.c.run_no == after[0], results.c.uscc > after[1])))
    return list(session.execute(q.order_by(results.c.run_no, results.c.uscc).limit(limit)).mappings())


def runs_of_year(session: Session, year: int) -> list[dict]:
    return list(session.execute(select(runs).where(runs.c.year == year).order_by(runs.c.run_no)).mappings())


# --- publication and the feed ------------------------------------------------------------------
def _versions_before(year: int) -> Select:
    return (select(feed.c.uscc, func.max(feed.c.version).label("v")).where(feed.c.year == year)
            .group_by(feed.c.uscc).subquery("prev"))


def publish_into_feed(session: Session, *, run_no: int, year: int, published_at: dt.datetime) -> tuple[int, int]:
    """INSERT INTO typing_feed SELECT … FROM typing_result: one set-based statement; returns the seq range."""
    start = session.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one()
    prev = _versions_before(year)
    sel = (select(results.c.uscc, literal(year), func.coalesce(prev.c.v, 0) + 1, results.c.type_code,
                  results.c.run_no, results.c.region_code, results.c.industry_code, literal(published_at))
           .select_from(results.outerjoin(prev, prev.c.uscc == results.c.uscc))
           .where(results.c.run_no == run_no).order_by(results.c.uscc))
    session.execute(insert(feed).from_select(
        ["uscc", "year", "version", "type_code", "run_no", "region_code", "industry_code", "published_at"], sel))
    end = session.execute(select(func.coalesce(func.max(feed.c.seq), 0))).scalar_one()
    return start, end


def feed_rows(session: Session, *, after_seq: int, limit: int, up_to: int | None = None) -> list[dict]:
    """Feed entries in order, with the bitmask of their run's result (for the reasons)."""
    q = (select(feed, results.c.met)
         .select_from(feed.outerjoin(results, and_(results.c.run_no == feed.c.run_no, results.c.uscc == feed.c.uscc)))
         .where(feed.c.seq > after_seq))
    if up_to is not None:
        q = q.where(feed.c.seq <= up_to)
    return list(session.execute(q.order_by(feed.c.seq).limit(limit)).mappings())


def latest_feed_entry(session: Session, uscc: str, year: int | None) -> dict | None:
    q = select(feed).where(feed.c.uscc == uscc)
    if year is not None:
        q = q.where(feed.c.year == year)
    return session.execute(q.order_by(feed.c.seq.desc()).limit(1)).mappings().first()


def insert_feed_entry(session: Session, **values) -> dict:
    session.execute(insert(feed).values(**values))
    return session.execute(select(feed).where(feed.c.uscc == values["uscc"], feed.c.year == values["year"])
                           .order_by(feed.c.seq.desc()).limit(1)).mappings().one()


def _current_published(year: int):
    """The newest feed entry per business for the year: the published type, corrections included."""
    newest = (select(feed.c.uscc, func.max(feed.c.seq).label("seq")).where(feed.c.year == year)
              .group_by(feed.c.uscc).subquery())
    return select(feed).join(newest, newest.c.seq == feed.c.seq).subquery(f"pub{year}")


def statistics(session: Session, *, year: int, region_code: str | None) -> list[tuple]:
    p = _current_published(year)
    q = select(p.c.region_code, p.c.industry_code, p.c.type_code, func.count())
    if region_code:
        q = q.where(p.c.region_code == region_code)
    return session.execute(q.group_by(p.c.region_code, p.c.industry_code, p.c.type_code)).all()


def transitions(session: Session, *, from_year: int, to_year: int, region_code: str | None) -> list[tuple]:
    a, b = _current_published(from_year), _current_published(to_year)
    q = select(a.c.type_code, b.c.type_code, func.count()).select_from(a.join(b, a.c.uscc == b.c.uscc))
    if region_code:
        q = q.where(b.c.region_code == region_code)
    return session.execute(q.group_by(a.c.type_code, b.c.type_code)).all()


# --- result events, set-based -------------------------------------------------------------------
def _json_text(col) -> ColumnElement:
    """A SQL string as a JSON string literal (quotes and backslashes escaped), or null."""
    escaped = func.replace(func.replace(col, "\\", "\\\\"), '"', '\\"')
    return case((col.is_(None), literal("null")), else_=literal('"') + escaped + literal('"'))


def _event_id(bind) -> ColumnElement:
    if bind.dialect.name == "postgresql":
        return func.gen_random_uuid().cast(String)
    return func.lower(func.hex(func.randomblob(16)))


def emit_result_events(session: Session, *, outbox_table, source: str, event_type: str, topic: str,
                       run_no: int, run_id: str, ruleset: str, reasons_by_met: dict[int, list[str]],
                       type_names: dict[int, str],
                       after_seq: int, up_to: int, published_at: dt.datetime, traceparent: str | None) -> int:
    """One TypingResultPublished per feed entry in (after_seq, up_to], written into the outbox by one
    INSERT … SELECT: the CloudEvent JSON is assembled in SQL, so a million events cost one statement.
    The payload is exactly what `Outbox.emit` would write for the same TypingResultPublished."""
    stamp = published_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    r, f = results, feed
    tp = json.dumps(traceparent)
    eid = _event_id(session.get_bind())
    # The id inside the payload and the outbox id must agree: select the id once, then build around it.
    session.execute(delete(run_reasons).where(run_reasons.c.run_no == run_no))
    session.execute(insert(run_reasons), [{"run_no": run_no, "met": m, "reasons": json.dumps(v)}
                                          for m, v in reasons_by_met.items()])
    rr = run_reasons
    inner = (select(eid.label("eid"), f.c.seq, f.c.uscc, f.c.year, f.c.type_code, f.c.region_code, f.c.industry_code,
                    f.c.version, rr.c.reasons)
             .select_from(f.join(r, and_(r.c.run_no == f.c.run_no, r.c.uscc == f.c.uscc))
                          .join(rr, and_(rr.c.run_no == r.c.run_no, rr.c.met == r.c.met)))
             .where(f.c.seq > after_seq, f.c.seq <= up_to).offset(0).subquery("e"))
    e = inner.c
    type_name = case({k: f'"{v}"' for k, v in type_names.items()}, value=e.type_code)
    payload = (
        literal('{"specversion":"1.0","id":"') + e.eid
        + literal(f'","source":{json.dumps(source)},"type":{json.dumps(event_type)},"subject":"') + e.uscc
        + literal(f'","time":"{stamp}","datacontenttype":"application/json","traceparent":{tp},"data":{{"uscc":"')
        + e.uscc + literal('","year":') + e.year.cast(String) + literal(',"type":') + type_name
        + literal(',"reasons":') + e.reasons + literal(',"region_code":') + _json_text(e.region_code)
        + literal(',"industry_code":') + _json_text(e.industry_code)
        + literal(f',"ruleset":{json.dumps(ruleset)},"run_id":{json.dumps(run_id)},"version":')
        + e.version.cast(String) + literal(f',"published_at":"{stamp}","correction":null}}}}'))
    sel = select(e.eid, literal(topic), e.uscc, literal(event_type), payload, literal(published_at),
                 literal(traceparent, String)).order_by(e.seq)
    return session.execute(insert(outbox_table).from_select(
        ["id", "aggregatetype", "aggregateid", "type", "payload", "occurred_at", "traceparent"], sel)).rowcount


def distinct_met(session: Session, run_no: int) -> list[int]:
    return list(session.execute(select(results.c.met).where(results.c.run_no == run_no).distinct()).scalars())
