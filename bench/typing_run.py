"""Benchmark of typing-svc's yearly run.

1. 1,000,000 businesses: a run from start (POST-equivalent: the queued run and its job) to completed,
   results stored, timed through the worker's own job loop (claim → chunked INSERT … SELECT with the
   job's progress → counts → completed event in the outbox). Then its publication as staff start it:
   the POST-equivalent (answered at once with the run `publishing`), and the publish job in chunks
   (feed rows and result events set-based, progress per chunk) until the run is `published`.
   Peak memory is the resident set of this process, which runs that code.
2. 40,000 businesses (a prefecture): from an `annual-report-closed` event produced to Kafka to the
   run completed, with the typing worker (consumers, relay, job loop) running as in production; then
   its publication by that worker.

Data: bulk-generated straight into typing-svc's projection tables with server-side SQL
(generate_series and random() with a fixed seed), not through events: the benchmark measures the run,
not the projection. Distributions are set to look like a prefecture's register: 7 counties of uneven
size, establishment dates over 30 years, most businesses with no employees, about half with a tax
record, few with social insurance, trademarks or patents, a few percent with marks or off the register.

Usage: DATABASE_URL=postgresql+psycopg://user:pw@host:port/ python bench/typing_run.py [--n 1000000] [--small 40000]
       (a quick check: --n 20000 --small 5000)
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import threading
import time

from sqlalchemy import text

from getihu_kit import testing
from getihu_kit.bus import ensure_topics, make_producer
from getihu_kit.db import make_engine, make_sessionmaker, run_migrations, unit_of_work
from getihu_kit.auth import Principal
from getihu_kit.events import make_event, physical
from getihu_kit.jobs import job_loop
from getihu_kit.schemas.registry import AnnualReportClosed
from getihu_kit.worker import Worker
from typing_svc import runner, service
from typing_svc.settings import MIGRATIONS, Settings
from typing_svc.worker import spec

YEAR, R = 2025, dt.date(2025, 6, 30)

GENERATE = [
    "SELECT setseed(0.42)",
    # 7 counties of uneven size; USCC = 92 + county + serial + a fixed last character (unique, 18 chars).
    """INSERT INTO business_projection (uscc, region_code, industry_code, established_on, seasonal, status, version,
                                        applied_events, updated_at)
       SELECT '92' || c.code || lpad(g::text, 9, '0') || 'X', c.code,
              (ARRAY['F52','H61','H62','O80','E48','A01','C13','M75'])[1 + (g % 8)],
              DATE '1995-01-01' + (random() * 11000)::int, random() < 0.03, 'registered', 1, 1, now()
       FROM generate_series(1, :n) g
       JOIN LATERAL (SELECT (ARRAY['232701','232721','232722','232761','232762','232763','232764'])
                            [1 + ((g::bigint * 7919) % 100 / 15)::int % 7] AS code) c ON true""",
    # 3 % left the register (吊销/注销/撤销) at some date in 2024–2025; only those periods are projected.
    """INSERT INTO status_period_projection (uscc, seq, status, from_on, to_on)
       SELECT uscc, 1, (ARRAY['revoked','cancelled','withdrawn'])[1 + (random() * 2)::int],
              DATE '2024-01-01' + (random() * 700)::int, NULL
       FROM business_projection WHERE random() < 0.03""",
    # Annual report for P (2024) from 90 %; employees mostly 0.
    """INSERT INTO annual_report_projection (uscc, year, submitted_on, employees, tax_paid)
       SELECT uscc, 2024, DATE '2025-01-01' + (random() * 200)::int,
              CASE WHEN r < 0.6 THEN 0 WHEN r < 0.8 THEN 1 WHEN r < 0.9 THEN 2 + (random())::int
                   ELSE 4 + (random() * 10)::int END, NULL
       FROM (SELECT uscc, random() AS r FROM business_projection) b WHERE random() < 0.9""",
    """INSERT INTO annual_report_projection (uscc, year, submitted_on, employees, tax_paid)
       SELECT uscc, 2023, DATE '2024-01-01' + (random() * 180)::int, (random() * 3)::int, NULL
       FROM business_projection WHERE random() < 0.8""",
    # Agency facts for P and for Y, with batch ids as data-sharing assigns them.
    """INSERT INTO facts_projection (uscc, year, tax_paid, general_taxpayer, abnormal_taxpayer, tax_batch,
                                     insured_employees, insurance_batch, trademarks_in_use, trademark_batch,
                                     patents, patent_batch, version)
       SELECT uscc, 2024,
              CASE WHEN t < 0.5 THEN round((random() * 20000)::numeric * (random() < 0.6)::int, 2) END,
              CASE WHEN t < 0.5 THEN random() < 0.02 END, CASE WHEN t < 0.5 THEN random() < 0.01 END,
              CASE WHEN t < 0.5 THEN 'ds_tax_2024_' || (1 + (random() * 3)::int) END,
              CASE WHEN s < 0.15 THEN 1 + (random() * 6)::int END,
              CASE WHEN s < 0.15 THEN 'ds_si_2024_1' END,
              CASE WHEN m < 0.03 THEN (random() * 2)::int END, CASE WHEN m < 0.03 THEN 'ds_tm_2024_1' END,
              CASE WHEN p < 0.01 THEN 1 END, CASE WHEN p < 0.01 THEN 'ds_pt_2024_1' END, 1
       FROM (SELECT uscc, random() t, random() s, random() m, random() p FROM business_projection) b
       WHERE t < 0.5 OR s < 0.15 OR m < 0.03 OR p < 0.01""",
    """INSERT INTO facts_projection (uscc, year, tax_paid, general_taxpayer, abnormal_taxpayer, tax_batch, version)
       SELECT uscc, 2025, NULL, random() < 0.02, random() < 0.01, 'ds_tax_2025_1', 1
       FROM business_projection WHERE random() < 0.3""",
    """INSERT INTO fact_batch (batch_id, agency, dataset, year) VALUES
       ('ds_tax_2024_1','地区税务局','tax',2024), ('ds_tax_2024_2','地区税务局','tax',2024), ('ds_tax_2024_3','地区税务局','tax',2024),
       ('ds_tax_2024_4','地区税务局','tax',2024), ('ds_si_2024_1','地区人社局','social_insurance',2024),
       ('ds_tm_2024_1','地区知识产权局','trademark',2024), ('ds_pt_2024_1','地区知识产权局','patent',2024),
       ('ds_tax_2025_1','地区税务局','tax',2025)""",
    # Marks: 经营异常 5 % (half restored), 严重违法失信 0.5 %, 歇业 1 %.
    """INSERT INTO mark_projection (uscc, mark_id, kind, start_on, end_on, legal_max_end_on)
       SELECT uscc, 'a1', 'abnormal', DATE '2023-01-01' + (random() * 800)::int,
              CASE WHEN random() < 0.5 THEN DATE '2025-01-01' + (random() * 360)::int END, NULL
       FROM business_projection WHERE random() < 0.05""",
    """INSERT INTO mark_projection (uscc, mark_id, kind, start_on, end_on, legal_max_end_on)
       SELECT uscc, 's1', 'serious_illegal', DATE '2022-01-01' + (random() * 1000)::int, NULL, NULL
       FROM business_projection WHERE random() < 0.005""",
    """INSERT INTO mark_projection (uscc, mark_id, kind, start_on, end_on, legal_max_end_on)
       SELECT uscc, 'h1', 'suspension', DATE '2023-01-01' + (random() * 900)::int,
              CASE WHEN random() < 0.3 THEN DATE '2025-03-01' + (random() * 200)::int END, NULL
       FROM business_projection WHERE random() < 0.01""",
    "ANALYZE",
]


def generate(url: str, n: int) -> float:
    t0 = time.perf_counter()
    engine = make_engine(url)
    with engine.begin() as conn:
        for stmt in GENERATE:
            if stmt == "ANALYZE":
                continue
            conn.execute(text(stmt), {"n": n} if ":n" in stmt else {})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - t0


STAFF = Principal(sub="bench", roles=frozenset({"prefecture_staff"}))


def follow(sessions, run_id: str, until: str, timeout: float) -> dict:
    """Poll the run and its job as a client does (every 50 ms) until the run is `until`: the seconds
    it took, and the progress its job reported on the way."""
    t0 = time.perf_counter()
    seen: list[tuple[float, float]] = []
    while True:
        with unit_of_work(sessions) as s:
            run = service.get_run(s, run_id=run_id)
            job = service.get_job(s, job_id=run["job_id"])
        elapsed = time.perf_counter() - t0
        if not seen or job.progress != seen[-1][1]:
            seen.append((elapsed, job.progress))
        if run["status"] in (until, "failed") or elapsed > timeout:
            return {"seconds": round(elapsed, 2), "status": run["status"], "job": job.kind,
                    "job_status": job.status, "progress_seen": " ".join(f"{t:.2f}s:{p:.0%}" for t, p in seen),
                    "run": run}
        time.sleep(0.05)


def publish(sessions, run_id: str, timeout: float) -> dict:
    """Staff publish (the POST's work: answered at once), then the publish job until `published`."""
    t0 = time.perf_counter()
    with unit_of_work(sessions) as s:
        accepted = service.publish_run(s, run_id=run_id, principal=STAFF, traceparent=None)
    answer = time.perf_counter() - t0
    done = follow(sessions, run_id, "published", timeout)
    done.pop("run")
    return {"answered_seconds": round(answer, 3), "answered_status": accepted["status"], **done}


def bench_full(url: str, chunk_size: int, parallelism: int, publish_chunk_size: int) -> dict:
    """The 1M run and its publication through the worker's job loop (in this process)."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    stop = threading.Event()
    loop = job_loop(service.job_store, runner.processors(chunk_size=chunk_size, parallelism=parallelism,
                                                         publish_chunk_size=publish_chunk_size), idle_wait_s=0.01)
    worker = threading.Thread(target=loop, args=(engine, sessions, stop), daemon=True)
    worker.start()
    try:
        with unit_of_work(sessions) as s:
            run = service.create_run(s, year=YEAR, reference_date=R, region_codes=None, trigger="staff",
                                     created_by="bench")
        done = follow(sessions, run["id"], "completed", timeout=600)
        counts, batches = done["run"]["counts"], len(done["run"]["batches"])
        done.pop("run")
        # Publishing: feed rows and one result event per business in the outbox, set-based, in chunks.
        published = publish(sessions, run["id"], timeout=900)
    finally:
        stop.set()
        worker.join(60)
        engine.dispose()
    return {**done, "counts": counts, "batches": batches, "publish": published}


def bench_event(url: str, n_small: int) -> dict:
    """From annual-report-closed produced to Kafka to the run completed, the worker running; then
    its publication by that worker."""
    prefix = testing.unique_prefix()
    # the projections are filled here, not by the registry: no source outbox to wait for
    settings = Settings(database_url=url, topic_prefix=prefix, registry_url=None, data_sharing_url=None)
    ensure_topics(settings.kafka_bootstrap, prefix, partitions=1)
    worker = Worker(spec(settings))
    worker.start()
    engine = make_engine(url)
    try:
        time.sleep(6)  # the consumer groups join before the window closes, as in production
        producer = make_producer(settings.kafka_bootstrap)
        ev = make_event(AnnualReportClosed(report_year=YEAR - 1, typing_year=YEAR, closed_on=R, reference_date=R),
                        source="/bench", subject=None)
        t0 = time.perf_counter()
        producer.send(physical(AnnualReportClosed.topic, prefix), value=ev.model_dump_json().encode()).get(timeout=30)
        status = None
        while time.perf_counter() - t0 < 60:
            with engine.connect() as conn:
                status = conn.execute(text("SELECT status FROM typing_run WHERE trigger_event_id = :e"),
                                      {"e": ev.id}).scalar()
            if status == "completed":
                break
            time.sleep(0.02)
        elapsed = time.perf_counter() - t0
        producer.close()
        with engine.connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM typing_result r JOIN typing_run t ON t.run_no = r.run_no "
                                      "WHERE t.trigger_event_id = :e"), {"e": ev.id}).scalar()
            run_id = conn.execute(text("SELECT id FROM typing_run WHERE trigger_event_id = :e"), {"e": ev.id}).scalar()
        # Publishing the prefecture's run: the worker's publish job, chunk by chunk.
        published = publish(make_sessionmaker(engine), run_id, timeout=300)
        return {"seconds": round(elapsed, 2), "status": status, "results": total, "publish": published}
    finally:
        worker.shutdown()
        engine.dispose()


def cpu_share(seconds: float = 3.0) -> float:
    """How much of one core this process gets right now (CPU time / wall time of a busy loop):
    1.0 on an idle machine, much less when other work shares the cores."""
    w0, c0 = time.perf_counter(), time.process_time()
    x = 0
    while time.perf_counter() - w0 < seconds:
        for i in range(10000):
            x += i
    return round((time.process_time() - c0) / (time.perf_counter() - w0), 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--small", type=int, default=40_000)
    ap.add_argument("--chunk", type=int, default=Settings().run_chunk_size)
    ap.add_argument("--parallelism", type=int, default=Settings().run_parallelism)
    ap.add_argument("--publish-chunk", type=int, default=Settings().publish_chunk_size)
    ap.add_argument("--skip-event", action="store_true")
    ap.add_argument("--reuse", action="store_true", help="keep the generated 1M database of an earlier run")
    args = ap.parse_args()
    out: dict = {"cpu_share_before": cpu_share()}
    if args.reuse:
        url = testing.server_url().rsplit("/", 1)[0] + "/bench_typing_full"
        run_migrations(url, MIGRATIONS)
    else:
        url = testing.fresh_database("bench_typing_full", MIGRATIONS)
        out["generate_1m_seconds"] = round(generate(url, args.n), 1)
    out["full_run"] = bench_full(url, args.chunk, args.parallelism, args.publish_chunk)
    out["full_run"]["businesses"] = args.n
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if not args.skip_event:
        small = testing.fresh_database("bench_typing_prefecture", MIGRATIONS)
        generate(small, args.small)
        out["event_to_completed"] = bench_event(small, args.small)
        out["event_to_completed"]["businesses"] = args.small
    out["load_average"] = open("/proc/loadavg").read().split()[:3]
    out["cpu_share_of_one_core"] = cpu_share()
    print(json.dumps(out, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
