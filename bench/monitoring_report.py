"""Benchmark of monitoring-svc: the yearly report job over 40,000 businesses with four quarters of returns.

The projections (40,000 businesses, their published types of two years, recognitions, objections) and
160,000 operating returns are bulk-generated with server-side SQL in a fresh database built by the
real migrations; then a yearly report is requested through the service function and the real job
loop of the worker builds it (the analysis queries, the XLSX workbook, the HTML report with its
charts). The clock runs from the request to the job's completion; peak memory is the process's
maximum resident set size after the job, beside its value before.

Usage: DATABASE_URL=postgresql+psycopg://user:pw@host:port/ python bench/monitoring_report.py [--n 40000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import threading
import time
from pathlib import Path

from sqlalchemy import text

from getihu_kit import testing
from getihu_kit.auth import Principal
from getihu_kit.db import make_engine, make_sessionmaker, unit_of_work
from monitoring_svc import report
from monitoring_svc.imports import STORE, job_runner
from monitoring_svc.schemas import ReportCreate
from monitoring_svc.settings import MIGRATIONS

YEAR = 2025
RESULTS = Path(__file__).resolve().parent / "results" / "monitoring.md"
REGIONS = ["232701", "232721", "232722", "232761", "232762", "232763", "232764"]
SEED = f"""
INSERT INTO business_projection (uscc, name, region_code, industry_code, status, version)
SELECT '92' || (ARRAY{REGIONS})[1 + i % 7] || lpad(i::text, 9, '0') || 'X', '店' || i, (ARRAY{REGIONS})[1 + i % 7],
       (ARRAY['H6210', 'F5211', 'O8011', 'C1391', 'A0511'])[1 + i % 5], 'registered', 1
FROM generate_series(0, :n - 1) i;
INSERT INTO typing_result_projection (uscc, year, type, region_code, industry_code, ruleset, version, published_at)
SELECT b.uscc, y, (ARRAY['survival','survival','survival','survival','survival','survival','survival','growth',
                         'growth','development'])[1 + (abs(hashtext(b.uscc || y)) % 10)],
       b.region_code, b.industry_code, '2024.1', 1, now()
FROM business_projection b CROSS JOIN (VALUES ({YEAR - 1}), ({YEAR})) v(y);
INSERT INTO recognition_projection (recognition_id, uscc, region_code, category, status, year, recognised_on, valid_until, changed_at)
SELECT 'rc-' || row_number() OVER (), uscc, region_code, (ARRAY['renowned','distinctive','quality','emerging'])[1 + (abs(hashtext(uscc)) % 4)],
       'granted', {YEAR}, DATE '{YEAR}-11-30', DATE '{YEAR + 3}-12-31', now()
FROM typing_result_projection WHERE year = {YEAR} AND type = 'development' AND abs(hashtext(uscc)) % 20 = 0;
INSERT INTO appeal_projection (appeal_id, target_kind, uscc, year, region_code, filed_at, due_on, decision, decided_at)
SELECT 'apl-' || row_number() OVER (), 'typing_result', uscc, {YEAR}, region_code, now() - interval '20 days',
       current_date, (ARRAY['upheld', 'rejected', NULL])[1 + (abs(hashtext(uscc)) % 3)], now() - interval '10 days'
FROM business_projection WHERE abs(hashtext(uscc)) % 20 = 1;
INSERT INTO operating_return (uscc, year, quarter, region_code, sales, costs, profit, employees, new_hires,
                              loans_outstanding, loans_obtained, financing_need, outlook, difficulties, source,
                              contact_point_id, submitted_by, submitted_at, revision)
SELECT b.uscc, {YEAR}, q, b.region_code, 10000 + (abs(hashtext(b.uscc || q)) % 90000), 8000, 2000 - (abs(hashtext(b.uscc)) % 3000),
       1 + abs(hashtext(b.uscc)) % 6, abs(hashtext(b.uscc || q)) % 2, 50000, 0,
       (ARRAY['none','met','unmet'])[1 + abs(hashtext(b.uscc || q)) % 3],
       (ARRAY['better','stable','worse'])[1 + abs(hashtext(b.uscc || 'o' || q)) % 3], NULL, 'county_import', NULL,
       'bench', now(), 1
FROM business_projection b CROSS JOIN generate_series(1, 4) q;
ANALYZE;
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40_000)
    args = ap.parse_args()
    url = testing.fresh_database("bench_monitoring_report", MIGRATIONS)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    t0 = time.monotonic()
    with engine.begin() as conn:
        for stmt in filter(str.strip, SEED.split(";\n")):
            conn.execute(text(stmt), {"n": args.n})
        returns = conn.execute(text("SELECT count(*) FROM operating_return")).scalar_one()
    seed_s = time.monotonic() - t0

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    prefecture = Principal(sub="bench", roles=frozenset({"prefecture_staff"}))
    t1 = time.monotonic()
    with unit_of_work(sessions) as session:
        job_id = report.request_report(session, data=ReportCreate(year=YEAR), principal=prefecture).id
    stop = threading.Event()
    loop = threading.Thread(target=job_runner(idle_wait_s=0.01), args=(engine, sessions, stop), daemon=True)
    loop.start()
    while True:
        with sessions() as session:
            job = STORE.get(session, job_id)
        if job.status in ("completed", "failed"):
            break
        time.sleep(0.02)
    elapsed = time.monotonic() - t1
    stop.set()
    loop.join(10)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with engine.connect() as conn:
        size_xlsx, size_html = conn.execute(text("SELECT length(xlsx), length(html) FROM report_file")).one()
    load = os.getloadavg()
    lines = [
        "# monitoring-svc: the yearly report job over 40,000 businesses with four quarters of returns",
        "",
        f"Run {dt.datetime.now(dt.timezone.utc).isoformat(timespec='minutes')} on {platform.node()} "
        f"({os.cpu_count()} cores, shared with other engineers' work; load {load[0]:.1f} at the end).",
        "",
        f"- data: {args.n:,} businesses, types for {YEAR - 1} and {YEAR}, {returns:,} returns (four quarters), "
        f"recognitions and objections (seeded by SQL in {seed_s:.1f} s, before the clock starts)",
        f"- report job ({job.status}): **{elapsed:.2f} s** from the request to completion (analysis queries, "
        f"XLSX of {size_xlsx / 1024:.0f} kB, HTML of {size_html / 1024:.0f} kB)",
        f"- peak memory (max RSS of the process): {rss_before:.0f} MB before, **{rss_after:.0f} MB** after",
        "",
        "How: every table is one grouped SQL query (a LATERAL lookup gives each return its type), so the "
        "worker holds a few hundred result rows, never the businesses or the returns; the workbook is "
        "written by openpyxl's write-only mode.",
        "",
        "Reproduce: `make bench BENCH=monitoring_report` (or `DATABASE_URL=… python bench/monitoring_report.py --n 40000`)",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    engine.dispose()


if __name__ == "__main__":
    main()
