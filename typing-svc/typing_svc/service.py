"""Use cases of typing-svc: keyword-only, session first, never commit."""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from getihu_kit import clock, exports
from getihu_kit.auth import Principal, readable_by, require_region, scoped_region
from getihu_kit.domain import regions
from getihu_kit.export_jobs import ExportJobs
from getihu_kit.errors import Conflict, InvalidInput, NotFound
from getihu_kit.jobs import JobRead, JobStore
from getihu_kit.outbox import Outbox
from getihu_kit.pagination import PageRequest
from getihu_kit.read_pool import ReadPool
from getihu_kit.schemas.typing import Correction, TypeCounts, TypingPublished, TypingResultPublished
from typing_svc import repository as repo, result_exports, result_reads
from typing_svc.models import export_files, job_chunks, jobs, outbox as outbox_table
from typing_svc.schemas import ResultPage
from typing_svc.rules import RULESETS, TYPE_LABELS, TYPE_OF_RANK, TYPE_RANK, Ruleset, ruleset_by_version, ruleset_for

log = logging.getLogger(__name__)
outbox = Outbox(outbox_table, source="/getihu/typing")
# Typing's long work (evaluating a run, publishing it) is kit's job: the worker's job loop claims it,
# leases it and reports its progress; GET /api/v1/jobs/ty_… reads it (the gateway routes ty_ here).
job_store = JobStore(jobs, job_chunks, id_prefix="ty_")
RUN_JOB, PUBLISH_JOB = "typing_run", "typing_publish"
export_jobs = ExportJobs(job_store, export_files, {"results": result_exports.RESULTS})


# --- runs --------------------------------------------------------------------------------------
def counts_of(by_code: dict[int, int]) -> dict[str, int]:
    return {name: int(by_code.get(code, 0)) for code, name in TYPE_OF_RANK.items()}


def run_read(session: Session, run: dict) -> dict:
    return {
        "id": run["id"], "year": run["year"], "reference_date": run["reference_date"],
        "region_codes": run["region_codes"], "ruleset": run["ruleset"], "status": run["status"],
        "progress": 1.0 if run["status"] in ("completed", "published") else round(run["progress"], 4),
        "counts": run["counts"] or {"survival": 0, "growth": 0, "development": 0, "excluded": 0},
        "job_id": run["job_id"],
        "trigger": run["trigger"], "message": run["message"], "created_by": run["created_by"],
        "created_at": run["created_at"], "started_at": run["started_at"], "finished_at": run["finished_at"],
        "published_at": run["published_at"], "data_barrier": run["data_barrier"],
        "batches": repo.batches_of_run(session, run["run_no"])
        if run["status"] in ("completed", "publishing", "published") else [],
    }


def _region_codes(codes: list[str] | None) -> list[str] | None:
    if not codes:
        return None
    out = []
    for c in codes:
        try:
            out.append(regions.canonical(c))
        except regions.UnknownRegion as exc:
            raise InvalidInput(str(exc), field="region_codes") from None
    return sorted(set(out))


def create_run(session: Session, *, year: int, reference_date: dt.date | None, region_codes: list[str] | None,
               trigger: str, created_by: str | None, trigger_event_id: str | None = None) -> dict:
    """Queue a typing run and the job that evaluates it, in the caller's transaction; the worker's
    job loop takes it up (GET the run, or its job, for the progress)."""
    ruleset = ruleset_for(year)
    params = ruleset.params(year=year, reference_date=reference_date)
    r = params.reference_date
    if not (dt.date(year, 1, 1) <= r <= dt.date(year, 12, 31)):
        raise InvalidInput(f"基准日应在分型年度{year}年之内（默认{year}-06-30）", field="reference_date")
    run_id = f"ty_{uuid.uuid4().hex}"
    job_id = job_store.create(session, kind=RUN_JOB, params={"run_id": run_id}, content_type=None, body=(),
                              created_by=created_by)
    repo.insert_run(session, id=run_id, year=year, reference_date=r, region_codes=_region_codes(region_codes),
                    ruleset=ruleset.version, status="queued", progress=0.0, job_id=job_id, trigger=trigger,
                    trigger_event_id=trigger_event_id, created_by=created_by)
    return run_read(session, repo.get_run(session, run_id))


