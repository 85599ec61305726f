"""The worker side of typing's long work, as kit jobs: a failing run is marked failed with a message
a clerk can act on and leaves no partial results; a run whose worker died is taken up again when its
job's lease runs out and completes; a publication goes chunk by chunk and, when its worker dies
halfway, the job taken up again finishes it without writing any result event twice."""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter

import pytest
from sqlalchemy import delete, func, select, update

from getihu_kit import jobs as kit_jobs, testing
from getihu_kit.auth import Principal
from getihu_kit.db import make_sessionmaker, unit_of_work
from getihu_kit.errors import Conflict
from getihu_kit.jobs import Progress, job_loop
from getihu_kit.schemas.typing import TypingPublished, TypingResultPublished
from typing_factories import R, YEAR, apply, business, new_uscc
from typing_svc import runner, service
from typing_svc.models import FeedEntry, TypingResult, TypingRun, jobs, outbox

runs, results, feed = TypingRun.__table__, TypingResult.__table__, FeedEntry.__table__
STAFF = Principal(sub="clerk", roles=frozenset({"prefecture_staff"}))
WORK = runner.processors(chunk_size=10, parallelism=2, publish_chunk_size=10)


@pytest.fixture()
def sessions(engine):
    return make_sessionmaker(engine)


@pytest.fixture()
def county(engine, sessions):
    """25 businesses of one county that no other test types; removed afterwards, so they never leak
    into other tests' evaluations."""
    usccs = [new_uscc("232763") for _ in range(25)]
    with unit_of_work(sessions) as s:
        apply(s, [business(u, region="232763", employees=i % 5) for i, u in enumerate(usccs)])
    yield usccs
    with engine.begin() as c:
        for t in ("business_projection", "annual_report_projection"):
            table = TypingRun.metadata.tables[t]
            c.execute(delete(table).where(table.c.uscc.in_(usccs)))


def _start(sessions, **over) -> dict:
    with unit_of_work(sessions) as s:
        return service.create_run(s, year=YEAR, reference_date=R, region_codes=["232763"], trigger="staff",
                                  created_by="clerk", **over)


def _run(engine, run_id) -> dict:
    with engine.connect() as c:
        return c.execute(select(runs).where(runs.c.id == run_id)).mappings().one()


def _job(engine, job_id) -> dict:
    with engine.connect() as c:
        return c.execute(select(jobs).where(jobs.c.id == job_id)).mappings().one()


def work_off(engine, *job_ids, timeout: float = 30) -> None:
    """The worker's job loop, as the worker runs it, until these jobs are finished."""
    stop = threading.Event()
    t = threading.Thread(target=job_loop(service.job_store, WORK, idle_wait_s=0.05),
                         args=(engine, make_sessionmaker(engine), stop), daemon=True)
    t.start()
    try:
        testing.wait_until(lambda: all(_job(engine, j)["status"] in ("completed", "failed") for j in job_ids),
                           timeout=timeout, message=f"jobs {job_ids} finished")
    finally:
        stop.set()
        t.join(10)


def _claim(engine, job_id) -> dict:
    job = service.job_store.claim(engine)
    assert job is not None and job["id"] == job_id
    return job


def _lease_runs_out(engine, job_id) -> None:
    """The worker holding the job stopped heart-beating longer ago than the lease."""
    with engine.begin() as c:
        c.execute(update(jobs).where(jobs.c.id == job_id).values(
            heartbeat_at=func.now() - kit_jobs.LEASE - dt.timedelta(seconds=5)))


def test_failed_run_is_reported_and_leaves_nothing(engine, sessions, county):
    run = _start(sessions)
    with engine.begin() as c:
        c.execute(update(runs).where(runs.c.id == run["id"]).values(ruleset="no-such-ruleset"))
    work_off(engine, run["job_id"])
    failed = _run(engine, run["id"])
    assert failed["status"] == "failed" and "重新发起" in failed["message"]
    job = _job(engine, run["job_id"])
    assert job["status"] == "failed" and job["message"] == failed["message"]
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(results).where(results.c.run_no == failed["run_no"])
                         ).scalar_one() == 0


def test_a_run_whose_worker_died_is_taken_up_again_by_its_jobs_lease(engine, sessions, county):
    run = _start(sessions)
    assert run["status"] == "queued" and run["job_id"].startswith("ty_") and run["job_id"] != run["id"]
    # A worker claimed the job, started the run and wrote a chunk, then died.
    _claim(engine, run["job_id"])
    with engine.begin() as c:
        c.execute(update(runs).where(runs.c.id == run["id"]).values(status="running"))
        run_no = c.execute(select(runs.c.run_no).where(runs.c.id == run["id"])).scalar_one()
        c.execute(results.insert().values(run_no=run_no, uscc=county[0], region_code="232763", type_code=1, met=0,
                                          established_on=dt.date(2020, 1, 1)))
    assert service.job_store.claim(engine) is None  # its lease has not run out: nobody takes it yet
    _lease_runs_out(engine, run["job_id"])
    work_off(engine, run["job_id"])
    done = _run(engine, run["id"])
    assert done["status"] == "completed" and done["progress"] == 1.0 and sum(done["counts"].values()) == 25
    with engine.connect() as c:
        got = c.execute(select(func.count()).select_from(results).where(results.c.run_no == run_no)).scalar_one()
    assert got == 25
    job = _job(engine, run["job_id"])
    assert (job["status"], job["progress"], job["processed"], job["kind"]) == ("completed", 1.0, 25, "typing_run")


