"""Who holds a job: a PostgreSQL advisory lock that dies with its holder, on the real server.

A job whose worker died is taken up at the next claim (no lease to wait out); a live holder keeps
its job; a holder that is alive but stuck past the lease loses its session and the job.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time

import pytest
from sqlalchemy import func, select, text, update

from getihu_kit import testing
from getihu_kit.db import make_engine, make_metadata
from getihu_kit.jobs import HOLD_CLASS, LEASE, JobStore, jobs_tables

md = make_metadata()
JOBS, CHUNKS = jobs_tables(md)


@pytest.fixture(scope="module")
def url():
    url = testing.fresh_database("kit_job_holds_test", None)
    engine = make_engine(url)
    md.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(url):
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(JOBS.delete())
    yield engine
    engine.dispose()


def _queue(engine, store: JobStore) -> str:
    from sqlalchemy.orm import Session
    with Session(engine) as s, s.begin():
        return store.create(s, kind="k", params={}, content_type=None, body=[b"x"], created_by=None)


def _status(engine, job_id: str) -> str:
    with engine.connect() as c:
        return c.execute(select(JOBS.c.status).where(JOBS.c.id == job_id)).scalar_one()


def _holds_on_server(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = :cls"
                              " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                         {"cls": HOLD_CLASS}).scalar_one()


def test_a_held_job_is_not_claimed_again_and_a_released_one_is_gone_for_good(engine):
    store, other = JobStore(JOBS, CHUNKS, "kt_"), JobStore(JOBS, CHUNKS, "kt_")  # two workers
    job_id = _queue(engine, store)
    assert store.claim(engine)["id"] == job_id and _status(engine, job_id) == "running"
    assert _holds_on_server(engine) == 1
    assert other.claim(engine) is None  # held by a live worker, lease fresh
    store.finish(engine, job_id, status="completed", processed=1, accepted=1, rejected=0, errors=[])
    assert other.claim(engine) is None  # finished: nothing to take
    assert _holds_on_server(engine) == 0 and store._holds == {}  # the finished job's lock is given back


def test_a_dead_holders_job_is_taken_at_the_next_claim(engine):
    store, other = JobStore(JOBS, CHUNKS, "kt_"), JobStore(JOBS, CHUNKS, "kt_")
    job_id = _queue(engine, store)
    assert store.claim(engine)["id"] == job_id
    store.abandon(job_id)  # the holder's connection closes as it does when its process dies
    started = time.monotonic()
    got = testing.wait_until(lambda: other.claim(engine), timeout=5, message="the job taken over")
    assert got["id"] == job_id and time.monotonic() - started < 5
    other.release(job_id)


def test_a_stuck_holder_past_its_lease_loses_the_job(engine):
    store, other = JobStore(JOBS, CHUNKS, "kt_"), JobStore(JOBS, CHUNKS, "kt_")
    job_id = _queue(engine, store)
    assert store.claim(engine)["id"] == job_id
    assert other.claim(engine) is None
    with engine.begin() as c:  # alive, still holding its lock, but no progress for longer than the lease
        c.execute(update(JOBS).where(JOBS.c.id == job_id).values(
            heartbeat_at=func.now() - LEASE - dt.timedelta(seconds=1)))
    assert other.claim(engine)["id"] == job_id
    store.release(job_id)  # the stuck holder comes back: its session was ended, it holds nothing
    assert store._holds == {} and JobStore(JOBS, CHUNKS, "kt_").claim(engine) is None  # `other` holds it
    other.release(job_id)


def _hold_and_sleep(url: str, ready) -> None:
    engine = make_engine(url)
    job = JobStore(JOBS, CHUNKS, "kt_").claim(engine)
    ready.put(job["id"] if job else None)
    time.sleep(600)


def test_a_worker_killed_with_sigkill_leaves_its_job_to_the_next_claim_at_once(engine, url):
    store = JobStore(JOBS, CHUNKS, "kt_")
    job_id = _queue(engine, store)
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Queue()
    worker = ctx.Process(target=_hold_and_sleep, args=(url, ready), daemon=True)
    worker.start()
    try:
        assert ready.get(timeout=60) == job_id
        assert store.claim(engine) is None  # the worker is alive and holds it
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
        killed = time.monotonic()
        got = testing.wait_until(lambda: store.claim(engine), timeout=5, message="the dead worker's job taken")
        assert got["id"] == job_id and _status(engine, job_id) == "running"
        assert time.monotonic() - killed < 5
    finally:
        if worker.is_alive():
            worker.kill()
        store.release(job_id)


def test_the_job_loop_outlives_a_failed_claim_and_runs_the_job_after_it(engine, monkeypatch):
    """A claim that fails (the server refusing connections a moment) must not end the loop: a worker
    whose job loop died would leave every later upload queued for good."""
    import threading

    from getihu_kit.jobs import job_loop

    store = JobStore(JOBS, CHUNKS, "kt_")
    job_id = _queue(engine, store)
    real_claim, calls = store.claim, []

    def flaky_claim(e):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("connection refused (simulated)")
        return real_claim(e)
    monkeypatch.setattr(store, "claim", flaky_claim)
    ran = threading.Event()

    def processor(engine_, sessions, job, chunks, progress):
        assert b"".join(chunks) == b"x"
        ran.set()
    stop = threading.Event()
    t = threading.Thread(target=job_loop(store, {"k": processor}, idle_wait_s=0.05), args=(engine, None, stop))
    t.start()
    try:
        assert ran.wait(10), "the job did not run after the failed claim"
        testing.wait_until(lambda: _status(engine, job_id) == "completed", timeout=10, message="job completed")
        assert t.is_alive() and len(calls) >= 2
    finally:
        stop.set()
        t.join(10)
