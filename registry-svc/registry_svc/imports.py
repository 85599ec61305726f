"""Bulk imports (CONTRACT: Bulk): businesses, annual reports, marks and status changes as a job.

The API stores the upload and queues a job; the worker streams the file row by row, validates each
row, and hands chunks of CHUNK_ROWS valid rows to the same set-based `apply_*` use cases a single
request uses — one transaction, a few multi-row statements and one snapshot per changed business
per chunk. Invalid rows are reported (row, field, Chinese message); valid rows land. Rows already
on file unchanged are accepted without writing or emitting anything, so a re-import is a no-op.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import queue
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import clock, tabular, validation
from getihu_kit.auth import Principal
from getihu_kit.domain import id_number, industry, regions, uscc
from getihu_kit.db import unit_of_work
from getihu_kit.errors import Forbidden, InvalidInput
from getihu_kit.jobs import JobRead, JobStore, Progress, job_loop
from getihu_kit.lanes import ChunkLanes, lane_of
from registry_svc import repository, service
from registry_svc.models import job_chunks, jobs
from registry_svc.schemas import AnnualReportRow, BusinessCreate, ImportAccepted, MarkRow, StatusRow

STORE = JobStore(jobs, job_chunks, id_prefix="rg_")
CHUNK_ROWS = 5000

_TRUE = {"1", "true", "t", "yes", "y", "是", "季节性"}
_FALSE = {"0", "false", "f", "no", "n", "否", "非季节性"}


def _flat_business(row: dict) -> dict:
    body = {k: v for k, v in row.items() if not k.startswith("operator_") and v is not None}
    op = {k[len("operator_"):]: v for k, v in row.items() if k.startswith("operator_") and v is not None}
    body["operator"] = op
    seasonal = body.get("seasonal")
    if isinstance(seasonal, str):
        low = seasonal.strip().lower()
        body["seasonal"] = True if low in _TRUE else False if low in _FALSE else seasonal
    return body


def _flat(row: dict) -> dict:
    return {k: v for k, v in row.items() if v is not None}


class _Cached:
    """A code check remembered per distinct value: a file has a handful of region and industry codes."""

    def __init__(self, check: Callable[[str], str], error: type[Exception]):
        self.check, self.error, self.seen = check, error, {}

    def __call__(self, v: str) -> str | None:
        if v not in self.seen:
            try:
                self.seen[v] = self.check(v)
            except self.error:
                self.seen[v] = None
        return self.seen[v]


def _isodate(v) -> dt.date | None:
    if type(v) is not str or len(v) != 10 or v[4] != "-" or v[7] != "-":
        return None
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        return None


class _FastOperator:
    __slots__ = ("name", "id_number", "phone", "email")

    def __init__(self, name: str, id_number: str, phone: str | None):
        self.name, self.id_number, self.phone, self.email = name, id_number, phone, None


class _FastBusiness:
    """What the fast check yields: BusinessCreate's fields, read the same way by apply_registrations,
    without pydantic's model_construct (a fifth of the per-row validation time)."""
    __slots__ = ("uscc", "name", "region_code", "industry_code", "established_on", "seasonal", "address",
                 "business_scope", "operator")

    def __init__(self, uscc, name, region_code, industry_code, established_on, seasonal, address, business_scope,
                 operator: _FastOperator):
        self.uscc, self.name, self.region_code, self.industry_code = uscc, name, region_code, industry_code
        self.established_on, self.seasonal, self.address = established_on, seasonal, address
        self.business_scope, self.operator = business_scope, operator

    def model_dump(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__ if k != "operator"} | {
            "operator": {k: getattr(self.operator, k) for k in _FastOperator.__slots__}}


def fast_business_row():
    """The usual well-formed flat business row, checked without a pydantic model per row: the same
    checks as BusinessCreate's validators (the kit's check digits and codes; region and industry
    codes remembered per value). It returns None for anything else — an invalid row, an e-mail, an
    unusual date or flag spelling — which then goes through BusinessCreate.model_validate, the one
    place that decides and words the errors. An import spends most of its validation time on pydantic
    calls for rows that are fine."""
    region = _Cached(regions.canonical, regions.UnknownRegion)
    industry_code = _Cached(industry.normalise, industry.InvalidIndustry)
    today = clock.today()

    def check(row: dict) -> _FastBusiness | None:
        get = row.get
        name, address, scope = get("name"), get("address"), get("business_scope")
        op_name, phone, seasonal = get("operator_name"), get("operator_phone"), get("seasonal")
        ind = get("industry_code")
        if get("operator_email") is not None or not (type(op_name) is str and 1 <= len(op_name) <= 100):
            return None
        if not ((name is None or (type(name) is str and len(name) <= 200))
                and (address is None or (type(address) is str and len(address) <= 500))
                and (scope is None or (type(scope) is str and len(scope) <= 4000))):
            return None
        if seasonal is None:
            flag = False
        elif type(seasonal) is str and (low := seasonal.strip().lower()) in _TRUE:
            flag = True
        elif type(seasonal) is str and low in _FALSE:
            flag = False
        else:
            return None
        if phone is not None:
            if type(phone) is not str or len(phone) > 20:
                return None
            if phone == "":
                phone = None
            elif not ((phone := phone.replace("-", "").replace(" ", "")).isdigit() and 7 <= len(phone) <= 12):
                return None
        if ind is not None:
            if type(ind) is not str:
                return None
            if ind != "" and (ind := industry_code(ind)) is None:
                return None
            ind = ind or None
        established = _isodate(get("established_on"))
        code, person, county = get("uscc"), get("operator_id_number"), get("region_code")
        if (established is None or established > today or type(code) is not str or type(person) is not str
                or type(county) is not str or (county := region(county)) is None):
            return None
        try:
            code, person = uscc.validate(code), id_number.validate(person)
        except ValueError:
            return None
        return _FastBusiness(code, name, county, ind, established, flag, address, scope,
                             _FastOperator(op_name, person, phone))
    return check