def get_run(session: Session, *, run_id: str) -> dict:
    run = repo.get_run(session, run_id)
    if run is None:
        raise NotFound(f"分型运行“{run_id}”不存在", code="run_not_found")
    return run_read(session, run)


def list_runs(session: Session, *, year: int, page: PageRequest) -> dict:
    rows, nxt = repo.runs_page(session, year=year, page=page)
    return {"items": [run_read(session, r) for r in rows], "next_cursor": nxt}


def get_job(session: Session, *, job_id: str) -> JobRead:
    """A typing job (kit's job resource); a run's id names its current job too (evaluation, then
    publication), so a client holding only the run id follows it at /api/v1/jobs/{run id}."""
    if not job_store.owns(job_id):
        raise NotFound(f"任务“{job_id}”不存在", code="job_not_found")
    run = repo.get_run(session, job_id)
    return job_store.get(session, run["job_id"] if run is not None else job_id)


def start_run_on_annual_report_closed(session: Session, *, event_id: str, data: dict) -> None:
    """附件1 一(三)1：每年7月份个体工商户年度报告结束后……进行一次个体工商户集中分型判定。"""
    if repo.run_by_trigger_event(session, event_id) is not None:
        return
    create_run(session, year=int(data["typing_year"]), reference_date=dt.date.fromisoformat(data["reference_date"]),
               region_codes=None, trigger="annual-report-closed", created_by=data.get("closed_by"),
               trigger_event_id=event_id)


# --- publication -------------------------------------------------------------------------------
def publish_run(session: Session, *, run_id: str, principal: Principal, traceparent: str | None) -> dict:
    """Staff publish a completed run: at once the run is `publishing` with the job that does it
    (runner.publish); when that is done the run is `published`, its results are the published ones
    for its year, and typing-published and one result event per business are emitted.

    A publication that stopped on an error is taken up again by publishing once more: what it had
    published stays, it goes on from there."""
    run = repo.get_run(session, run_id, for_update=True)
    if run is None:
        raise NotFound(f"分型运行“{run_id}”不存在", code="run_not_found")
    if run["status"] == "published":
        raise Conflict("该分型运行已发布，不能重复发布", code="run_already_published")
    if run["status"] == "publishing":
        if job_store.get(session, run["job_id"]).status != "failed":
            raise Conflict("该分型运行正在发布，请查看其进度，不必重复发布", code="run_publishing")
        values = {}
    elif run["status"] != "completed":
        raise Conflict(f"分型运行尚未完成（当前状态：{run['status']}），完成后才能发布", code="run_not_completed")
    else:
        # Two runs of one year published at once would interleave the versions of its feed.
        other = repo.publishing_run_of_year(session, run["year"])
        if other is not None:
            raise Conflict(f"{run['year']}年的另一分型运行（{other['id']}）正在发布，发布完成后再试",
                           code="year_publishing")
        values = {"published_at": clock.now(), "published_by": principal.audit_name(), "published_through": None,
                  "progress": 0.0}
    job_id = job_store.create(session, kind=PUBLISH_JOB, params={"run_id": run_id, "traceparent": traceparent},
                              content_type=None, body=(), created_by=principal.audit_name())
    repo.update_run(session, run["run_no"], status="publishing", job_id=job_id, message=None, **values)
    return run_read(session, repo.get_run(session, run_id))


def prepare_publication(session: Session, *, run_id: str) -> tuple[int, int] | None:
    """Before a publication's chunks: the reason codes of each distinct bitmask of the run (what
    the result events carry), and how many results there are and are published already (a job
    taken up again goes on from its run's marker). None when the run is not being published."""
    run = repo.get_run(session, run_id)
    if run is None or run["status"] != "publishing":
        return None
    ruleset = ruleset_by_version(run["ruleset"])
    repo.refresh_statistics(session)
    repo.store_reasons(session, run["run_no"], {m: ruleset.reasons(m) for m in repo.distinct_met(session, run["run_no"])})
    done = repo.count_results(session, run["run_no"], through=run["published_through"]) \
        if run["published_through"] is not None else 0
    return repo.count_results(session, run["run_no"]), done


