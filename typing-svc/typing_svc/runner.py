"""The worker side of typing's long work, as kit jobs (getihu_kit.jobs): the job loop claims a job,
leases it while its progress is reported, and hands it to one of these processors.

- typing_run: first wait until typing's projections hold what registry and data-sharing had accepted
  (status waiting_for_data, kit.barrier; the run records what it waited for), then evaluate it chunk by chunk, each chunk one INSERT … SELECT in its own transaction,
  so progress shows while it goes; a run whose worker died is taken up again when the job's lease
  runs out and starts over from a clean slate.
- typing_publish: publish a completed run chunk by chunk (service.publish_next_chunk); a
  publication whose worker died goes on from the run's marker, so no result event is written twice.

A processor that finds its run already past the work (the job taken up again after its run was done)
does nothing: the completed or published events are never written twice.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from getihu_kit import clock
from getihu_kit.barrier import Barrier, DataNotReady
from getihu_kit.db import unit_of_work
from getihu_kit.errors import DomainError
from getihu_kit.jobs import Processor, Progress
from getihu_kit.schemas.typing import TypeCounts, TypingRunCompleted
from typing_svc import repository as repo, service
from typing_svc.rules import ruleset_by_version

log = logging.getLogger(__name__)
RUN_FAILED = "分型运行出错，请稍后重新发起；如持续出现，请联系运维人员"


class RunFailed(DomainError):
    """The job's failure as a clerk reads it (kit's job loop records the detail as the job's message)."""
    status, code, title = 500, "typing_job_failed", "分型任务出错"  # the platform's failure, not the request's


def execute_run(engine: Engine, sessions: sessionmaker, run: dict, progress: Progress, *, chunk_size: int,
                parallelism: int = 1) -> dict[str, int] | None:
    """Evaluate a running run from a clean slate; complete it with its counts and event (None when
    another worker of the same job completed it meanwhile)."""
    ruleset = ruleset_by_version(run["ruleset"])
    params = ruleset.params(year=run["year"], reference_date=run["reference_date"])
    run_no, regions = run["run_no"], run["region_codes"]
    with engine.begin() as conn:
        repo.clear_results(conn, run_no)
        bounds = repo.chunk_bounds(conn, chunk_size, regions)
    edges = [None, *bounds, None]
    ranges = list(zip(edges[:-1], edges[1:]))
    done = 0
    lock = threading.Lock()

    def evaluate(lo_hi: tuple[str | None, str | None]) -> None:
        nonlocal done
        with engine.begin() as conn:
            n = repo.evaluate_chunk(conn, ruleset, params, run_no=run_no, lo=lo_hi[0], hi=lo_hi[1],
                                    region_codes=regions)
        with lock:
            done += 1
            fraction = done / (len(ranges) + 1)
            progress.processed += n
            progress.accepted += n
            progress.tick(force=True, fraction=fraction)  # the job's progress and its lease
            with engine.begin() as conn:
                repo.update_run(conn, run_no, progress=fraction)

    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="typing-chunk") as pool:
        list(pool.map(evaluate, ranges))
    with unit_of_work(sessions) as session:  # counts, status and the completed event in one transaction
        if repo.get_run(session, run["id"], for_update=True)["status"] != "running":
            return None
        repo.record_batches(session, run_no, (params.prior_year, params.year))
        counts = service.counts_of(repo.count_types(session, run_no))
        repo.update_run(session, run_no, status="completed", progress=1.0, counts=counts, finished_at=clock.now())
        service.outbox.emit(session, TypingRunCompleted(run_id=run["id"], year=run["year"],
                                                        reference_date=run["reference_date"], ruleset=run["ruleset"],
                                                        counts=TypeCounts(**counts)), key=f"typing:{run['year']}")
    return counts


def wait_for_data(engine: Engine, run: dict, barrier: Barrier, progress: Progress) -> None:
    """The run waits (waiting_for_data) until the projections caught up, then records what it waited for."""
    last = [0.0]

    def still_waiting(_what: str) -> None:  # keeps the job's lease while it waits, one write per 5 s
        if time.monotonic() - last[0] >= 5.0:
            last[0] = time.monotonic()
            progress.tick(force=True, fraction=0.0)
    try:
        record = barrier.wait(on_wait=still_waiting)
    except DataNotReady as exc:
        with engine.begin() as conn:
            repo.update_run(conn, run["run_no"], status="failed", finished_at=clock.now(), message=exc.detail)
        raise RunFailed(exc.detail) from None
    with engine.begin() as conn:
        repo.update_run(conn, run["run_no"], status="running", data_barrier=record)
    log.info("typing run %s: data barrier passed in %.2fs", run["id"], record["waited_s"])


def evaluate_run(engine: Engine, sessions: sessionmaker, job: dict, chunks: Iterator[bytes], progress: Progress, *,
                 chunk_size: int, parallelism: int, barrier: Barrier | None = None) -> None:
    """Processor of a typing_run job."""
    run_id = job["params"]["run_id"]
    with unit_of_work(sessions) as session:
        run = repo.get_run(session, run_id, for_update=True)
        if run is None or run["status"] not in ("queued", "waiting_for_data", "running"):
            return
        repo.update_run(session, run["run_no"], status="waiting_for_data" if barrier else "running",
                        started_at=clock.now(), progress=0.0, message=None)
    if barrier is not None:
        wait_for_data(engine, dict(run), barrier, progress)
    started = time.perf_counter()
    try:
        counts = execute_run(engine, sessions, dict(run), progress, chunk_size=chunk_size, parallelism=parallelism)
    except Exception:
        log.exception("typing run %s failed", run_id)
        with engine.begin() as conn:
            repo.clear_results(conn, run["run_no"])
            repo.update_run(conn, run["run_no"], status="failed", finished_at=clock.now(), message=RUN_FAILED)
        raise RunFailed(RUN_FAILED) from None
    log.info("typing run %s completed in %.2fs: %s", run_id, time.perf_counter() - started, counts)


def publish(engine: Engine, sessions: sessionmaker, job: dict, chunks: Iterator[bytes], progress: Progress, *,
            chunk_size: int) -> None:
    """Processor of a typing_publish job: chunk after chunk until the run is published."""
    run_id, traceparent = job["params"]["run_id"], job["params"].get("traceparent")
    try:
        with unit_of_work(sessions) as session:
            sizes = service.prepare_publication(session, run_id=run_id)
        if sizes is None:
            return
        total, done = sizes
        while True:
            with unit_of_work(sessions) as session:
                n = service.publish_next_chunk(session, run_id=run_id, size=chunk_size, done=done, total=total,
                                               traceparent=traceparent)
            if not n:  # published (0), or no longer publishing (None)
                return
            done += n
            progress.processed = progress.accepted = done
            progress.tick(force=True, fraction=done / max(total, 1))
    except Exception:
        log.exception("publication of typing run %s stopped", run_id)
        with unit_of_work(sessions) as session:
            service.publication_stopped(session, run_id=run_id)
        raise RunFailed("发布未完成：已发布的结果保持有效，请再次发布以继续") from None


def processors(*, chunk_size: int = 100_000, parallelism: int = 2, publish_chunk_size: int = 50_000,
               barrier: Barrier | None = None) -> dict[str, Processor]:
    """The job loop's processors (WorkerSpec.loops: job_loop(service.job_store, processors(...))).
    Without a barrier a run reads the projections as they are (unit tests that fill them directly)."""
    return {service.RUN_JOB: partial(evaluate_run, chunk_size=chunk_size, parallelism=parallelism, barrier=barrier),
            service.PUBLISH_JOB: partial(publish, chunk_size=publish_chunk_size)}