@dataclass(frozen=True)
class ImportKind:
    required: frozenset[str]
    columns: frozenset[str]
    model: type[BaseModel]
    flat_body: Callable[[dict], dict]
    apply: Callable[..., service.Outcome]
    # Optional: a factory of a per-job check for flat rows (None: fall back to `model`); what it yields
    # reads like `model`.
    fast: Callable[[], Callable[[dict], object | None]] | None = None


def _apply_registrations(session: Session, *, items, principal):
    return service.apply_registrations(session, items=items, principal=principal, same_is_unchanged=True)


KINDS: dict[str, ImportKind] = {
    "businesses": ImportKind(
        frozenset({"uscc", "operator_name", "operator_id_number", "region_code", "established_on"}),
        frozenset({"uscc", "name", "operator_name", "operator_id_number", "operator_phone", "operator_email",
                   "region_code", "industry_code", "established_on", "seasonal", "address", "business_scope"}),
        BusinessCreate, _flat_business, _apply_registrations, fast_business_row),
    "annual_reports": ImportKind(
        frozenset({"uscc", "year", "submitted_on", "employees"}),
        frozenset({"uscc", "year", "submitted_on", "employees", "revenue", "tax_paid"}),
        AnnualReportRow, _flat, service.apply_annual_reports),
    "marks": ImportKind(
        frozenset({"uscc", "kind", "start_on"}),
        frozenset({"uscc", "kind", "start_on", "end_on", "penalty_kind", "amount", "publicized_on", "level",
                   "reason"}),
        MarkRow, _flat, service.apply_marks),
    "status": ImportKind(
        frozenset({"uscc", "status", "effective_on"}), frozenset({"uscc", "status", "effective_on"}),
        StatusRow, _flat, service.apply_status_changes),
}

def row_problems(exc: ValidationError, flat: bool) -> list[tuple[str, str]]:
    out = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e.get("loc", ())) or "row"
        if flat:
            loc = loc.replace("operator.", "operator_")
        out.append((loc, validation.message(e)))
    return out


# --- API side ----------------------------------------------------------------------------------------
def _check_csv_header(first: bytes, required: frozenset[str]) -> None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(first[:65536], final=False)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("文件编码无法识别：请保存为 UTF-8 编码的 CSV", field="file")
    line = text.splitlines()[0] if text else ""
    header = {h.strip().lower() for h in next(csv.reader(io.StringIO(line)), [])}
    missing = sorted(required - header)
    if missing:
        raise InvalidInput(f"表头缺少必需的列：{', '.join(missing)}", field="header",
                           errors=[{"field": m, "message": "表头缺少该列"} for m in missing])


def create_import(session: Session, *, kind: str, content_type: str | None, body: Iterable[bytes],
                  principal: Principal) -> ImportAccepted:
    """Check what can be checked before the file is read (kind, media type, XLSX signature, CSV header),
    then store the upload and queue the job — nothing of it is applied yet."""
    spec = KINDS.get(kind)
    if spec is None:
        raise InvalidInput(f"导入类型“{kind}”无效，应为 businesses、annual_reports、marks 或 status", field="kind")
    if not principal.is_staff:
        raise Forbidden("只有市场监管部门工作人员可以批量导入")
    media = tabular.media_kind(content_type)
    it = iter(body)
    first = b""
    for piece in it:
        first += piece
        if len(first) >= 65536:
            break
    if not first.strip():
        raise InvalidInput("上传的文件为空", field="file")
    if media == tabular.XLSX and not first.startswith(b"PK\x03\x04"):
        raise InvalidInput("上传的文件不是有效的 XLSX 工作簿（请用 Excel 另存为 .xlsx 后再上传）", field="file")
    if media == tabular.CSV:
        _check_csv_header(first, spec.required)
    params = {"kind": kind, "sub": principal.sub, "roles": sorted(principal.roles),
              "region_code": principal.region_code}
    job_id = STORE.create(session, kind=kind, params=params, content_type=media, body=chain([first], it),
                          created_by=principal.sub)
    return ImportAccepted(id=job_id, status="queued", kind=kind)