def publish_next_chunk(session: Session, *, run_id: str, size: int, done: int, total: int,
                       traceparent: str | None) -> int | None:
    """One transaction of a publication: the next `size` results (in USCC order after the run's
    marker) into the feed, their result events into the outbox, and the marker moved past them.
    A worker that dies loses only the chunk in hand, and the job taken up again goes on from the
    marker: no event is written twice, none is lost. The run's row lock keeps two workers of one
    publication from writing the same chunk.

    Returns how many results this chunk published; 0 when none were left: then, in this same
    transaction, the run is `published` and typing-published is emitted, once. None when the run
    is no longer being published (a job taken up again after its run was done)."""
    run = repo.get_run(session, run_id, for_update=True)
    if run is None or run["status"] != "publishing":
        return None
    after = run["published_through"]
    through = repo.chunk_end(session, run["run_no"], after=after, size=size)
    if through is None:
        _published(session, run, traceparent=traceparent)
        return 0
    n = repo.publish_into_feed(session, run_no=run["run_no"], year=run["year"], published_at=run["published_at"],
                               after=after, through=through)
    repo.emit_result_events(session, outbox, run_no=run["run_no"], run_id=run["id"], ruleset=run["ruleset"],
                            after=after, through=through, traceparent=traceparent)
    repo.update_run(session, run["run_no"], published_through=through, progress=min((done + n) / max(total, 1), 0.999))
    return n


def _type_counts(rows) -> dict[str, TypeCounts]:
    by_region: dict[str, dict[str, int]] = {}
    for region, code, n in rows:
        by_region.setdefault(region, {})[TYPE_OF_RANK[code]] = n
    return {k: TypeCounts(**v) for k, v in sorted(by_region.items())}


def _published(session: Session, run: dict, *, traceparent: str | None) -> None:
    """The run's results are the published ones for its year: typing-published (the registry labels
    the 名录, cultivation opens its windows, notify tells each business)."""
    repo.update_run(session, run["run_no"], status="published", progress=1.0, message=None)
    outbox.emit(session, TypingPublished(
        run_id=run["id"], year=run["year"], reference_date=run["reference_date"], ruleset=run["ruleset"],
        counts=TypeCounts(**(run["counts"] or {})),
        counts_by_region=_type_counts(repo.counts_by_region(session, run["run_no"])),
        published_at=run["published_at"]), key=f"typing:{run['year']}", traceparent=traceparent)


def publication_stopped(session: Session, *, run_id: str) -> None:
    """A publication's job failed: the run stays `publishing` (what is published stays published)
    and says how to go on."""
    run = repo.get_run(session, run_id)
    if run is not None and run["status"] == "publishing":
        repo.update_run(session, run["run_no"], message="发布未完成：已发布的结果保持有效，请再次发布以继续；如持续出现，请联系运维人员")


# --- results and their explanation ---------------------------------------------------------------
def _money(v: Decimal | None) -> str | None:
    return None if v is None else f"{Decimal(v):.2f}"


def _agency_source(dataset: str, batch: str | None, agencies: dict[str, str | None]) -> dict | None:
    if batch is None:
        return {"kind": "agency", "dataset": dataset, "batch_id": None, "agency": None, "note": "未收到该项数据"}
    return {"kind": "agency", "dataset": dataset, "batch_id": batch, "agency": agencies.get(batch)}


