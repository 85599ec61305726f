"""Benchmark of kit.exports: 1,000,000 typing-result-shaped rows streamed as CSV and as XLSX.

A table of 1,000,000 rows shaped like the typing results a clerk exports (USCC, year, type, reasons,
region, industry, ruleset, published time) is generated with server-side SQL in a fresh database; then
each format is produced by kit.exports from a server-side cursor and its bytes are consumed as a
streamed answer would be (counted, not kept). Rows per second and the process's peak resident memory
(max RSS, before and after) are recorded; the target is ≤ 200 MB.

The export *job* path (`--what job`) is the one a clerk's million-row XLSX takes: real typing results
(typing-svc's own tables, built by its migrations) in a completed run, a job requested as
`POST /api/v1/typing/results/exports` requests it, then run by the worker's export processor
(kit.export_jobs), which writes the file into `export_files` in 1 MiB chunks; the download is read back
chunk by chunk. Rows per second and this worker process's peak memory are recorded, with the load.

Usage: DATABASE_URL=postgresql+psycopg://user:pw@host:port/ python bench/export_stream.py [--n 1000000]
       [--what stream|job|both]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import time
from pathlib import Path

from sqlalchemy import column, select, table, text

from getihu_kit import exports, testing
from getihu_kit.db import make_engine

RESULTS = Path(__file__).resolve().parent / "results" / "exports.md"
MEMORY_TARGET_MB = 200
HEADER = ["统一社会信用代码", "年度", "类型", "原因", "区划代码", "行业代码", "规则版本", "发布时间"]
COLUMNS = ["uscc", "year", "type", "reasons", "region_code", "industry_code", "ruleset", "published_at"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


JOB_HEADING = "## The export job"


def job_path(n: int, formats: tuple[str, ...]) -> list[str]:
    """`n` typing results exported by the job path, each format timed from request to finished file."""
    from getihu_kit.auth import Principal
    from getihu_kit.db import make_sessionmaker, unit_of_work
    from getihu_kit.jobs import Progress
    from typing_svc import service
    from typing_svc.settings import MIGRATIONS

    engine = make_engine(testing.fresh_database("bench_export_jobs", MIGRATIONS))
    sessions = make_sessionmaker(engine)
    clerk = Principal(sub="bench", roles=frozenset({"prefecture_staff"}))
    t0 = time.monotonic()
    with unit_of_work(sessions) as session:
        run = service.create_run(session, year=2026, reference_date=None, region_codes=None, trigger="staff",
                                 created_by="bench")
    with engine.begin() as conn:  # the run as its job would leave it: completed, with n results
        conn.execute(text("UPDATE typing_run SET status = 'completed', progress = 1 WHERE id = :id"), {"id": run["id"]})
        conn.execute(text("UPDATE jobs SET status = 'completed', progress = 1"))
        conn.execute(text(
            "INSERT INTO typing_result (run_no, uscc, region_code, industry_code, type_code, met, established_on) "
            "SELECT r.run_no, '92232701' || lpad(i::text, 9, '0') || 'X', "
            "(ARRAY['232701','232721','232722','232761','232762','232763','232764'])[1 + i % 7], 'H6210', i % 4, "
            "(i * 7919) % 4096, DATE '2020-01-01' FROM typing_run r, generate_series(1, :n) i WHERE r.id = :id"),
            {"n": n, "id": run["id"]})
    lines = [JOB_HEADING, "", f"{n:,} typing results of one completed run (seeded by SQL in "
             f"{time.monotonic() - t0:.1f} s), exported through `POST /api/v1/typing/results/exports` as the "
             "service does it: the job queued, claimed and run by the worker's export processor, the file "
             "written into `export_files` and read back for download chunk by chunk.", ""]
    for fmt in formats:
        before = rss_mb()
        t1 = time.monotonic()
        with unit_of_work(sessions) as session:
            job = service.request_results_export(session, principal=clerk, fmt=fmt, year=2026, region_code=None,
                                                 type_=None, run_id=run["id"])
        claimed = service.job_store.claim(engine)
        assert claimed is not None and claimed["id"] == job.id, "the export job is the one queued"
        progress = Progress(service.job_store, engine, claimed, 0)
        service.export_jobs.process(engine, sessions, claimed, iter(()), progress)
        service.job_store.finish(engine, job.id, status="completed", processed=progress.processed,
                                 accepted=progress.accepted, rejected=0, errors=[])
        built = time.monotonic() - t1
        with unit_of_work(sessions) as session:
            body, _, _ = service.results_export_file(session, engine=engine, job_id=job.id, principal=clerk)
        size = sum(len(piece) for piece in body)
        after = rss_mb()
        verdict = "met" if after <= MEMORY_TARGET_MB else "MISSED"
        lines.append(f"- job {fmt}: {progress.processed:,} rows, {size / 2**20:.0f} MB, file ready in **{built:.1f} s** → "
                     f"**{progress.processed / built:,.0f} rows/s**; worker peak RSS {before:.0f} MB before, "
                     f"**{after:.0f} MB** after (target ≤ {MEMORY_TARGET_MB} MB → {verdict}); load "
                     f"{os.getloadavg()[0]:.1f}")
        print(lines[-1], flush=True)
    engine.dispose()
    return lines


def record_job_section(section: list[str]) -> None:
    """The job section replaces its previous run in the results file; the streamed section stays."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    kept = old.split(JOB_HEADING)[0].rstrip()
    RESULTS.write_text(kept + "\n\n" + "\n".join(section) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--what", choices=("stream", "job", "both"), default="both")
    ap.add_argument("--formats", default="csv,xlsx")
    ap.add_argument("--note", default="", help="a line recorded with the job section (why this size)")
    args = ap.parse_args()
    formats = tuple(f for f in args.formats.split(",") if f)
    if args.what == "job":
        section = job_path(args.n, formats)
        record_job_section(section + ([args.note] if args.note else []))
        return
    engine = make_engine(testing.fresh_database("bench_exports", None))
    t0 = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE result AS SELECT '92232701' || lpad(i::text, 9, '0') || 'X' AS uscc, 2025 AS year, "
            "(ARRAY['survival','growth','development','excluded'])[1 + i % 4] AS type, "
            "CASE WHEN i % 4 = 3 THEN 'abnormal_operation' ELSE '' END AS reasons, "
            "(ARRAY['232701','232721','232722','232761','232762','232763','232764'])[1 + i % 7] AS region_code, "
            "'H6210' AS industry_code, '2024.1' AS ruleset, now() AS published_at FROM generate_series(1, :n) i"),
            {"n": args.n})
        conn.execute(text("ALTER TABLE result ADD PRIMARY KEY (uscc)"))
    seed_s = time.monotonic() - t0
    stmt = select(*[column(c) for c in COLUMNS]).select_from(table("result")).order_by(column("uscc"))
    lines = [f"# kit.exports: {args.n:,} typing-result rows streamed as CSV and XLSX", "",
             f"Run {dt.datetime.now(dt.timezone.utc).isoformat(timespec='minutes')} on {platform.node()} "
             f"({os.cpu_count()} cores, shared with other engineers' work). Rows generated by SQL in {seed_s:.1f} s "
             f"before the clock starts; the bytes are counted as a streamed answer consumes them, never kept.", ""]
    for fmt in ("csv", "xlsx"):
        before = rss_mb()
        t1 = time.monotonic()
        body, media = exports.stream(fmt, HEADER, exports.export_rows(engine, stmt))
        size = sum(len(piece) for piece in body)
        elapsed = time.monotonic() - t1
        after = rss_mb()
        verdict = "met" if after <= MEMORY_TARGET_MB else "MISSED"
        lines.append(f"- {fmt}: {size / 2**20:.0f} MB in **{elapsed:.1f} s** → **{args.n / elapsed:,.0f} rows/s**; "
                     f"peak RSS {before:.0f} MB before, **{after:.0f} MB** after (target ≤ {MEMORY_TARGET_MB} MB → "
                     f"{verdict}); load {os.getloadavg()[0]:.1f}")
        print(lines[-1], flush=True)  # each format as it finishes: a slow machine still records the first
    lines += ["", "How: a server-side cursor fetches 2,000 rows at a time; CSV goes out every 500 rows; the XLSX is "
                  "written by openpyxl's write-only mode (each sheet streamed to a temporary file, a new sheet every "
                  "1,048,575 data rows), then sent in 1 MiB blocks.", "",
              "Reproduce: `make bench BENCH=export_stream` (or `DATABASE_URL=… python bench/export_stream.py --n 1000000`)",
              ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    engine.dispose()
    if args.what == "both":
        record_job_section(job_path(args.n, formats) + ([args.note] if args.note else []))


if __name__ == "__main__":
    main()
