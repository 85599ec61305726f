"""Long work as a job with progress (imports, uploads): one table shape, one store, one loop.

The API streams an upload into `job_chunks` (in the service's own database, so the worker may run
on any host) and queues the job; the worker's job loop claims it, runs the service's processor and
reports progress. Processors are idempotent (a re-import of the same rows changes nothing), so a
restart is safe.

Who holds a job: the claiming worker takes a PostgreSQL session-level advisory lock on the job and keeps
it on a connection of its own until the job is finished. The lock dies with its holder's connection
(kill -9, a lost host: the server drops the session), so another worker takes the job up at its next
claim, on any host, without waiting. The lease (heartbeat_at, written with each progress report)
only guards against a holder that is alive but stuck: once it runs out, the next claimer ends the
holder's database session and takes the job over.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import (JSON, Column, DateTime, Float, Integer, LargeBinary, MetaData, String, Table, Text,
                        func, insert, select, text, update)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit.errors import NotFound

log = logging.getLogger(__name__)

CHUNK = 1 << 20
LEASE = dt.timedelta(seconds=60)
MAX_REPORTED_ERRORS = 10000
# The advisory-lock class of "job held by a live worker" (the first key of the two-key form; the
# second is hashtext(job id), so two job ids of the same hash only wait for each other).
HOLD_CLASS = 0x4A0B
_TRY_HOLD = text("SELECT pg_try_advisory_lock(:cls, hashtext(:id))")
_UNHOLD = text("SELECT pg_advisory_unlock(:cls, hashtext(:id))")
_END_HOLDER = text("""
    SELECT pg_terminate_backend(l.pid) FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.classid = :cls AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.objid::bigint = (hashtext(:id)::bigint & 4294967295) AND l.granted""")


def jobs_tables(metadata: MetaData) -> tuple[Table, Table]:
    jobs = Table(
        "jobs", metadata,
        Column("id", String(64), primary_key=True),
        Column("kind", String(50), nullable=False),
        Column("params", JSON, nullable=False, default=dict),
        Column("content_type", String(200), nullable=True),
        Column("status", String(20), nullable=False, default="queued"),  # queued|running|completed|failed
        Column("progress", Float, nullable=False, default=0.0),
        Column("processed", Integer, nullable=False, default=0),
        Column("accepted", Integer, nullable=False, default=0),
        Column("rejected", Integer, nullable=False, default=0),
        Column("errors", JSON, nullable=False, default=list),
        Column("message", Text, nullable=True),
        Column("size_bytes", Integer, nullable=False, default=0),
        Column("created_by", String(200), nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("started_at", DateTime(timezone=True), nullable=True),
        Column("heartbeat_at", DateTime(timezone=True), nullable=True),
        Column("finished_at", DateTime(timezone=True), nullable=True),
    )
    chunks = Table(
        "job_chunks", metadata,
        Column("job_id", String(64), primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("data", LargeBinary, nullable=False),
    )
    return jobs, chunks


# A job's life on the store (claim, lease, finish).
JobStatus = Literal["queued", "running", "completed", "failed"]


class JobRead(BaseModel):
    id: str
    kind: str
    status: JobStatus
    progress: float
    processed: int
    accepted: int
    rejected: int
    errors: list[dict[str, Any]]
    message: str | None = None
    created_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class JobStore:
    def __init__(self, jobs: Table, chunks: Table, id_prefix: str):
        self.jobs, self.chunks, self.id_prefix = jobs, chunks, id_prefix
        self._holds: dict[str, Connection] = {}  # job id -> the connection holding its advisory lock
        self._holds_lock = threading.Lock()

    def owns(self, job_id: str) -> bool:
        return job_id.startswith(self.id_prefix)

    # API side ------------------------------------------------------------------------------------
    def create(self, session: Session, *, kind: str, params: dict, content_type: str | None,
               body: Iterable[bytes], created_by: str | None) -> str:
        """Store the upload in 1 MiB chunks and queue the job, all in the caller's transaction."""
        job_id = f"{self.id_prefix}{uuid.uuid4().hex}"
        seq, size, buf = 0, 0, bytearray()
        for piece in body:
            buf += piece
            while len(buf) >= CHUNK:
                session.execute(insert(self.chunks).values(job_id=job_id, seq=seq, data=bytes(buf[:CHUNK])))
                del buf[:CHUNK]
                seq += 1
                size += CHUNK
        if buf:
            session.execute(insert(self.chunks).values(job_id=job_id, seq=seq, data=bytes(buf)))
            size += len(buf)
        session.execute(insert(self.jobs).values(
            id=job_id, kind=kind, params=params, content_type=content_type, status="queued", progress=0.0,
            processed=0, accepted=0, rejected=0, errors=[], size_bytes=size, created_by=created_by))
        return job_id

    def get(self, session: Session, job_id: str) -> JobRead:
        row = session.execute(select(self.jobs).where(self.jobs.c.id == job_id)).mappings().first()
        if row is None:
            raise NotFound(f"任务“{job_id}”不存在", code="job_not_found")
        return JobRead.model_validate(dict(row))

    # worker side ---------------------------------------------------------------------------------
    def claim(self, engine: Engine) -> dict | None:
        """The next job for this worker: a queued one, or a running one whose holder is gone (its lock
        is free) or stuck (its lease ran out: its session is ended first). The job stays held by this
        process until `release` (finish does it)."""
        j = self.jobs
        hold = engine.connect()
        try:
            with engine.begin() as conn:
                rows = conn.execute(
                    select(j.c.id, j.c.status, j.c.heartbeat_at).where(j.c.status.in_(("queued", "running")))
                    .order_by(j.c.created_at).limit(50).with_for_update(skip_locked=True)).all()
                stale = _now() - LEASE
                for job_id, status, heartbeat_at in rows:
                    if not self._try_hold(hold, job_id):
                        if status == "running" and heartbeat_at is not None and heartbeat_at < stale:
                            if not self._take_over(engine, hold, job_id):
                                continue
                        else:
                            continue  # held by a live worker
                    conn.execute(update(j).where(j.c.id == job_id).values(
                        status="running", started_at=_now(), heartbeat_at=_now(), progress=0.0, processed=0,
                        accepted=0, rejected=0, errors=[]))
                    row = conn.execute(select(j).where(j.c.id == job_id)).mappings().one()
                    with self._holds_lock:
                        stale_hold = self._holds.pop(job_id, None)  # this process's own stuck holder
                        self._holds[job_id] = hold
                    if stale_hold is not None:
                        stale_hold.invalidate()
                    hold = None
                    return dict(row)
                return None
        except BaseException:
            if hold is not None:
                hold.invalidate()  # it may hold a lock taken before the failure: never back to the pool
                hold = None
            raise
        finally:
            if hold is not None:
                hold.close()  # took no lock

    @staticmethod
    def _try_hold(hold: Connection, job_id: str) -> bool:
        got = hold.execute(_TRY_HOLD, {"cls": HOLD_CLASS, "id": job_id}).scalar()
        hold.commit()  # the lock is the session's; the connection must not sit idle in a transaction
        return bool(got)

    def _take_over(self, engine: Engine, hold: Connection, job_id: str, wait_s: float = 5.0) -> bool:
        """End the session of a stuck holder, then take its lock (the server frees it a moment later)."""
        with engine.begin() as conn:
            ended = conn.execute(_END_HOLDER, {"cls": HOLD_CLASS, "id": job_id}).scalars().all()
        log.warning("job %s: lease ran out while held; ended the holder's session (%d)", job_id, len(ended))
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self._try_hold(hold, job_id):
                return True
            time.sleep(0.05)
        return False

    def release(self, job_id: str) -> None:
        """Give the job's hold back (after finishing it, or when the loop stops)."""
        with self._holds_lock:
            hold = self._holds.pop(job_id, None)
        if hold is None:
            return
        try:
            hold.execute(_UNHOLD, {"cls": HOLD_CLASS, "id": job_id})
            hold.commit()
            hold.close()
        except Exception:  # noqa: BLE001 - the session is gone (ended or broken): so is its lock
            hold.invalidate()

    def abandon(self, job_id: str) -> None:
        """Drop the hold as a dying worker would (its connection closes, the server frees the lock);
        for tests and for a loop that must not finish the job."""
        with self._holds_lock:
            hold = self._holds.pop(job_id, None)
        if hold is not None:
            hold.invalidate()

    def read_chunks(self, engine: Engine, job_id: str) -> Iterator[bytes]:
        seq = 0
        while True:  # one chunk per query keeps memory bounded for any file size
            with engine.connect() as conn:
                data = conn.execute(select(self.chunks.c.data).where(
                    self.chunks.c.job_id == job_id, self.chunks.c.seq == seq)).scalar()
            if data is None:
                return
            yield bytes(data)
            seq += 1

    def report(self, engine: Engine, job_id: str, *, progress: float, processed: int, accepted: int,
               rejected: int, errors: list[dict] | None = None) -> None:
        values = dict(progress=min(progress, 0.999), processed=processed, accepted=accepted, rejected=rejected,
                      heartbeat_at=_now())
        if errors is not None:
            values["errors"] = errors[:MAX_REPORTED_ERRORS]
        with engine.begin() as conn:
            conn.execute(update(self.jobs).where(self.jobs.c.id == job_id).values(**values))

    def finish(self, engine: Engine, job_id: str, *, status: str, processed: int, accepted: int, rejected: int,
               errors: list[dict], message: str | None = None) -> None:
        with engine.begin() as conn:
            extra = {"progress": 1.0} if status == "completed" else {}
            conn.execute(update(self.jobs).where(self.jobs.c.id == job_id).values(
                status=status, **extra, processed=processed,
                accepted=accepted, rejected=rejected, errors=errors[:MAX_REPORTED_ERRORS], message=message,
                finished_at=_now(), heartbeat_at=_now()))
            if status == "completed":
                conn.execute(self.chunks.delete().where(self.chunks.c.job_id == job_id))
        self.release(job_id)


