"""Exports too long for one request (CONTRACT: Exports): the list written by a job, downloaded when ready.

A million-row XLSX takes minutes, longer than the gateway waits for an answer. The same list then
runs as a kit job (jobs.py): the API queues it with the filters it resolved (the caller's region
already applied, so the job can never widen them), the worker's job loop streams the rows through
kit.exports into `export_files` in 1 MiB chunks, reporting progress as it goes. The file lives in the
service's own database, so any API replica serves it and it survives a restart; a job taken up again
starts its file over. Files are kept FILE_TTL after they are finished, then removed.

A service describes each exportable list once (`ExportList`); the streamed answer of `format=csv|xlsx`
and the job read the same description.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Column, Integer, LargeBinary, MetaData, Select, String, Table, and_, delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import exports
from getihu_kit.auth import Principal
from getihu_kit.errors import Conflict, DomainError, Forbidden, NotFound
from getihu_kit.jobs import CHUNK, JobRead, JobStore, Progress

KIND = "export"
FILE_TTL = dt.timedelta(days=7)

ExportFormat = Literal["csv", "xlsx"]


class Gone(DomainError):
    status, code, title = 410, "export_expired", "文件已过期"


class ExportRequest(BaseModel):
    """The body every `POST <list>/exports` shares; a list adds its own filters."""
    format: ExportFormat = Field(default="xlsx", description="csv 或 xlsx（xlsx 每个工作表至多 1,048,576 行，超出自动分表）")


def export_files_table(metadata: MetaData) -> Table:
    return Table(
        "export_files", metadata,
        Column("job_id", String(64), primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("data", LargeBinary, nullable=False),
    )


@dataclass(frozen=True)
class ExportList:
    """One staff list a clerk takes to Excel: its Chinese header, its statement for resolved filters
    (plain JSON values), and how a row of that statement reads in the file (labels, masking)."""
    title: str
    header: tuple[str, ...]
    query: Callable[[dict], Select]
    shape: Callable[[dict], Callable[[Any], Sequence[Any]]] = lambda filters: tuple

    def rows(self, engine: Engine, filters: dict) -> Iterator[Sequence[Any]]:
        shape = self.shape(filters)
        return (shape(r) for r in exports.export_rows(engine, self.query(filters)))

    def count(self, session_or_conn, filters: dict) -> int:
        return session_or_conn.execute(select(func.count()).select_from(self.query(filters).subquery())).scalar_one()

    def stream(self, engine: Engine, fmt: str, filters: dict) -> tuple[Iterator[bytes], str]:
        return exports.stream(fmt, self.header, self.rows(engine, filters))


attachment = exports.attachment  # one Content-Disposition for every download (Chinese names, RFC 6266)


def _media(fmt: str) -> str:
    return exports.XLSX_TYPE if fmt == "xlsx" else exports.CSV_TYPE


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ExportJobs:
    """The export jobs of one service: on its job store, writing into its `export_files`."""

    def __init__(self, store: JobStore, files: Table, lists: dict[str, ExportList], *, ttl: dt.timedelta = FILE_TTL):
        self.store, self.files, self.lists, self.ttl = store, files, lists, ttl

    # API side ------------------------------------------------------------------------------------
    def request(self, session: Session, *, list_name: str, fmt: str, filters: dict, region_code: str | None,
                principal: Principal, confidential: bool = False) -> JobRead:
        """Queue the export of `list_name` under `filters` (already scoped to the caller's region);
        `region_code` is who may download it (None: the whole prefecture), `confidential` that the
        file holds unmasked confidential columns."""
        self.purge(session)
        lst = self.lists[list_name]
        params = {"list": list_name, "format": fmt, "filters": filters, "region_code": region_code,
                  "confidential": confidential, "filename": f"{lst.title}.{fmt}", "requested_by": principal.sub}
        job_id = self.store.create(session, kind=KIND, params=params, content_type=_media(fmt), body=(),
                                   created_by=principal.audit_name())
        return self.store.get(session, job_id)

    def job(self, session: Session, job_id: str, principal: Principal) -> dict:
        """The export job `job_id` if `principal` may have its file: its region's staff or the
        prefecture's; a file with confidential columns only for those who may see them."""
        j = self.store.jobs
        row = session.execute(select(j).where(j.c.id == job_id, j.c.kind == KIND)).mappings().first()
        if row is None:
            raise NotFound(f"导出任务“{job_id}”不存在", code="job_not_found")
        p = row["params"]
        region = p.get("region_code")
        if not (principal.sees_all_regions or (region is not None and principal.region_code == region)):
            raise Forbidden("只能下载本辖区的导出文件")
        return dict(row)

    def download(self, session: Session, engine: Engine, job: dict) -> tuple[Iterator[bytes], str, str]:
        """The finished file's bytes (streamed a chunk at a time), media type and name."""
        if job["status"] == "failed":
            raise Conflict(f"导出失败：{job['message'] or '请重新导出'}", code="export_failed")
        if job["status"] != "completed":
            raise Conflict(f"文件尚未生成完毕（进度 {job['progress']:.0%}），请稍后再下载", code="export_not_ready")
        if job["finished_at"] is not None and job["finished_at"] < _now() - self.ttl:
            raise Gone(f"导出文件保留 {self.ttl.days} 天，已过期删除，请重新导出")
        p = job["params"]
        return self._chunks(engine, job["id"]), _media(p["format"]), p["filename"]

    def _chunks(self, engine: Engine, job_id: str) -> Iterator[bytes]:
        seq = 0
        while True:  # one chunk per query: memory stays at a chunk for any size
            with engine.connect() as conn:
                data = conn.execute(select(self.files.c.data).where(
                    self.files.c.job_id == job_id, self.files.c.seq == seq)).scalar()
            if data is None:
                return
            yield bytes(data)
            seq += 1

    def purge(self, session: Session) -> None:
        """Remove the files finished more than the time they are kept (run as exports are requested)."""
        j = self.store.jobs
        old = select(j.c.id).where(and_(j.c.kind == KIND, j.c.finished_at < _now() - self.ttl))
        session.execute(delete(self.files).where(self.files.c.job_id.in_(old)))

    # worker side ---------------------------------------------------------------------------------
    def process(self, engine: Engine, sessions: sessionmaker, job: dict, chunks: Iterable[bytes],
                progress: Progress) -> None:
        """The job processor (kind "export"): the rows into the file, progress as the share of rows."""
        p = job["params"]
        lst, filters = self.lists[p["list"]], p["filters"]
        with engine.begin() as conn:
            conn.execute(delete(self.files).where(self.files.c.job_id == job["id"]))  # taken up again: anew
            total = max(lst.count(conn, filters), 1)

        def counted(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
            for row in rows:
                yield row
                progress.processed += 1
                progress.tick(fraction=0.98 * progress.processed / total)  # the rest: writing out
        body, _ = exports.stream(p["format"], lst.header, counted(lst.rows(engine, filters)))
        seq, buf = 0, bytearray()
        for piece in body:
            buf += piece
            while len(buf) >= CHUNK:
                self._write(engine, job["id"], seq, bytes(buf[:CHUNK]))
                del buf[:CHUNK]
                seq += 1
        if buf or seq == 0:
            self._write(engine, job["id"], seq, bytes(buf))
        progress.accepted = progress.processed

    def _write(self, engine: Engine, job_id: str, seq: int, data: bytes) -> None:
        with engine.begin() as conn:
            conn.execute(self.files.insert().values(job_id=job_id, seq=seq, data=data))

    def processors(self) -> dict[str, Callable]:
        return {KIND: self.process}


# The OpenAPI of a list that streams CSV / XLSX, and of a finished export's download.
def list_responses(description: str) -> dict:
    return exports.file_responses(f"{description}（JSON）；format=csv 或 xlsx 时为整份导出文件（流式）")


FILE_RESPONSES = exports.file_responses("导出文件（附件下载）")
