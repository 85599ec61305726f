"""Use cases of typing-svc: keyword-only, session first, never commit."""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from getihu_kit.auth import Principal, require_region
from getihu_kit.domain import regions
from getihu_kit.errors import Conflict, InvalidInput, NotFound
from getihu_kit.outbox import Outbox
from getihu_kit.pagination import check_limit, decode_cursor, encode_cursor
from getihu_kit.schemas.typing import Correction, TypeCounts, TypingPublished, TypingResultPublished
from typing_svc import repository as repo
from typing_svc.models import outbox as outbox_table
from typing_svc.rules import TYPE_CODES, TYPE_LABELS, TYPE_RANK, RULESETS, Ruleset, ruleset_by_version, ruleset_for

log = logging.getLogger(__name__)
outbox = Outbox(outbox_table, source="/getihu/typing")


# --- runs --------------------------------------------------------------------------------------
def counts_of(by_code: dict[int, int]) -> dict[str, int]:
    return {name: int(by_code.get(code, 0)) for code, name in TYPE_CODES.items()}


def run_read(session: Session, run: dict) -> dict:
    return {
        "id": run["id"], "year": run["year"], "reference_date": run["reference_date"],
        "region_codes": run["region_codes"], "ruleset": run["ruleset"], "status": run["status"],
        "progress": 1.0 if run["status"] in ("completed", "published") else round(run["progress"], 4),
        "counts": run["counts"] or {"survival": 0, "growth": 0, "development": 0, "excluded": 0},
        "trigger": run["trigger"], "message": run["message"], "created_by": run["created_by"],
        "created_at": run["created_at"], "started_at": run["started_at"], "finished_at": run["finished_at"],
        "published_at": run["published_at"],
        "batches": repo.batches_of_run(session, run["run_no"]) if run["status"] in ("completed", "published") else [],
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
    """Queue a typing run; the worker executes it (GET the run for its progress)."""
    ruleset = ruleset_for(year)
    params = ruleset.params(year=year, reference_date=reference_date)
    r = params.reference_date
    if not (dt.date(year, 1, 1) <= r <= dt.date(year, 12, 31)):
        raise InvalidInput(f"基准日应在分型年度{year}年之内（默认{year}-06-30）", field="reference_date")
    run_id = f"ty_{uuid.uuid4().hex}"
    repo.insert_run(session, id=run_id, year=year, reference_date=r, region_codes=_region_codes(region_codes),
                    ruleset=ruleset.version, status="queued", progress=0.0, trigger=trigger,
                    trigger_event_id=trigger_event_id, created_by=created_by)
    return run_read(session, repo.get_run(session, run_id))


def get_run(session: Session, *, run_id: str) -> dict:
    run = repo.get_run(session, run_id)
    if run is None:
        raise NotFound(f"分型运行“{run_id}”不存在", code="run_not_found")
    return run_read(session, run)


def list_runs(session: Session, *, year: int) -> list[dict]:
    return [run_read(session, r) for r in reversed(repo.runs_of_year(session, year))]


def run_as_job(session: Session, *, run_id: str) -> dict:
    """The run in the shape of the platform's job resource (GET /api/v1/jobs/{id})."""
    r = get_run(session, run_id=run_id)
    total = sum(r["counts"].values())
    return {"id": r["id"], "kind": "typing_run", "status": "completed" if r["status"] == "published" else r["status"],
            "progress": r["progress"], "processed": total, "accepted": total, "rejected": 0, "errors": [],
            "message": r["message"], "created_at": r["created_at"], "finished_at": r["finished_at"]}


def start_run_on_annual_report_closed(session: Session, *, event_id: str, data: dict) -> None:
    """附件1 一(三)1：每年7月份个体工商户年度报告结束后……进行一次个体工商户集中分型判定。"""
    if repo.run_by_trigger_event(session, event_id) is not None:
        return
    create_run(session, year=int(data["typing_year"]), reference_date=dt.date.fromisoformat(data["reference_date"]),
               region_codes=None, trigger="annual-report-closed", created_by=data.get("closed_by"),
               trigger_event_id=event_id)


# --- publication -------------------------------------------------------------------------------
def _type_counts(rows) -> dict[str, TypeCounts]:
    by_region: dict[str, dict[str, int]] = {}
    for region, code, n in rows:
        by_region.setdefault(region, {})[TYPE_CODES[code]] = n
    return {k: TypeCounts(**v) for k, v in sorted(by_region.items())}


def publish_run(session: Session, *, run_id: str, principal: Principal, traceparent: str | None) -> dict:
    """Make the run's results the published ones for its year; emit typing-published and one
    result event per business (the registry labels the 名录, cultivation and notify react)."""
    run = repo.get_run(session, run_id, for_update=True)
    if run is None:
        raise NotFound(f"分型运行“{run_id}”不存在", code="run_not_found")
    if run["status"] == "published":
        raise Conflict("该分型运行已发布，不能重复发布", code="run_already_published")
    if run["status"] != "completed":
        raise Conflict(f"分型运行尚未完成（当前状态：{run['status']}），完成后才能发布", code="run_not_completed")
    ruleset = ruleset_by_version(run["ruleset"])
    published_at = repo.now()
    start, end = repo.publish_into_feed(session, run_no=run["run_no"], year=run["year"], published_at=published_at)
    reasons = {m: ruleset.reasons(m) for m in repo.distinct_met(session, run["run_no"])}
    repo.emit_result_events(session, outbox_table=outbox.table, source=outbox.source,
                            event_type=TypingResultPublished.event_type, topic=TypingResultPublished.topic,
                            run_no=run["run_no"], run_id=run["id"], ruleset=ruleset.version, reasons_by_met=reasons, type_names=TYPE_CODES,
                            after_seq=start, up_to=end, published_at=published_at, traceparent=traceparent)
    repo.update_run(session, run["run_no"], status="published", published_at=published_at,
                    published_by=principal.audit_name())
    by_region = _type_counts(repo.counts_by_region(session, run["run_no"]))
    outbox.emit(session, TypingPublished(
        run_id=run["id"], year=run["year"], reference_date=run["reference_date"], ruleset=ruleset.version,
        counts=TypeCounts(**(run["counts"] or {})), counts_by_region=by_region, published_at=published_at),
        key=f"typing:{run['year']}", traceparent=traceparent)
    return run_read(session, repo.get_run(session, run_id))


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


def _sees_facts(principal: Principal, uscc: str, region_code: str | None) -> bool:
    return principal.owns(uscc) or principal.can_act_in_region(region_code) or principal.has("national_directory")


def get_result(session: Session, *, uscc: str, year: int, principal: Principal) -> dict:
    """The published result when there is one; staff in scope also see the newest draft."""
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
    show_facts = _sees_facts(principal, uscc, row["region_code"])
    expl = explanation(session, ruleset, row, year=year)
    if not show_facts:  # the public sees which conditions held, never the agency facts behind them
        expl = [{**e, "fact": None, "source": None} for e in expl]
    type_code = entry["type_code"] if entry else row["type_code"]
    kind = TYPE_CODES[type_code]
    return {
        "uscc": uscc, "year": year, "type": kind, "type_label": TYPE_LABELS[kind],
        "reasons": ["appeal_upheld"] if entry and entry["appeal_id"] else ruleset.reasons(row["met"]),
        "explanation": expl, "ruleset": ruleset.version, "reference_date": run["reference_date"],
        "run_id": run["id"], "published": published, "version": entry["version"] if entry else None,
        "region_code": row["region_code"],
        "correction": {"appeal_id": entry["appeal_id"], "reason": entry["correction_reason"]}
        if entry and entry["appeal_id"] else None,
    }


def list_results(session: Session, *, principal: Principal, year: int, region_code: str | None, type_: str | None,
                 run_id: str | None, cursor: str | None, limit: int) -> dict:
    """Staff list of one year's results (of one run, or of the year's newest published or completed run)."""
    check_limit(limit)
    if not principal.sees_all_regions:
        region_code = region_code or principal.region_code
        require_region(principal, region_code)
    if type_ is not None and type_ not in TYPE_RANK:
        raise InvalidInput("type 取值应为 survival、growth、development、excluded 之一", field="type")
    if run_id:
        run = repo.get_run(session, run_id)
        if run is None or run["year"] != year:
            raise NotFound(f"{year}年没有分型运行“{run_id}”", code="run_not_found")
    else:
        run = repo.latest_published_run(session, year) or next(
            (r for r in reversed(repo.runs_of_year(session, year)) if r["status"] == "completed"), None)
        if run is None:
            return {"items": [], "next_cursor": None, "run_id": None}
    pos = decode_cursor(cursor)
    after = (run["run_no"], str(pos["uscc"])) if pos else None
    rows = repo.list_results(session, run_nos=[run["run_no"]], region_code=region_code,
                             type_code=TYPE_RANK[type_] if type_ else None, after=after, limit=limit + 1)
    ruleset = ruleset_by_version(run["ruleset"])
    items = [{"uscc": r["uscc"], "year": year, "type": TYPE_CODES[r["type_code"]], "reasons": ruleset.reasons(r["met"]),
              "region_code": r["region_code"], "industry_code": r["industry_code"], "run_id": run["id"],
              "published": run["status"] == "published"} for r in rows[:limit]]
    nxt = encode_cursor({"uscc": rows[limit - 1]["uscc"]}) if len(rows) > limit else None
    return {"items": items, "next_cursor": nxt, "run_id": run["id"]}


# --- the national feed ---------------------------------------------------------------------------
def feed(session: Session, *, cursor: str | None, limit: int) -> dict:
    """Published results and corrections in order; next_cursor is always given so a client resumes
    from where it stopped (an empty page means it has caught up)."""
    check_limit(limit)
    pos = decode_cursor(cursor)
    after = int(pos.get("seq", 0)) if pos else 0
    rows = repo.feed_rows(session, after_seq=after, limit=limit)
    runs: dict[int, dict] = {}
    items = []
    for r in rows:
        if r["run_no"] not in runs:
            runs[r["run_no"]] = repo.run_of_no(session, r["run_no"])
        run = runs[r["run_no"]]
        ruleset = ruleset_by_version(run["ruleset"])
        kind = TYPE_CODES[r["type_code"]]
        items.append({
            "seq": r["seq"], "uscc": r["uscc"], "year": r["year"], "version": r["version"], "type": kind,
            "type_label": TYPE_LABELS[kind],
            "reasons": ["appeal_upheld"] if r["appeal_id"] else ruleset.reasons(r["met"] or 0),
            "region_code": r["region_code"], "industry_code": r["industry_code"], "ruleset": ruleset.version,
            "reference_date": run["reference_date"], "run_id": run["id"], "published_at": r["published_at"],
            "correction": {"appeal_id": r["appeal_id"], "reason": r["correction_reason"]} if r["appeal_id"] else None,
        })
    last = rows[-1]["seq"] if rows else after
    return {"items": items, "next_cursor": encode_cursor({"seq": last})}


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
    published_at = repo.now()
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
def standards(*, year: int | None) -> dict:
    """The ruleset in force: as text a person reads and as data a program reads."""
    rs = ruleset_for(year) if year else max(RULESETS, key=lambda r: r.in_force_from)
    params = rs.params(year=year or dt.date.today().year, reference_date=None)
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
        "parameters": [{"name": p.name, "value": str(p.value) if isinstance(p.value, Decimal) else p.value,
                        "unit": p.unit, "effective_from": p.effective_from.isoformat(), "reference": p.reference}
                       for p in rs.parameters],
        "types": [{"code": k, "label": v} for k, v in TYPE_LABELS.items()],
        "decisions": rs.decisions,
    }


