"""A county's import of operating returns (CSV, XLSX or JSON Lines) as a kit job with row errors.

The API checks what it can before reading the file (media type, XLSX signature) and queues the job;
the worker streams the rows, validates each (the same model and messages as the single request),
checks each business against the projection in one query per chunk (it must be of the importer's
county), and writes each chunk's valid rows in one statement. Invalid rows are reported; valid rows
land. A re-import of the same file replaces the same quarters (idempotent but for the revision count).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import clock, tabular, validation
from getihu_kit.auth import Principal
from getihu_kit.db import unit_of_work
from getihu_kit.errors import Forbidden, InvalidInput
from getihu_kit.jobs import JobRead, JobStore, Progress, job_loop
from monitoring_svc import repository, rules
from monitoring_svc.models import job_chunks, jobs
from monitoring_svc.returns import return_row
from monitoring_svc.schemas import ReturnImportRow

STORE = JobStore(jobs, job_chunks, id_prefix="mo_")
CHUNK_ROWS = 2000
KIND = "returns"
COLUMNS = tuple(ReturnImportRow.model_fields)
REQUIRED = frozenset(n for n, f in ReturnImportRow.model_fields.items() if f.is_required())


def create_import(session: Session, *, content_type: str | None, body: Iterable[bytes],
                  principal: Principal) -> JobRead:
    if not principal.has("county_staff", "admin") or principal.region_code is None:
        raise Forbidden("经营数据由县级市场监管部门导入（账号须绑定辖区）")
    media = tabular.media_kind(content_type)
    it = iter(body)
    first = next(it, b"")
    if not first.strip():
        raise InvalidInput("上传的文件为空", field="file")
    if media == tabular.XLSX and not first.startswith(b"PK\x03\x04"):
        raise InvalidInput("上传的文件不是有效的 XLSX 工作簿（请用 Excel 另存为 .xlsx 后再上传）", field="file")
    params = {"sub": principal.sub, "roles": sorted(principal.roles), "region_code": principal.region_code,
              "audit_name": principal.audit_name()}
    job_id = STORE.create(session, kind=KIND, params=params, content_type=media, body=chain([first], it),
                          created_by=principal.sub)
    return STORE.get(session, job_id)


def get_job(session: Session, *, job_id: str, principal: Principal) -> JobRead:
    job = STORE.get(session, job_id)  # a report job too: its progress, whoever may read the report
    created_by = session.execute(jobs.select().with_only_columns(jobs.c.created_by)
                                 .where(jobs.c.id == job_id)).scalar()
    if not (principal.sees_all_regions or created_by == principal.sub):
        raise Forbidden("只能查看本人提交的导入任务")
    return job


# --- worker side -------------------------------------------------------------------------------------
def _validate(batch: list, progress: Progress) -> list[tuple[int, ReturnImportRow]]:
    out = []
    today = clock.today()
    for n, raw in batch:
        if isinstance(raw, tabular.RowError):
            progress.error(n, raw.field, raw.message)
            progress.rejected += 1
            continue
        try:
            row = ReturnImportRow.model_validate({k: v for k, v in raw.items() if k in COLUMNS and v is not None})
        except ValidationError as exc:
            for e in exc.errors():
                progress.error(n, ".".join(str(x) for x in e.get("loc", ())) or "row", validation.message(e))
            progress.rejected += 1
            continue
        check = rules.return_period_open(row.year, row.quarter, today)
        if not check.ok:
            progress.error(n, "quarter", check.detail)
            progress.rejected += 1
            continue
        out.append((n, row))
    return out


def _write(sessions: sessionmaker, params: dict, rows: list[tuple[int, ReturnImportRow]], progress: Progress) -> None:
    if not rows:
        return
    region = params["region_code"]
    with unit_of_work(sessions) as session:
        known = repository.businesses(session, [r.uscc for _, r in rows])
        good = []
        for n, r in rows:
            b = known.get(r.uscc)
            if b is None:
                progress.error(n, "uscc", f"{r.uscc} 未在登记信息中找到（新登记的户稍后再导入）")
            elif b.region_code != region:
                progress.error(n, "uscc", f"{r.uscc} 不属于本县（登记在 {b.region_code}），不能导入")
            else:
                good.append(return_row(r, uscc=r.uscc, year=r.year, quarter=r.quarter, region_code=region,
                                       source="county_import", contact_point_id=None,
                                       submitted_by=params["audit_name"]))
                continue
            progress.rejected += 1
        # One row per quarter in a statement: a file that gives a quarter twice keeps its last line.
        latest = {(g["uscc"], g["year"], g["quarter"]): g for g in good}
        repository.upsert_returns(session, list(latest.values()))
        progress.accepted += len(good)


def process(engine: Engine, sessions: sessionmaker, job: dict, chunks: Iterator[bytes], progress: Progress) -> None:
    batch: list = []
    for n, raw in tabular.read_rows(chunks, job["content_type"], set(REQUIRED)):
        batch.append((n, raw))
        if len(batch) >= CHUNK_ROWS:
            _write(sessions, job["params"], _validate(batch, progress), progress)
            progress.processed += len(batch)
            progress.tick()
            batch = []
    _write(sessions, job["params"], _validate(batch, progress), progress)
    progress.processed += len(batch)
    progress.errors.sort(key=lambda e: (e["row"] or 0))


def job_runner(idle_wait_s: float = 0.5):
    """The worker's one job loop: imports of returns and report builds share the store."""
    from monitoring_svc import report
    loop = job_loop(STORE, {KIND: process, report.KIND: report.process}, idle_wait_s=idle_wait_s)
    loop.__name__ = "monitoring-jobs"
    return loop
