"""The worker side of a typing run: claim a queued run, evaluate it chunk by chunk, record counts.

Each chunk is one INSERT … SELECT in its own transaction, so progress is visible while the run
goes; a run whose worker died is taken up again after its lease and starts over from a clean slate.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from getihu_kit.schemas.typing import TypeCounts, TypingRunCompleted
from typing_svc import repository as repo
from typing_svc.rules import ruleset_by_version
from typing_svc.service import counts_of, outbox

log = logging.getLogger(__name__)
LEASE = dt.timedelta(seconds=120)


def execute_run(engine: Engine, sessions: sessionmaker, run: dict, *, chunk_size: int,
                parallelism: int = 1) -> dict[str, int]:
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
            repo.evaluate_chunk(conn, ruleset, params, run_no=run_no, lo=lo_hi[0], hi=lo_hi[1], region_codes=regions)
        with lock:
            done += 1
            fraction = done / (len(ranges) + 1)
        with engine.begin() as conn:
            repo.update_run(conn, run_no, progress=fraction, heartbeat_at=repo.now())

    # SQLite has one writer at a time: chunks run one after another there.
    workers = 1 if engine.dialect.name == "sqlite" else max(1, parallelism)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="typing-chunk") as pool:
        list(pool.map(evaluate, ranges))
    with sessions.begin() as session:  # counts, status and the completed event in one transaction
        repo.record_batches(session, run_no, (params.prior_year, params.year))
        counts = counts_of(repo.count_types(session, run_no))
        repo.update_run(session, run_no, status="completed", progress=1.0, counts=counts, finished_at=repo.now(),
                        heartbeat_at=repo.now())
        outbox.emit(session, TypingRunCompleted(run_id=run["id"], year=run["year"],
                                                reference_date=run["reference_date"], ruleset=run["ruleset"],
                                                counts=TypeCounts(**counts)), key=f"typing:{run['year']}")
    return counts


def run_next(engine: Engine, sessions: sessionmaker, *, chunk_size: int, parallelism: int = 1) -> bool:
    """Claim and execute one queued run; False when there is none."""
    with engine.begin() as conn:
        run = repo.claim_run(conn, LEASE)
    if run is None:
        return False
    started = time.perf_counter()
    try:
        counts = execute_run(engine, sessions, run, chunk_size=chunk_size, parallelism=parallelism)
        log.info("typing run %s completed in %.2fs: %s", run["id"], time.perf_counter() - started, counts)
    except Exception:  # noqa: BLE001 - the run fails with a message; the loop goes on
        log.exception("typing run %s failed", run["id"])
        with engine.begin() as conn:
            repo.clear_results(conn, run["run_no"])
            repo.update_run(conn, run["run_no"], status="failed", finished_at=repo.now(),
                            message="分型运行出错，请稍后重新发起；如持续出现，请联系运维人员")
    return True


def run_loop(chunk_size: int = 100_000, parallelism: int = 2, idle_wait_s: float = 0.1):
    """A worker loop (WorkerSpec.loops) that executes queued typing runs one at a time."""
    def typing_runs(engine: Engine, sessions: sessionmaker, stop: threading.Event) -> None:
        while not stop.is_set():
            if not run_next(engine, sessions, chunk_size=chunk_size, parallelism=parallelism):
                stop.wait(idle_wait_s)
    return typing_runs
