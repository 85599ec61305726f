"""The worker side of a run: a failing run is marked failed with a message a clerk can act on and
leaves no partial results; a run whose worker died (stale heartbeat) is taken up again and completes."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, func, select

from getihu_kit.db import make_sessionmaker, unit_of_work
from typing_factories import R, YEAR, apply, business, new_uscc
from typing_svc import repository as repo, runner
from typing_svc.models import TypingResult, TypingRun

runs, results = TypingRun.__table__, TypingResult.__table__


def _queue(engine, **over) -> str:
    run_id = f"ty_{uuid.uuid4().hex}"
    values = dict(id=run_id, year=YEAR, reference_date=R, region_codes=["232764"], ruleset="national-2024",
                  status="queued", progress=0.0, trigger="staff") | over
    with engine.begin() as c:
        c.execute(runs.insert().values(**values))
    return run_id


def _run(engine, run_id) -> dict:
    with engine.connect() as c:
        return c.execute(select(runs).where(runs.c.id == run_id)).mappings().one()


def test_failed_run_is_reported_and_leaves_nothing(engine):
    sessions = make_sessionmaker(engine)
    with unit_of_work(sessions) as s:
        apply(s, [business(new_uscc("232764"), region="232764")])
    run_id = _queue(engine, ruleset="no-such-ruleset")
    assert runner.run_next(engine, sessions, chunk_size=10)
    run = _run(engine, run_id)
    assert run["status"] == "failed" and "重新发起" in run["message"]
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(results).where(results.c.run_no == run["run_no"])
                         ).scalar_one() == 0


def test_a_stale_running_run_is_taken_up_again(engine):
    sessions = make_sessionmaker(engine)
    usccs = [new_uscc("232764") for _ in range(25)]
    with unit_of_work(sessions) as s:
        apply(s, [business(u, region="232764", employees=i % 5) for i, u in enumerate(usccs)])
    stale = repo.now() - runner.LEASE - dt.timedelta(seconds=5)
    run_id = _queue(engine, status="running", heartbeat_at=stale, started_at=stale)
    # A chunk the dead worker had written is cleared before the run starts over.
    with engine.begin() as c:
        run_no = c.execute(select(runs.c.run_no).where(runs.c.id == run_id)).scalar_one()
        c.execute(results.insert().values(run_no=run_no, uscc=usccs[0], region_code="232764", type_code=1, met=0,
                                          established_on=dt.date(2020, 1, 1)))
    while _run(engine, run_id)["status"] != "completed":
        assert runner.run_next(engine, sessions, chunk_size=10)  # small chunks: several statements
    run = _run(engine, run_id)
    assert run["progress"] == 1.0 and sum(run["counts"].values()) >= 25
    with engine.connect() as c:
        got = c.execute(select(func.count()).select_from(results).where(results.c.run_no == run_no)).scalar_one()
    assert got == sum(run["counts"].values())
    with engine.begin() as c:  # this module's businesses must not leak into other tests' evaluations
        for t in ("business_projection", "annual_report_projection"):
            table = TypingRun.metadata.tables[t]
            c.execute(delete(table).where(table.c.uscc.in_(usccs)))
