"""Every query of typing-svc."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import JSON, String, and_, case, cast, delete, func, insert, literal, literal_column, null, or_, \
    select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from getihu_kit import feeds
from getihu_kit.clock import sql_instant
from getihu_kit.outbox import Outbox
from getihu_kit.pagination import PageRequest, keyset_page
from getihu_kit.schemas.typing import TypingResultPublished
from typing_svc.evaluation import business, evaluation_insert, results
from typing_svc.models import FactBatch, FeedEntry, RunBatch, RunReasons, TypingRun
from typing_svc.rules import TYPE_OF_RANK, Params, Ruleset

runs = TypingRun.__table__
feed = FeedEntry.__table__
run_batches = RunBatch.__table__
fact_batches = FactBatch.__table__
run_reasons = RunReasons.__table__


# --- runs --------------------------------------------------------------------------------------
def insert_run(session: Session, **values) -> None:
    session.execute(insert(runs).values(**values))


def get_run(session: Session, run_id: str, *, for_update: bool = False) -> dict | None:
    q = select(runs).where(runs.c.id == run_id)
    if for_update:  # two staff publishing the same run at once, or two chunks of its publication
        q = q.with_for_update()
    return session.execute(q).mappings().first()


def run_by_trigger_event(session: Session, event_id: str) -> dict | None:
    return session.execute(select(runs).where(runs.c.trigger_event_id == event_id)).mappings().first()


def update_run(conn: Connection | Session, run_no: int, **values) -> None:
    conn.execute(update(runs).where(runs.c.run_no == run_no).values(**values))


def publishing_run_of_year(session: Session, year: int) -> dict | None:
    return session.execute(select(runs).where(runs.c.year == year, runs.c.status == "publishing")
                           .limit(1)).mappings().first()


def latest_completed_run_with(session: Session, uscc: str, year: int) -> dict | None:
    q = (select(runs).join(results, results.c.run_no == runs.c.run_no)
         .where(runs.c.year == year, results.c.uscc == uscc, runs.c.status.in_(("completed", "publishing", "published")))
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
    # JIT compilation costs more than it saves on a statement this short-lived.
    conn.execute(text("SET LOCAL jit = off"))
    return conn.execute(evaluation_insert(ruleset, params, run_no=run_no, lo=lo, hi=hi, region_codes=region_codes),
                        execution_options={"preserve_rowcount": True}).rowcount


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


def runs_of_year(session: Session, year: int) -> list[dict]:
    return list(session.execute(select(runs).where(runs.c.year == year).order_by(runs.c.run_no)).mappings())


def runs_page(session: Session, *, year: int, page: PageRequest) -> tuple[list, str | None]:
    """One page of a year's runs, newest first (run_no is the order they were requested in)."""
    q = select(runs).where(runs.c.year == year)
    rows, nxt = keyset_page(session, q, keys=[runs.c.run_no], page=page, descending=True,
                            key_of=lambda r: (r.run_no,))
    return [r._mapping for r in rows], nxt


# --- publication and the feed ------------------------------------------------------------------
def chunk_end(session: Session, run_no: int, *, after: str | None, size: int) -> str | None:
    """The last USCC of the next `size` results of a run after `after` (None: none are left)."""
    q = select(results.c.uscc).where(results.c.run_no == run_no)
    if after is not None:
        q = q.where(results.c.uscc > after)
    chunk = q.order_by(results.c.uscc).limit(size).subquery()
    return session.execute(select(func.max(chunk.c.uscc))).scalar()


def count_results(session: Session, run_no: int, *, through: str | None = None) -> int:
    q = select(func.count()).select_from(results).where(results.c.run_no == run_no)
    if through is not None:
        q = q.where(results.c.uscc <= through)
    return session.execute(q).scalar_one()


def _within(column, lo: str | None, hi: str) -> list:
    return ([column > lo] if lo is not None else []) + [column <= hi]