def explanation(session: Session, ruleset: Ruleset, row: dict, *, year: int) -> list[dict]:
    """Each condition, met or not, with the fact and the source (agency, batch) that decided it."""
    prior = year - 1
    ag = repo.agencies(session, [b for b in (row["tax_batch"], row["tax_status_batch"], row["insurance_batch"],
                                             row["trademark_batch"], row["patent_batch"]) if b])
    registry = {"kind": "registry", "record": "business"}
    report = {"kind": "registry", "record": "annual_report", "year": prior}
    out = []
    for c in ruleset.conditions:
        met = bool(row["met"] & ruleset.bit(c.code))
        fact: dict | None
        source: dict | None
        if c.code in ("registered_on_reference_date", "established_two_years"):
            fact, source = {"established_on": row["established_on"].isoformat()}, registry
        elif c.code == "annual_report_submitted":
            fact = {"report_year": prior, "submitted_on": row["report_submitted_on"].isoformat()
                    if row["report_submitted_on"] else None, "established_on": row["established_on"].isoformat()}
            source = report
        elif c.code in ("not_marked_abnormal", "not_serious_illegal", "not_suspended"):
            fact, source = {"unresolved_mark_on_reference_date": not met}, {"kind": "registry", "record": "marks"}
        elif c.code in ("not_abnormal_taxpayer", "general_taxpayer"):
            key = "abnormal_taxpayer" if c.code == "not_abnormal_taxpayer" else "general_taxpayer"
            value = (not met) if c.code == "not_abnormal_taxpayer" else met
            fact = {key: value if row["tax_status_batch"] else None}
            source = _agency_source("tax", row["tax_status_batch"], ag)
        elif c.code == "tax_paid_prior_year":
            fact, source = {"tax_paid": _money(row["tax_paid"]), "year": prior}, _agency_source("tax", row["tax_batch"], ag)
        elif c.code in ("insured_four_or_more", "insured_one_to_three"):
            fact = {"insured_employees": row["insured_employees"], "year": prior}
            source = _agency_source("social_insurance", row["insurance_batch"], ag)
        elif c.code == "trademark_in_use":
            fact, source = {"trademarks_in_use": row["trademarks_in_use"]}, _agency_source("trademark", row["trademark_batch"], ag)
        elif c.code == "patent_held":
            fact, source = {"patents": row["patents"]}, _agency_source("patent", row["patent_batch"], ag)
        else:  # employees of the annual report for P
            fact, source = {"employees": row["employees"], "year": prior}, report
        out.append({"condition": c.code, "label": c.label, "group": c.group, "met": met, "fact": fact,
                    "source": source})
    return out


def get_result(session: Session, *, uscc: str, year: int, principal: Principal, show_facts: bool | None = None) -> dict:
    """The published result when there is one; staff in scope also see the newest draft. The explanation's facts
    for the operator, staff in scope and the national directory, or when `show_facts` (a consented credit read)."""
    entry = repo.latest_feed_entry(session, uscc, year)
    if entry is not None:
        run = repo.run_of_no(session, entry["run_no"])
        published = True
    else:
        run = repo.latest_completed_run_with(session, uscc, year)
        published = False
        if run is None or not principal.is_staff:
            raise NotFound(f"{year}年尚无该个体工商户的已发布分型结果", code="result_not_found")
    row = repo.result_row(session, run["run_no"], uscc)
    if not published:
        require_region(principal, row["region_code"])
    ruleset = ruleset_by_version(run["ruleset"])
    if show_facts is None:
        show_facts = readable_by(principal, uscc=uscc, region_code=row["region_code"], also=("national_directory",))
    expl = explanation(session, ruleset, row, year=year)
    if not show_facts:  # the public sees which conditions held, never the agency facts behind them
        expl = [{**e, "fact": None, "source": None} for e in expl]
    type_code = entry["type_code"] if entry else row["type_code"]
    kind = TYPE_OF_RANK[type_code]
    return {
        "uscc": uscc, "year": year, "type": kind, "type_label": TYPE_LABELS[kind],
        "reasons": ["appeal_upheld"] if entry and entry["appeal_id"] else ruleset.reasons(row["met"]),
        "explanation": expl, "ruleset": ruleset.version, "reference_date": run["reference_date"],
        "run_id": run["id"], "published": published, "version": entry["version"] if entry else None,
        "region_code": row["region_code"],
        "correction": {"appeal_id": entry["appeal_id"], "reason": entry["correction_reason"]}
        if entry and entry["appeal_id"] else None,
    }


