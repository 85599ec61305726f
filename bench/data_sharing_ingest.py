"""Benchmark of data-sharing-svc ingestion: a `tax` CSV file of N records (default 1,000,000).

Measured from the start of the upload (POST /api/v1/data-sharing/batches/files) to (a) the job
completed (every record validated, versioned, made current, its facts event in the outbox) and
(b) the last facts event on the Kafka topic (end offsets of the facts topic sum to N), with the
service's API (uvicorn) and worker (registry consumer, job loop; the outbox relay in the worker's
child process) running as their entry points start them, API and worker in this one process. Peak
memory is this process's maximum resident set (API, worker and upload client together) and the
relay child's.

`--profile M` first runs the job processor alone under cProfile on an M-record file and prints
where the time goes (the processor, without the relay running beside it).

Usage: DATABASE_URL=postgresql+psycopg://user:pw@host:port/ python bench/data_sharing_ingest.py
       [--n 1000000] [--profile 100000]
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import resource
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool
import uvicorn
from kafka import KafkaConsumer, TopicPartition

from getihu_kit import testing
from getihu_kit.bus import ensure_topics
from getihu_kit.db import make_engine, make_sessionmaker
from getihu_kit.domain import uscc
from getihu_kit.events import DATA_SHARING_FACTS, physical
from getihu_kit.auth import issue_dev_token
from getihu_kit.jobs import Progress
from getihu_kit.worker import Worker
from data_sharing_svc import ingest, repository, service
from data_sharing_svc.datasets import TAX
from data_sharing_svc.main import create_app
from data_sharing_svc.settings import MIGRATIONS
from data_sharing_svc.settings import Settings
from data_sharing_svc.worker import spec

YEAR = 2025


def write_csv(path: Path, n: int) -> float:
    """Tax records as the tax bureau exports them: ~60 % paid some tax, 2 % general taxpayers."""
    t0 = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("uscc,tax_paid,general_taxpayer,abnormal_taxpayer\n")
        for i in range(n):
            paid = f"{(i * 7919) % 2000000 / 100:.2f}" if i % 5 < 3 else "0.00"
            f.write(f"{uscc.make('232701', serial=i)},{paid},{'true' if i % 50 == 0 else 'false'},"
                    f"{'true' if i % 100 == 7 else 'false'}\n")
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def facts_on_topic(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        return sum(consumer.end_offsets(parts).values())
    finally:
        consumer.close()


def backend_cpu_s(engine) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the benchmark database (server on this host).

    Read at the end while the pools still hold their connections, so the database's share of the
    work can be reported next to the process's own CPU; empty when the server is elsewhere."""
    from sqlalchemy import text
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid()")).scalars().all()
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile_processor(url: str, csv_path: Path, n: int) -> str:
    """cProfile of the job processor alone on an n-record file (the relay is not running)."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    small = csv_path.with_name("profile.csv")
    write_csv(small, n)
    data = small.read_bytes()
    with sessions() as s:
        job_id = service.job_store.create(s, kind=service.FILE_JOB, params={}, content_type="text/csv",
                                          body=[], created_by="bench")
        s.commit()
    batch_id = "dsb_profile"
    with sessions() as s:
        repository.add_batch(s, id=batch_id, dataset=TAX, year=YEAR, agency="bench", source="file",
                             content_hash="profile", job_id=job_id, status="processing",
                             received_at=dt.datetime.now(dt.timezone.utc),
                             accepted=0, rejected=0, changed=0, errors=[])
        s.commit()
    job = {"id": job_id, "content_type": "text/csv", "size_bytes": len(data),
           "params": {"dataset": TAX, "year": YEAR, "agency": "bench", "batch_id": batch_id}}
    progress = Progress(service.job_store, engine, job, len(data))
    chunks = [data[i:i + (1 << 20)] for i in range(0, len(data), 1 << 20)]
    stages = _time_stages()
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()  # the reading thread (CSV, validation); the apply thread is timed by stage instead
    service.process_file(engine, sessions, job, iter(chunks), progress)
    prof.disable()
    elapsed = time.perf_counter() - t0
    _untime_stages()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
    engine.dispose()
    apply_lines = "\n".join(f"  {name}: {secs:.2f} s ({secs / n * 1e6:.1f} us/record)" for name, secs in stages.items())
    return (f"processor alone, {n} records: {elapsed:.1f} s ({n / elapsed:,.0f} records/s)\n"
            f"apply thread, wall time per stage (waiting on PostgreSQL, mostly):\n{apply_lines}\n"
            f"reading thread under cProfile:\n" + out.getvalue())


_STAGED = [(ingest, "ingest_chunk"), (repository, "apply_records"), (repository, "bump_facts_versions"),
           (ingest.outbox, "emit_select")]
_ORIGINALS: dict = {}


def _time_stages() -> dict[str, float]:
    """Wrap the apply thread's stages with wall-clock timers (cProfile sees one thread only)."""
    totals: dict[str, float] = {}
    for owner, name in _STAGED:
        fn = getattr(owner, name)
        _ORIGINALS[(owner, name)] = fn
        totals[name] = 0.0

        def timed(*a, _fn=fn, _name=name, **kw):
            t = time.perf_counter()
            try:
                return _fn(*a, **kw)
            finally:
                totals[_name] += time.perf_counter() - t
        setattr(owner, name, timed)
    return totals