def publish_into_feed(session: Session, *, run_no: int, year: int, published_at: dt.datetime,
                      after: str | None, through: str) -> int:
    """INSERT INTO typing_feed SELECT … FROM typing_result for the run's results in (after, through]:
    one set-based statement per chunk, each business one version above its newest for the year
    (the chunk's range stated on the feed too, so its earlier versions are read by one range scan)."""
    feeds.take_turn(session, feed)
    prev = (select(feed.c.uscc, func.max(feed.c.version).label("v"))
            .where(feed.c.year == year, *_within(feed.c.uscc, after, through))
            .group_by(feed.c.uscc).subquery("prev"))
    sel = (select(results.c.uscc, literal(year), func.coalesce(prev.c.v, 0) + 1, results.c.type_code,
                  results.c.run_no, results.c.region_code, results.c.industry_code, literal(published_at))
           .select_from(results.outerjoin(prev, prev.c.uscc == results.c.uscc))
           .where(results.c.run_no == run_no, *_within(results.c.uscc, after, through)).order_by(results.c.uscc))
    return session.execute(insert(feed).from_select(
        ["uscc", "year", "version", "type_code", "run_no", "region_code", "industry_code", "published_at"], sel),
        execution_options={"preserve_rowcount": True}).rowcount


def refresh_statistics(session: Session) -> None:
    """ANALYZE the results and the feed before a publication reads them: a run has just written its
    results, and the planner must not take a million fresh rows for an empty table."""
    session.execute(text(f"ANALYZE {results.name}, {feed.name}"))


def feed_page(session: Session, page: PageRequest) -> tuple[list, str | None]:
    """Feed entries in seq order, with the bitmask of their run's result (for the reasons), and the
    cursor to resume from (kit.feeds)."""
    q = (select(feed, results.c.met)
         .select_from(feed.outerjoin(results, and_(results.c.run_no == feed.c.run_no, results.c.uscc == feed.c.uscc))))
    rows, nxt = feeds.feed_page(session, q, table=feed, page=page)
    return [r._mapping for r in rows], nxt


def latest_feed_entry(session: Session, uscc: str, year: int | None) -> dict | None:
    q = select(feed).where(feed.c.uscc == uscc)
    if year is not None:
        q = q.where(feed.c.year == year)
    return session.execute(q.order_by(feed.c.seq.desc()).limit(1)).mappings().first()


def insert_feed_entry(session: Session, **values) -> dict:
    feeds.take_turn(session, feed)
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
def store_reasons(session: Session, run_no: int, reasons_by_met: dict[int, list[str]]) -> None:
    session.execute(delete(run_reasons).where(run_reasons.c.run_no == run_no))
    if reasons_by_met:
        session.execute(insert(run_reasons), [{"run_no": run_no, "met": m, "reasons": json.dumps(v)}
                                              for m, v in reasons_by_met.items()])


def emit_result_events(session: Session, outbox: Outbox, *, run_no: int, run_id: str, ruleset: str,
                       after: str | None, through: str, traceparent: str | None) -> int:
    """One TypingResultPublished per feed entry the run's publication wrote for (after, through],
    in feed order, by one INSERT … SELECT (kit's Outbox.emit_select): a million events, no row
    through Python. Reasons come from the run's few hundred distinct bitmasks (typing_run_reasons)."""
    f, r, rr = feed, results, run_reasons
    data = func.json_build_object(
        "uscc", f.c.uscc, "year", f.c.year, "type", case(TYPE_OF_RANK, value=f.c.type_code),
        "reasons", cast(rr.c.reasons, JSON), "region_code", f.c.region_code, "industry_code", f.c.industry_code,
        "ruleset", cast(literal(ruleset), String), "run_id", cast(literal(run_id), String), "version", f.c.version,
        "published_at", literal_column(sql_instant(f"{f.name}.published_at")), "correction", null())
    q = (select(f.c.uscc.label("key"), f.c.uscc.label("subject"), data.label("data"))
         .select_from(f.join(r, and_(r.c.run_no == f.c.run_no, r.c.uscc == f.c.uscc))
                      .join(rr, and_(rr.c.run_no == r.c.run_no, rr.c.met == r.c.met)))
         .where(f.c.run_no == run_no, f.c.appeal_id.is_(None), *_within(f.c.uscc, after, through))
         .order_by(f.c.seq))
    return outbox.emit_select(session, TypingResultPublished, q, traceparent=traceparent)


def distinct_met(session: Session, run_no: int) -> list[int]:
    return list(session.execute(select(results.c.met).where(results.c.run_no == run_no).distinct()).scalars())