def _check_type(type_: str | None) -> None:
    if type_ is not None and type_ not in TYPE_RANK:
        raise InvalidInput("type 取值应为 survival、growth、development、excluded 之一", field="type")


def pick_results_run(runs_of_year: list[dict], *, year: int, run_id: str | None) -> dict | None:
    """The run a results list reads, of the year's runs: the one named, or the year's newest published
    run, or failing that its newest completed one."""
    if run_id:
        run = next((r for r in runs_of_year if r["id"] == run_id), None)
        if run is None:
            raise NotFound(f"{year}年没有分型运行“{run_id}”", code="run_not_found", field="run_id")
        return run
    published = [r for r in runs_of_year if r["status"] == "published"]
    if published:
        # as the query it replaces ordered them: a run without its time first, then the newest
        return max(published, key=lambda r: (r["published_at"] is None, r["published_at"] or dt.datetime.min,
                                             r["run_no"]))
    return next((r for r in reversed(runs_of_year) if r["status"] in ("completed", "publishing")), None)


def _results_run(session: Session, *, year: int, type_: str | None, run_id: str | None) -> dict | None:
    _check_type(type_)
    return pick_results_run(repo.runs_of_year(session, year), year=year, run_id=run_id)


async def list_results(pool: ReadPool, *, principal: Principal, year: int, region_code: str | None,
                       type_: str | None, run_id: str | None, page: PageRequest) -> ResultPage:
    """Staff list of one year's results (of one run, or of the year's newest published or completed
    run), read on the event loop (result_reads): the list a county clerk pages through all day."""
    region_code = scoped_region(principal, region_code)
    _check_type(type_)

    async def read(conn):
        run = pick_results_run(await result_reads.runs_of_year(conn, year), year=year, run_id=run_id)
        if run is None:
            return None, [], None
        rows, nxt = await result_reads.results_page(conn, run_no=run["run_no"], region_code=region_code,
                                                    type_code=TYPE_RANK[type_] if type_ else None, page=page)
        return run, rows, nxt
    run, rows, nxt = await pool.read(read)
    if run is None:
        return ResultPage(items=[], next_cursor=None, run_id=None)
    ruleset, published = ruleset_by_version(run["ruleset"]), run["status"] == "published"
    reasons: dict[int, list[str]] = {}  # a page holds a few distinct bitmasks of met conditions
    items = [{"uscc": r.uscc, "year": year, "type": TYPE_OF_RANK[r.type_code],
              "reasons": reasons[r.met] if r.met in reasons else reasons.setdefault(r.met, ruleset.reasons(r.met)),
              "region_code": r.region_code, "industry_code": r.industry_code, "run_id": run["id"],
              "published": published} for r in rows]
    return ResultPage.model_validate({"items": items, "next_cursor": nxt, "run_id": run["id"]})


# --- exports of the results (CONTRACT: Exports) ----------------------------------------------------
def results_export_filters(session: Session, *, principal: Principal, year: int, region_code: str | None,
                           type_: str | None, run_id: str | None) -> tuple[dict, str | None]:
    """The filters of a results export, resolved as the JSON list resolves them (the caller's region,
    the run), and the region whose staff may have the file."""
    region_code = scoped_region(principal, region_code)
    run = _results_run(session, year=year, type_=type_, run_id=run_id)
    if run is None:
        raise NotFound(f"{year}年还没有完成的分型运行，没有可导出的分型结果", code="run_not_found", field="year")
    return {"run_no": run["run_no"], "run_id": run["id"], "year": year, "ruleset": run["ruleset"],
            "published": run["status"] == "published", "region_code": region_code,
            "type_code": TYPE_RANK[type_] if type_ else None}, region_code


def export_results(session: Session, *, engine, principal: Principal, fmt: str, year: int, region_code: str | None,
                   type_: str | None, run_id: str | None):
    """The list as a streamed file; a year without a run gives the header alone, as the JSON list gives
    no items."""
    if _results_run(session, year=year, type_=type_, run_id=run_id) is None:
        scoped_region(principal, region_code)
        return exports.stream(fmt, result_exports.HEADER, ())
    filters, _ = results_export_filters(session, principal=principal, year=year, region_code=region_code,
                                        type_=type_, run_id=run_id)
    return result_exports.RESULTS.stream(engine, fmt, filters)