def get_job(session: Session, *, job_id: str, principal: Principal) -> JobRead:
    job = STORE.get(session, job_id)
    owner = repository.job_owner(session, job_id)
    if not (principal.sees_all_regions or (principal.is_staff and owner == principal.sub)):
        raise Forbidden("只能查看本人提交的导入任务")
    return job


# --- worker side -------------------------------------------------------------------------------------
def _principal(params: dict) -> Principal:
    return Principal(sub=params["sub"], roles=frozenset(params["roles"]), region_code=params.get("region_code"))


def _validate_chunk(spec: ImportKind, batch: list, flat: bool, progress: Progress,
                    fast: Callable[[dict], object | None] | None) -> tuple[list, list[int]]:
    items, numbers = [], []
    for n, raw in batch:
        if isinstance(raw, tabular.RowError):
            progress.error(n, raw.field, raw.message)
            progress.rejected += 1
            continue
        if fast is not None and (model := fast(raw)) is not None:
            items.append(model)
            numbers.append(n)
            continue
        try:
            body = spec.flat_body({k: v for k, v in raw.items() if k in spec.columns}) if flat else raw
            items.append(spec.model.model_validate(body))
            numbers.append(n)
        except ValidationError as exc:
            for f, m in row_problems(exc, flat):
                progress.error(n, f, m)
            progress.rejected += 1
    return items, numbers


def _write_chunk(sessions: sessionmaker, spec: ImportKind, principal: Principal, items: list) -> service.Outcome | None:
    if not items:
        return None
    with unit_of_work(sessions) as session:
        return spec.apply(session, items=items, principal=principal)


def _record(progress: Progress, outcome: service.Outcome | None, numbers: list[int], rows: int) -> None:
    if outcome is not None:
        for r in outcome.rejected:
            for f, m in r.problems:
                progress.error(numbers[r.index], f, m)
        progress.rejected += len(outcome.rejected)
        progress.accepted += len(outcome.changed) + len(outcome.unchanged)
    progress.processed += rows
    progress.tick()


WRITE_LANES = 2  # chunks of disjoint USCC sets written on this many connections at once


def processor(kind: str):
    """Chunks are written by writer lanes (kit `ChunkLanes`) while this thread reads and validates
    the next chunk: the database's share of a chunk (COPY, INSERT … SELECT, snapshots) overlaps the
    Python share of the next, and two lanes keep both cores busy. A row's lane is fixed
    by its USCC, so one business's rows are written in file order. Progress is recorded on this thread
    only, from the outcomes the lanes hand back."""
    spec = KINDS[kind]

    def run(engine: Engine, sessions: sessionmaker, job: dict, chunks: Iterator[bytes], progress: Progress) -> None:
        principal = _principal(job["params"])
        flat = tabular.media_kind(job["content_type"]) != tabular.JSONL
        fast = spec.fast() if flat and spec.fast is not None else None
        lanes = WRITE_LANES
        written: queue.SimpleQueue = queue.SimpleQueue()

        def write(part: tuple[list, list[int], int]) -> None:
            items, numbers, rows = part
            written.put((_write_chunk(sessions, spec, principal, items), numbers, rows))

        def record_written() -> None:
            while True:
                try:
                    _record(progress, *written.get_nowait())
                except queue.Empty:
                    return

        def hand_over(batch: list) -> None:
            items, numbers = _validate_chunk(spec, batch, flat, progress, fast)
            parts: list[tuple[list, list[int]]] = [([], []) for _ in range(lanes)]
            for item, n in zip(items, numbers):
                part = parts[lane_of(item.uscc, lanes)]
                part[0].append(item)
                part[1].append(n)
            for k, (its, nums) in enumerate(parts):
                if its or k == 0:  # lane 0 also carries the chunk's row count
                    writer.put(k, (its, nums, len(batch) if k == 0 else 0))
            record_written()

        writer = ChunkLanes(write, lanes=lanes, depth=1, name="registry-import-write")
        batch: list = []
        try:
            try:
                for n, raw in tabular.read_rows(chunks, job["content_type"], set(spec.required)):
                    batch.append((n, raw))
                    if len(batch) >= CHUNK_ROWS:
                        hand_over(batch)
                        batch = []
                if batch:
                    hand_over(batch)
            finally:
                writer.close()  # the last writes; a failed write fails the job
        finally:
            record_written()
        progress.errors.sort(key=lambda e: (e["row"] or 0))
    run.__name__ = f"import_{kind}"
    return run


def import_loop(idle_wait_s: float = 0.5, also: dict | None = None):
    """The job loop of registry's store: the imports, and `also` (the exports) on the same jobs."""
    loop = job_loop(STORE, {**{k: processor(k) for k in KINDS}, **(also or {})}, idle_wait_s=idle_wait_s)
    loop.__name__ = "registry-imports"
    return loop