class Progress:
    """What a processor reports while it runs; throttled writes of the job row."""

    def __init__(self, store: JobStore, engine: Engine, job: dict, total_bytes: int):
        self.store, self.engine, self.job = store, engine, job
        self.total = max(total_bytes, 1)
        self.processed = self.accepted = self.rejected = 0
        self.errors: list[dict] = []
        self.bytes_done = 0
        self._last = 0

    def error(self, row: int, field: str | None, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": field, "message": message})

    def tick(self, *, force: bool = False, fraction: float | None = None) -> None:
        if force or self.processed - self._last >= 5000:
            self._last = self.processed
            frac = fraction if fraction is not None else self.bytes_done / self.total
            self.store.report(self.engine, self.job["id"], progress=frac, processed=self.processed,
                              accepted=self.accepted, rejected=self.rejected)


Processor = Callable[[Engine, sessionmaker, dict, Iterator[bytes], Progress], None]


def job_loop(store: JobStore, processors: dict[str, Processor], idle_wait_s: float = 0.5):
    """A worker loop (WorkerSpec.loops) that runs queued jobs one at a time."""
    def run_jobs(engine: Engine, sessions: sessionmaker, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                job = store.claim(engine)
            except Exception:  # noqa: BLE001 - the database away a moment: the queue waits, the worker lives
                log.exception("claiming the next job failed; trying again")
                stop.wait(max(idle_wait_s, 1.0))
                continue
            if job is None:
                stop.wait(idle_wait_s)
                continue
            progress = Progress(store, engine, job, job["size_bytes"])

            def counted(chunks):
                for c in chunks:
                    progress.bytes_done += len(c)
                    yield c
            try:  # the hold is given back however the job ends (finish does it too)
                processors[job["kind"]](engine, sessions, job, counted(store.read_chunks(engine, job["id"])), progress)
                store.finish(engine, job["id"], status="completed", processed=progress.processed,
                             accepted=progress.accepted, rejected=progress.rejected, errors=progress.errors)
            except Exception as exc:  # noqa: BLE001 - the job fails with a message; the loop goes on
                from getihu_kit.errors import DomainError
                msg = exc.detail if isinstance(exc, DomainError) else "处理文件时出错，请检查文件后重新上传"
                if isinstance(exc, DomainError):
                    progress.errors.extend(exc.errors or [{"row": None, "field": None, "message": exc.detail}])
                else:
                    log.exception("job %s failed", job["id"])
                store.finish(engine, job["id"], status="failed", processed=progress.processed,
                             accepted=progress.accepted, rejected=progress.rejected, errors=progress.errors,
                             message=msg)
            finally:
                store.release(job["id"])
    return run_jobs