def request_results_export(session: Session, *, principal: Principal, fmt: str, year: int, region_code: str | None,
                           type_: str | None, run_id: str | None) -> JobRead:
    filters, region = results_export_filters(session, principal=principal, year=year, region_code=region_code,
                                             type_=type_, run_id=run_id)
    return export_jobs.request(session, list_name="results", fmt=fmt, filters=filters, region_code=region,
                               principal=principal)


def get_results_export(session: Session, *, job_id: str, principal: Principal) -> JobRead:
    return job_store.get(session, export_jobs.job(session, job_id, principal)["id"])


def results_export_file(session: Session, *, engine, job_id: str, principal: Principal):
    return export_jobs.download(session, engine, export_jobs.job(session, job_id, principal))


# --- the national feed ---------------------------------------------------------------------------
def feed(session: Session, *, page: PageRequest) -> dict:
    """Published results and corrections in order; next_cursor is given after every entry, so a
    client resumes from where it stopped (an empty page means it has caught up)."""
    rows, nxt = repo.feed_page(session, page)
    runs: dict[int, dict] = {}
    items = []
    for r in rows:
        if r["run_no"] not in runs:
            runs[r["run_no"]] = repo.run_of_no(session, r["run_no"])
        run = runs[r["run_no"]]
        ruleset = ruleset_by_version(run["ruleset"])
        kind = TYPE_OF_RANK[r["type_code"]]
        items.append({
            "seq": r["seq"], "uscc": r["uscc"], "year": r["year"], "version": r["version"], "type": kind,
            "type_label": TYPE_LABELS[kind],
            "reasons": ["appeal_upheld"] if r["appeal_id"] else ruleset.reasons(r["met"] or 0),
            "region_code": r["region_code"], "industry_code": r["industry_code"], "ruleset": ruleset.version,
            "reference_date": run["reference_date"], "run_id": run["id"], "published_at": r["published_at"],
            "correction": {"appeal_id": r["appeal_id"], "reason": r["correction_reason"]} if r["appeal_id"] else None,
        })
    return {"items": items, "next_cursor": nxt}


# --- corrections from upheld appeals --------------------------------------------------------------
def apply_appeal_decision(session: Session, *, data: dict, traceparent: str | None) -> None:
    """附件1 一(三)3：对符合标准的，及时调整分型结果，并答复申诉人 — a new published version."""
    if data.get("target_kind") != "typing_result" or data.get("decision") != "upheld":
        return
    corrected = data.get("corrected_type")
    if corrected not in TYPE_RANK:
        log.warning("appeal %s upheld without a valid corrected_type (%r); nothing to correct",
                    data.get("appeal_id"), corrected)
        return
    entry = repo.latest_feed_entry(session, data["uscc"], data.get("year"))
    if entry is None:
        log.warning("appeal %s: no published result of %s for %s", data.get("appeal_id"), data["uscc"], data.get("year"))
        return
    if entry["appeal_id"] == data["appeal_id"]:
        return
    run = repo.run_of_no(session, entry["run_no"])
    published_at = clock.now()
    new = repo.insert_feed_entry(
        session, uscc=entry["uscc"], year=entry["year"], version=entry["version"] + 1, type_code=TYPE_RANK[corrected],
        run_no=entry["run_no"], region_code=entry["region_code"], industry_code=entry["industry_code"],
        published_at=published_at, appeal_id=data["appeal_id"], correction_reason=data.get("reason") or "")
    outbox.emit(session, TypingResultPublished(
        uscc=new["uscc"], year=new["year"], type=corrected, reasons=["appeal_upheld"], region_code=new["region_code"],
        industry_code=new["industry_code"], ruleset=run["ruleset"], run_id=run["id"], version=new["version"],
        published_at=published_at, correction=Correction(appeal_id=data["appeal_id"], reason=data.get("reason") or "")),
        key=new["uscc"], traceparent=traceparent)


