"""Use cases of data-sharing-svc: keyword-only, session first, never commit.

Access (seed 四(四): 经营数据等信息要严格保密): an agency submits only the dataset its token names and
sees only its own dataset's batches and coverage; staff read facts (county staff only for businesses
of their region, as the registry projection shows it) and every such read is written to the audit
log; prefecture staff and admins query that log. The public never sees facts.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Iterable, Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import clock, tabular
from getihu_kit.auth import STAFF_ROLES, Principal, readable_by, require_readable
from getihu_kit.db import unit_of_work
from getihu_kit.domain import uscc as usccs
from getihu_kit.errors import Forbidden, InvalidInput, NotFound
from getihu_kit.jobs import MAX_REPORTED_ERRORS, JobRead, JobStore, Progress
from getihu_kit.lanes import ChunkLanes, lane_of
from getihu_kit.pagination import PageRequest
from data_sharing_svc import ingest, repository
from data_sharing_svc.datasets import (DATASETS, LABELS, SPECS, Dataset, FieldError, Record, check_year,
                                      validate_record)
from data_sharing_svc.models import Batch, job_chunks, jobs
from data_sharing_svc.schemas import (AuditEntry, AuditPage, BatchCreate, BatchPage, BatchRead, BatchSummary,
                                      CoverageRead, DatasetCoverage, FactsRead, FileBatchAccepted)

job_store = JobStore(jobs, job_chunks, id_prefix="ds_")
FILE_JOB = "agency_file"
# Who may call what is declared at each route (routes.py); the checks here are the finer ones.
STAFF = STAFF_ROLES
AUDITORS = ("prefecture_staff", "admin")


def _new_batch_id() -> str:
    return f"dsb_{uuid.uuid4().hex}"


def require_agency_for(principal: Principal, dataset: str) -> None:
    """An agency token carries the one dataset it supplies; it may submit nothing else."""
    if principal.dataset != dataset:
        raise Forbidden(f"本机构令牌只能报送数据集“{principal.dataset or '未指定'}”，不能报送“{dataset}”",
                        code="dataset_not_allowed", field="dataset")


def _batch_fields(b: Batch) -> dict:
    return dict(id=b.id, dataset=b.dataset, year=b.year, agency=b.agency, source=b.source, status=b.status,
                received_at=b.received_at, completed_at=b.completed_at, accepted=b.accepted, rejected=b.rejected,
                changed=b.changed, duplicate_of=b.duplicate_of, job_id=b.job_id)


def _batch_read(b: Batch) -> BatchRead:
    return BatchRead(**_batch_fields(b), errors=b.errors or [])


def _validate_all(spec: Dataset, rows: Iterable[tuple[int, object]]) -> tuple[list[Record], list[dict]]:
    valid, errors = [], []
    for n, raw in rows:
        rec, errs = validate_record(spec, n, raw)
        if rec is not None:
            valid.append(rec)
        else:
            errors.extend(errs)
    return valid, errors


# --- JSON batches ----------------------------------------------------------------------------------
def submit_batch(session: Session, *, data: BatchCreate, principal: Principal,
                 traceparent: str | None = None) -> BatchRead:
    """Valid rows are accepted, invalid ones listed; an identical resubmission changes nothing."""
    require_agency_for(principal, data.dataset)
    spec = SPECS[data.dataset]
    valid, errors = _validate_all(spec, enumerate(data.records, start=1))
    digest = hashlib.sha256(json.dumps(data.records, sort_keys=True, ensure_ascii=False,
                                       default=str).encode()).hexdigest()
    batch_id, now = _new_batch_id(), clock.now()
    changed = 0
    for i in range(0, len(valid), ingest.CHUNK_ROWS):
        changed += ingest.ingest_chunk(session, spec=spec, year=data.year, batch_id=batch_id, agency=principal.sub,
                                       received_at=now, records=valid[i:i + ingest.CHUNK_ROWS],
                                       traceparent=traceparent).changed
    if changed == 0:
        earlier = repository.find_identical_batch(session, dataset=spec.name, year=data.year, content_hash=digest)
        if earlier is not None:
            return _batch_read(earlier)
    repository.add_batch(session, id=batch_id, dataset=spec.name, year=data.year, agency=principal.sub,
                         source="json", content_hash=digest, status="completed", received_at=now, completed_at=now,
                         accepted=len(valid), rejected=len({e["row"] for e in errors}), changed=changed,
                         errors=errors[:MAX_REPORTED_ERRORS])
    return _batch_read(repository.get_batch(session, batch_id))


def get_batch(session: Session, *, batch_id: str, principal: Principal) -> BatchRead:
    b = repository.get_batch(session, batch_id)
    if b is None or (not principal.has(*AUDITORS) and b.dataset != principal.dataset):
        # another agency's batch is reported as absent, not as forbidden: its existence is confidential too
        raise NotFound(f"批次“{batch_id}”不存在", code="batch_not_found")
    return _batch_read(b)


def list_batches(session: Session, *, principal: Principal, dataset: str | None, year: int | None,
                 page: PageRequest) -> BatchPage:
    """An agency's own dataset's batches (its name of the dataset is the token's); auditors any dataset's."""
    if not principal.has(*AUDITORS):
        if not principal.dataset:  # an agency token naming no dataset has no batches
            return BatchPage(items=[], next_cursor=None)
        dataset = principal.dataset
    rows, nxt = repository.list_batches(session, dataset=dataset, year=year, page=page)
    return BatchPage(items=[BatchSummary(**_batch_fields(b)) for b in rows], next_cursor=nxt)


# --- file batches (jobs) ---------------------------------------------------------------------------
def start_file_batch(session: Session, *, dataset: str, year: int, content_type: str | None,
                     body: Iterable[bytes], principal: Principal) -> FileBatchAccepted:
    """Store the upload and queue it; the worker ingests it in chunks with progress."""
    if dataset not in SPECS:
        raise InvalidInput(f"未知的数据集“{dataset}”；可用：{', '.join(DATASETS)}", field="dataset")
    require_agency_for(principal, dataset)
    tabular.media_kind(content_type)  # refuse an unsupported type before storing anything
    digest = hashlib.sha256()

    def hashed() -> Iterator[bytes]:
        for piece in body:
            digest.update(piece)
            yield piece
    batch_id = _new_batch_id()
    job_id = job_store.create(session, kind=FILE_JOB, content_type=content_type, body=hashed(),
                              params={"dataset": dataset, "year": year, "agency": principal.sub,
                                      "batch_id": batch_id},
                              created_by=principal.sub)
    repository.add_batch(session, id=batch_id, dataset=dataset, year=year, agency=principal.sub, source="file",
                         content_hash=digest.hexdigest(), job_id=job_id, status="processing", received_at=clock.now(),
                         accepted=0, rejected=0, changed=0, errors=[])
    return FileBatchAccepted(id=job_id, status="queued", batch_id=batch_id)


APPLY_LANES = 2  # chunks of disjoint USCC sets applied on this many connections at once


def process_file(engine: Engine, sessions: sessionmaker, job: dict, chunks: Iterator[bytes],
                 progress: Progress) -> None:
    """Job processor: stream rows, validate, ingest 5,000 at a time, each chunk one transaction
    (applied on other threads while the next chunk is validated; a business's chunks in file order)."""
    params = job["params"]
    spec, year, batch_id, agency = SPECS[params["dataset"]], int(params["year"]), params["batch_id"], params["agency"]
    with unit_of_work(sessions) as session:
        batch = repository.get_batch(session, batch_id)
        received_at = batch.received_at
    changed = 0
    counted = threading.Lock()

    def apply(records: list[Record]) -> None:
        nonlocal changed
        with unit_of_work(sessions) as session:
            n = ingest.ingest_chunk(session, spec=spec, year=year, batch_id=batch_id, agency=agency,
                                    received_at=received_at, records=records).changed
        with counted:
            changed += n
            progress.tick(force=True)

    # Parallel lanes only for records about businesses: a person's listing reaches businesses
    # through operators, so two lanes could touch the same business's facts.
    lanes = APPLY_LANES if spec.subject == "uscc" else 1
    pipeline = ChunkLanes(apply, lanes=lanes, name="ds-chunk-apply")
    pending: list[list[Record]] = [[] for _ in range(lanes)]
    try:
        try:
            for n, raw in tabular.read_rows(chunks, job["content_type"], spec.required):
                progress.processed += 1
                if isinstance(raw, tabular.RowError):
                    progress.rejected += 1
                    progress.error(raw.row, raw.field, raw.message)
                    continue
                rec, errs = validate_record(spec, n, raw)
                if rec is None:
                    progress.rejected += 1
                    for e in errs:
                        progress.error(e["row"], e["field"], e["message"])
                    continue
                progress.accepted += 1
                lane = lane_of(rec.uscc, lanes)
                pending[lane].append(rec)
                if len(pending[lane]) >= ingest.CHUNK_ROWS:
                    pipeline.put(lane, pending[lane])
                    pending[lane] = []
            for lane, rest in enumerate(pending):
                if rest:
                    pipeline.put(lane, rest)
        finally:
            pipeline.close()  # waits for the chunks already handed over; raises their error
    except Exception:
        with unit_of_work(sessions) as session:
            repository.finish_batch(session, batch_id, status="failed", completed_at=clock.now(),
                                    accepted=progress.accepted, rejected=progress.rejected, changed=changed,
                                    errors=progress.errors)
        raise
    with unit_of_work(sessions) as session:
        earlier = None
        if changed == 0:
            earlier = repository.find_identical_batch(session, dataset=spec.name, year=year,
                                                      content_hash=batch.content_hash, exclude_id=batch_id)
        repository.finish_batch(session, batch_id, status="completed", completed_at=clock.now(),
                                accepted=progress.accepted, rejected=progress.rejected, changed=changed,
                                errors=progress.errors, duplicate_of=earlier.id if earlier else None)


def get_job(session: Session, *, job_id: str, principal: Principal) -> JobRead:
    if not job_store.owns(job_id):
        raise NotFound(f"任务“{job_id}”不存在", code="job_not_found")
    job = job_store.get(session, job_id)
    row_owner = repository.job_owner(session, job_id)
    if not principal.has(*AUDITORS) and row_owner != principal.sub:
        raise NotFound(f"任务“{job_id}”不存在", code="job_not_found")
    return job


# --- facts and their audit -------------------------------------------------------------------------
def read_facts(session: Session, *, uscc: str, year: int, principal: Principal,
               request_id: str | None = None) -> FactsRead:
    """Staff read of one business's facts; written to the audit log in the same transaction."""
    try:
        uscc = usccs.validate(uscc)
    except usccs.InvalidUSCC as exc:
        raise InvalidInput(str(exc), field="uscc") from None
    business = repository.business(session, uscc)
    region = business.region_code if business else None
    if business is None and not readable_by(principal, region_code=None):
        raise Forbidden("该个体工商户尚未同步到本系统，无法确认其所属辖区，县级人员暂不能查看", code="region_unknown")
    require_readable(principal, region_code=region,
                     message=f"只能查看本辖区（{principal.region_code or '未绑定辖区'}）个体工商户的共享数据")
    version = repository.facts_version(session, uscc=uscc, year=year)
    facts = ingest.read_business_facts(session, uscc=uscc, year=year, version=version)
    out = FactsRead(**facts.model_dump(), registered=business is not None, region_code=region)
    fields = [name for name in ("tax", "social_insurance", "trademarks", "patents", "certificates",
                                "dishonest_debtors") if getattr(out, name)]
    repository.add_read(session, reader=principal.sub, roles=",".join(sorted(principal.roles)),
                        reader_region=principal.region_code, uscc=uscc, year=year, fields=fields,
                        read_at=clock.now(), request_id=request_id)
    return out


def list_audit(session: Session, *, principal: Principal, uscc: str | None, reader: str | None,
               since: dt.datetime | None, until: dt.datetime | None, page: PageRequest) -> AuditPage:
    """The audit log for prefecture staff and admins (the route admits no one else), newest first."""
    rows, nxt = repository.list_reads(session, uscc=uscc.strip().upper() if uscc else None, reader=reader,
                                      since=since, until=until, page=page)
    items = [AuditEntry(id=r.id, reader=r.reader, roles=r.roles.split(","), reader_region=r.reader_region,
                        uscc=r.uscc, year=r.year, fields=r.fields, read_at=r.read_at, request_id=r.request_id)
             for r in rows]
    return AuditPage(items=items, next_cursor=nxt)


# --- coverage --------------------------------------------------------------------------------------
def coverage(session: Session, *, year: int, principal: Principal) -> CoverageRead:
    """Which datasets arrived for the year, when, how many records (an agency sees only its own)."""
    try:
        check_year(year)
    except FieldError as exc:
        raise InvalidInput(str(exc), field="year") from None
    records = repository.coverage_records(session, year)
    batches = {row[0]: row for row in repository.coverage_batches(session, year)}
    visible = DATASETS if principal.is_staff else tuple(d for d in DATASETS if d == principal.dataset)
    out = []
    for d in visible:
        b = batches.get(d)
        out.append(DatasetCoverage(dataset=d, label=LABELS[d], arrived=records.get(d, 0) > 0,
                                   batches=b[1] if b else 0, records=records.get(d, 0),
                                   first_received_at=b[2] if b else None, last_received_at=b[3] if b else None,
                                   accepted=int(b[4] or 0) if b else 0, rejected=int(b[5] or 0) if b else 0))
    return CoverageRead(year=year, datasets=out)