def statistics(session: Session, *, principal: Principal, year: int, region_code: str | None) -> dict:
    """Published counts of a year by region, type and industry (corrections included)."""
    if not principal.sees_all_regions:
        region_code = region_code or principal.region_code
        require_region(principal, region_code)
    rows = repo.statistics(session, year=year, region_code=region_code)
    by_region: dict[str, dict[str, int]] = {}
    by_type: dict[str, int] = {k: 0 for k in TYPE_LABELS}
    by_industry: dict[str, dict[str, int]] = {}
    for region, industry, code, n in rows:
        kind = TYPE_CODES[code]
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
    if not principal.sees_all_regions:
        region_code = region_code or principal.region_code
        require_region(principal, region_code)
    rows = repo.transitions(session, from_year=from_year, to_year=to_year, region_code=region_code)
    items = sorted(({"from": TYPE_CODES[a], "to": TYPE_CODES[b], "count": n,
                     "label": f"{TYPE_LABELS[TYPE_CODES[a]]}→{TYPE_LABELS[TYPE_CODES[b]]}",
                     "direction": "up" if TYPE_RANK[TYPE_CODES[b]] > TYPE_RANK[TYPE_CODES[a]] else
                     "down" if TYPE_RANK[TYPE_CODES[b]] < TYPE_RANK[TYPE_CODES[a]] else "same"}
                    for a, b, n in rows), key=lambda x: (x["from"], x["to"]))
    return {"from_year": from_year, "to_year": to_year, "region_code": region_code, "items": items}