def _untime_stages() -> None:
    for (owner, name), fn in _ORIGINALS.items():
        if owner is ingest.outbox:
            delattr(owner, name)  # back to the class's method
        else:
            setattr(owner, name, fn)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--profile", type=int, default=0)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ds-bench-"))
    csv_path = tmp / "tax.csv"
    gen_s = write_csv(csv_path, args.n)
    print(f"generated {args.n:,} records ({csv_path.stat().st_size / 1e6:.0f} MB) in {gen_s:.1f} s")

    if args.profile:
        url = testing.fresh_database("bench_data_sharing_profile", MIGRATIONS)
        print(profile_processor(url, csv_path, args.profile))
    if args.n == 0:
        return

    url = testing.fresh_database("bench_data_sharing", MIGRATIONS)
    prefix = testing.unique_prefix()
    bootstrap = testing.KAFKA
    ensure_topics(bootstrap, prefix)
    settings = Settings(database_url=url, topic_prefix=prefix, log_level="WARNING")
    worker = Worker(spec(settings))
    worker.start()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    testing.wait_until(lambda: server.started, timeout=60, message="API started")
    token = issue_dev_token(sub="bench-tax-bureau", roles=["agency"], dataset="tax",
                            secret=settings.jwt_secret, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    topic = physical(DATA_SHARING_FACTS, prefix)

    def body():
        with csv_path.open("rb") as f:
            while piece := f.read(1 << 20):
                yield piece

    probe = create_engine(url, poolclass=NullPool)
    db_cpu_before = backend_cpu_s(probe)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as http:
        r = http.post("/api/v1/data-sharing/batches/files", params={"dataset": "tax", "year": YEAR},
                      content=body(), headers=headers)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        t_upload = time.perf_counter() - t0
        while True:
            job = http.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
            if job["status"] in ("completed", "failed"):
                break
            time.sleep(0.5)
    t_job = time.perf_counter() - t0
    assert job["status"] == "completed" and job["accepted"] == args.n, job
    on_topic = 0
    while on_topic < args.n:
        time.sleep(0.5)
        on_topic = facts_on_topic(bootstrap, topic)
    t_last = time.perf_counter() - t0
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    db_cpu_after = backend_cpu_s(probe)
    probe.dispose()
    db_cpu = sum(v - db_cpu_before.get(pid, 0.0) for pid, v in db_cpu_after.items())
    own_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    server.should_exit = True
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker.shutdown()  # waits for the relay child, so its CPU and peak RSS are counted below
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    relay_cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    print(f"upload stored (202): {t_upload:.1f} s")
    print(f"job completed: {t_job:.1f} s ({args.n / t_job:,.0f} records/s)")
    print(f"last facts event on the topic: {t_last:.1f} s ({args.n / t_last:,.0f} records/s); "
          f"{on_topic:,} events on {topic}")
    print(f"peak memory: max RSS of API + worker + client {peak_rss_mb():,.0f} MB; "
          f"relay child process {children.ru_maxrss / 1024:,.0f} MB")
    print(f"CPU from upload to last event: this process {own_cpu:.1f} s ({own_cpu / args.n * 1e6:.0f} us/record), "
          f"relay child (whole run) {relay_cpu:.1f} s ({relay_cpu / args.n * 1e6:.0f} us/record), "
          f"PostgreSQL backends of the benchmark database {db_cpu:.1f} s ({db_cpu / args.n * 1e6:.0f} us/record)")
    print(f"cpus: {os.cpu_count()}, load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
