"""Long work as a job with progress (imports, uploads): one table shape, one store, one loop.

The API streams an upload into `job_chunks` (in the service's own database, so the worker may run
on any host) and queues the job; the worker's job loop claims it, runs the service's processor and
reports progress. A job whose worker died is taken up again after its lease runs out; processors
are idempotent (a re-import of the same rows changes nothing), so a restart is safe.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import (JSON, Column, DateTime, Float, Integer, LargeBinary, MetaData, String, Table, Text,
                        func, insert, or_, select, update)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit.errors import NotFound

log = logging.getLogger(__name__)

CHUNK = 1 << 20
LEASE = dt.timedelta(seconds=60)
MAX_REPORTED_ERRORS = 10000


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
        j = self.jobs
        with engine.begin() as conn:
            stale = _now() - LEASE
            q = (select(j).where(or_(j.c.status == "queued",
                                     (j.c.status == "running") & (j.c.heartbeat_at < stale)))
                 .order_by(j.c.created_at).limit(1))
            q = q.with_for_update(skip_locked=True)
            row = conn.execute(q).mappings().first()
            if row is None:
                return None
            conn.execute(update(j).where(j.c.id == row["id"]).values(
                status="running", started_at=_now(), heartbeat_at=_now(), progress=0.0, processed=0,
                accepted=0, rejected=0, errors=[]))
            return dict(row)

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
            job = store.claim(engine)
            if job is None:
                stop.wait(idle_wait_s)
                continue
            progress = Progress(store, engine, job, job["size_bytes"])

            def counted(chunks):
                for c in chunks:
                    progress.bytes_done += len(c)
                    yield c
            try:
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
    return run_jobs