# --- standards and statistics ---------------------------------------------------------------------
def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def standards(*, year: int | None) -> dict:
    """The ruleset in force: as text a person reads and as data a program reads."""
    rs = ruleset_for(year) if year else max(RULESETS, key=lambda r: r.in_force_from)
    params = rs.params(year=year or clock.today().year, reference_date=None)
    r = params.reference_date
    lines = [rs.title, f"适用分型年度：{rs.in_force_from}年起" + (f"至{rs.in_force_to}年" if rs.in_force_to else ""),
             f"基准日：分型年度的{rs.default_reference[0]}月{rs.default_reference[1]}日（可在运行时另行指定）；上一年度为分型年度减一。"]
    for group, title in (("basic", "基础标准（全部满足，否则不符合分型条件）"), ("seniority", "成长型、发展型共同条件"),
                         ("development", "发展型（满足其一）"), ("growth", "成长型（满足其一）")):
        lines.append(title + "：")
        lines += [f"  - {c.label}（{c.clause}）" for c in rs.group(group)]
    lines.append(rs.description)
    lines.append("判定口径：")
    lines += [f"  {d}" for d in rs.decisions]
    return {
        "ruleset": rs.version, "title": rs.title, "in_force_from": rs.in_force_from, "in_force_to": rs.in_force_to,
        "default_reference_date": params.reference_date.isoformat(),
        "text": "\n".join(lines),
        "conditions": [{"code": c.code, "group": c.group, "label": c.label, "clause": c.clause, "fact": c.fact,
                        "source": c.source} for c in rs.conditions],
        # Each threshold as in force on the default reference date, with its dated series (kit's form).
        "parameters": [{"name": p.name, "value": _plain(p.on(r)), "unit": rs.units[p.name],
                        "effective_from": p.entry_on(r).in_force_from.isoformat(), "reference": p.entry_on(r).clause,
                        "series": p.describe(_plain)["series"]} for p in rs.parameters],
        "types": [{"code": k, "label": v} for k, v in TYPE_LABELS.items()],
        "decisions": rs.decisions,
    }


def statistics(session: Session, *, principal: Principal, year: int, region_code: str | None) -> dict:
    """Published counts of a year by region, type and industry (corrections included)."""
    region_code = scoped_region(principal, region_code)
    rows = repo.statistics(session, year=year, region_code=region_code)
    by_region: dict[str, dict[str, int]] = {}
    by_type: dict[str, int] = {k: 0 for k in TYPE_LABELS}
    by_industry: dict[str, dict[str, int]] = {}
    for region, industry, code, n in rows:
        kind = TYPE_OF_RANK[code]
        by_region.setdefault(region, {k: 0 for k in TYPE_LABELS})[kind] += n
        by_type[kind] += n
        by_industry.setdefault(industry or "unknown", {k: 0 for k in TYPE_LABELS})[kind] += n
    return {"year": year, "region_code": region_code, "total": sum(by_type.values()), "by_type": by_type,
            "by_region": dict(sorted(by_region.items())), "by_industry": dict(sorted(by_industry.items()))}


def transitions(session: Session, *, principal: Principal, from_year: int, to_year: int,
                region_code: str | None) -> dict:
    """Businesses by (type in from_year → type in to_year), e.g. 生存型→成长型."""
    if from_year >= to_year:
        raise InvalidInput("from_year 应早于 to_year", field="from_year")
    region_code = scoped_region(principal, region_code)
    rows = repo.transitions(session, from_year=from_year, to_year=to_year, region_code=region_code)
    items = sorted(({"from": TYPE_OF_RANK[a], "to": TYPE_OF_RANK[b], "count": n,
                     "label": f"{TYPE_LABELS[TYPE_OF_RANK[a]]}→{TYPE_LABELS[TYPE_OF_RANK[b]]}",
                     "direction": "up" if b > a else "down" if b < a else "same"}
                    for a, b, n in rows), key=lambda x: (x["from"], x["to"]))
    return {"from_year": from_year, "to_year": to_year, "region_code": region_code, "items": items}