class WorkerDied(BaseException):
    """Raised where the worker's process would have been killed: no handler of the processor runs."""


class DiesAfter(Progress):
    """The job's progress, with the worker killed right after the first `chunks` chunks committed."""

    def __init__(self, job: dict, engine, chunks: int):
        super().__init__(service.job_store, engine, job, 0)
        self.left = chunks

    def tick(self, **kw) -> None:
        super().tick(**kw)
        self.left -= 1
        if self.left == 0:
            raise WorkerDied


def _events(engine, run_id: str) -> tuple[list[dict], list[dict]]:
    with engine.connect() as c:
        rows = [json.loads(p) for (p,) in c.execute(select(outbox.c.payload).where(outbox.c.payload.contains(run_id)))]
    results_ = [e for e in rows if e["type"] == TypingResultPublished.event_type and e["data"]["run_id"] == run_id]
    published = [e for e in rows if e["type"] == TypingPublished.event_type and e["data"]["run_id"] == run_id]
    return results_, published


def test_a_publication_killed_halfway_finishes_emitting_each_result_event_once(engine, sessions, county):
    run = _start(sessions)
    work_off(engine, run["job_id"])
    with unit_of_work(sessions) as s:
        publishing = service.publish_run(s, run_id=run["id"], principal=STAFF, traceparent=None)
    assert publishing["status"] == "publishing" and publishing["job_id"] != run["job_id"]
    job_id = publishing["job_id"]
    with pytest.raises(Conflict) as again, unit_of_work(sessions) as s:  # a second publish while it goes
        service.publish_run(s, run_id=run["id"], principal=STAFF, traceparent=None)
    assert again.value.code == "run_publishing"

    # The worker publishes two chunks of 10 and is killed.
    job = _claim(engine, job_id)
    with pytest.raises(WorkerDied):
        runner.publish(engine, sessions, job, iter(()), DiesAfter(job, engine, 2), chunk_size=10)
    halfway = _run(engine, run["id"])
    assert halfway["status"] == "publishing" and halfway["published_through"] is not None
    assert 0 < halfway["progress"] < 1 and _job(engine, job_id)["status"] == "running"
    assert len(_events(engine, run["id"])[0]) == 20 and _events(engine, run["id"])[1] == []
    assert service.job_store.claim(engine) is None  # its lease holds while the worker might be alive

    # The lease runs out; another worker takes the job up and finishes the publication.
    _lease_runs_out(engine, job_id)
    job = _claim(engine, job_id)
    progress = Progress(service.job_store, engine, job, 0)
    runner.publish(engine, sessions, job, iter(()), progress, chunk_size=10)
    service.job_store.finish(engine, job_id, status="completed", processed=progress.processed,
                             accepted=progress.accepted, rejected=0, errors=[])
    # And once more, as if that worker died between publishing and finishing its job: nothing again.
    _lease_runs_out(engine, job_id)
    with engine.begin() as c:
        c.execute(update(jobs).where(jobs.c.id == job_id).values(status="running"))
    job = _claim(engine, job_id)
    runner.publish(engine, sessions, job, iter(()), Progress(service.job_store, engine, job, 0), chunk_size=10)

    done = _run(engine, run["id"])
    assert done["status"] == "published" and done["progress"] == 1.0 and done["published_through"] == max(county)
    result_events, published = _events(engine, run["id"])
    assert Counter(e["subject"] for e in result_events) == Counter({u: 1 for u in county})
    assert {e["data"]["version"] for e in result_events} == {1}
    assert {e["data"]["published_at"] for e in result_events} == {published[0]["data"]["published_at"]}
    for e in result_events:
        TypingResultPublished.model_validate(e["data"])
    assert len(published) == 1 and sum(published[0]["data"]["counts"].values()) == 25
    with engine.connect() as c:
        rows = c.execute(select(feed.c.uscc, feed.c.version).where(feed.c.run_no == done["run_no"])).all()
    assert sorted(rows) == [(u, 1) for u in sorted(county)]
    with pytest.raises(Conflict) as twice, unit_of_work(sessions) as s:
        service.publish_run(s, run_id=run["id"], principal=STAFF, traceparent=None)
    assert twice.value.code == "run_already_published"


def test_a_publication_that_stopped_on_an_error_goes_on_when_published_again(engine, sessions, county):
    run = _start(sessions)
    work_off(engine, run["job_id"])
    with unit_of_work(sessions) as s:
        first = service.publish_run(s, run_id=run["id"], principal=STAFF, traceparent=None)["job_id"]
    job = _claim(engine, first)
    with pytest.raises(runner.RunFailed):  # e.g. the database refused a chunk: the job fails, the run says so
        runner.publish(engine, sessions, job, iter(()), DiesAfter(job, engine, 1), chunk_size="ten")
    service.job_store.finish(engine, first, status="failed", processed=0, accepted=0, rejected=0, errors=[],
                             message="发布未完成")
    stopped = _run(engine, run["id"])
    assert stopped["status"] == "publishing" and "再次发布" in stopped["message"]
    with unit_of_work(sessions) as s:
        resumed = service.publish_run(s, run_id=run["id"], principal=STAFF, traceparent=None)
    assert resumed["status"] == "publishing" and resumed["job_id"] != first and resumed["message"] is None
    work_off(engine, resumed["job_id"])
    assert _run(engine, run["id"])["status"] == "published"
    assert Counter(e["subject"] for e in _events(engine, run["id"])[0]) == Counter({u: 1 for u in county})
