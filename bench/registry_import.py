"""Benchmark: bulk import of 100,000 businesses from CSV (issue: registry-svc).

Measures, from the start of the upload to the moment every business-state event is on the topic:
  upload → 202 with a job → the worker streams and applies the file in chunks (multi-row inserts,
  one snapshot per business via the outbox) → the relay publishes → we count the events on Kafka.
The API and the worker run as their own processes (uvicorn, `python -m registry_svc.worker`) against
PostgreSQL (DATABASE_URL) and Kafka, with a database and topic prefix of their own; the worker's
outbox relay runs in a child process of the worker (BENCH_RELAY=thread: in a thread of the worker,
as before). Peak memory is each process's high-water resident set size (VmHWM); CPU is the user +
system time of the API, the worker and the relay child. A second upload of the same file measures the
re-import, which must change nothing and emit nothing.

    BENCH_ROWS=100000 python bench/registry_import.py
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from kafka import KafkaConsumer, TopicPartition

from getihu_kit import testing
from getihu_kit.auth import issue_dev_token
from getihu_kit.bus import ensure_topics
from getihu_kit.domain import id_number, uscc
from getihu_kit.events import REGISTRY_BUSINESS, physical

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "registry.md"
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
RELAY = os.environ.get("BENCH_RELAY", "process")
TARGET_ROWS_PER_S = 10_000
TARGET_PEAK_MB = 500
COUNTIES = ["232701", "232721", "232722", "232761", "232762", "232763", "232764"]
COLUMNS = ["uscc", "name", "operator_name", "operator_id_number", "operator_phone", "region_code", "industry_code",
           "established_on", "seasonal", "address", "business_scope"]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(COLUMNS) + "\n")
        for n in range(rows):
            region = COUNTIES[n % len(COUNTIES)]
            established = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 7000))
            f.write(",".join([
                uscc.make(region, serial=n), f"兴安个体商户{n}号", "张三", id_number.make(region, serial=n, rng=rng),
                f"139{rng.randrange(10**8):08d}", region, rng.choice(["F5225", "H6210", "O8010", "A0511"]),
                established.isoformat(), rng.choice(["是", "否"]), f"{region}某街{n}号", "日用百货零售"]) + "\n")


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (its share of the shared cores)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return out


def events_on_topic(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    ends = consumer.end_offsets(parts)
    begins = consumer.beginning_offsets(parts)
    consumer.close()
    return sum(ends[p] - begins[p] for p in parts)


def wait_job(client: httpx.Client, job_id: str, headers: dict) -> tuple[dict, float]:
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("completed", "failed"):
            return job, time.monotonic()
        time.sleep(0.1)


def upload(client: httpx.Client, path: Path, headers: dict) -> str:
    def stream():
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                yield block
    r = client.post("/api/v1/businesses/imports", params={"kind": "businesses"}, content=stream(),
                    headers={**headers, "Content-Type": "text/csv"})
    r.raise_for_status()
    return r.json()["id"]


def main() -> int:
    if not os.environ.get("DATABASE_URL"):
        print("the benchmark needs PostgreSQL: set DATABASE_URL")
        return 2
    bootstrap = testing.KAFKA
    prefix = testing.unique_prefix()
    ensure_topics(bootstrap, prefix)  # catalogue partitions: 6 for the business-state topic
    url = testing.fresh_database(f"bench_registry_{prefix.strip('.')}", None)
    tmp = Path(tempfile.mkdtemp(prefix="registry-bench-"))  # the CSV and the processes' log; removed at the end
    csv_path = tmp / "businesses.csv"
    write_csv(csv_path, ROWS)
    size_mb = csv_path.stat().st_size / 2**20
    port = free_port()
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "GETIHU_TOPIC_PREFIX": prefix,
           "GETIHU_KAFKA_BOOTSTRAP": bootstrap, "GETIHU_LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
           "REGISTRY_RELAY_PROCESS": "1" if RELAY == "process" else "0"}
    log = (tmp / "processes.log").open("w")
    api = subprocess.Popen([sys.executable, "-m", "uvicorn", "registry_svc.main:app", "--host", "127.0.0.1",
                            "--port", str(port), "--no-access-log", "--log-level", "warning"],
                           env=env, cwd=ROOT, stdout=log, stderr=log)
    worker = None
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300)
        testing.wait_until(lambda: _ready(client), timeout=60, message="registry API ready")
        worker = subprocess.Popen([sys.executable, "-m", "registry_svc.worker"], env=env, cwd=ROOT, stdout=log,
                                  stderr=log)
        time.sleep(3)  # migrations and consumer start-up are not part of the import
        from registry_svc.settings import Settings
        s = Settings()
        headers = {"Authorization": "Bearer " + issue_dev_token(sub="bench", roles=["prefecture_staff"],
                                                                secret=s.jwt_secret, issuer=s.jwt_issuer,
                                                                audience=s.jwt_audience)}
        topic = physical(REGISTRY_BUSINESS, prefix)

        relay = children(worker.pid)
        if (RELAY == "process") != bool(relay):
            print(f"expected the relay as a {RELAY}, found child processes {relay}")
            return 1
        pids = [api.pid, worker.pid, *relay]
        cpu_at_start = [cpu_seconds(p) for p in pids]
        cpu0 = sum(cpu_at_start)
        load0 = os.getloadavg()[0]
        t0 = time.monotonic()
        job_id = upload(client, csv_path, headers)
        t_uploaded = time.monotonic()
        job, t_job = wait_job(client, job_id, headers)
        if job["status"] != "completed" or job["accepted"] != ROWS:
            print(f"import did not complete cleanly: {job['status']} accepted={job['accepted']} "
                  f"rejected={job['rejected']} {job['errors'][:3]} {job.get('message')}")
            return 1
        while (n := events_on_topic(bootstrap, topic)) < ROWS:
            time.sleep(0.1)
        t_events = time.monotonic()
        cpu_by_process = [cpu_seconds(p) - c for p, c in zip(pids, cpu_at_start)]
        cpu = sum(cpu_by_process)
        load1 = os.getloadavg()[0]

        t1 = time.monotonic()
        job2, t_job2 = wait_job(client, upload(client, csv_path, headers), headers)
        time.sleep(2)
        extra = events_on_topic(bootstrap, topic) - n
        re_import_s = t_job2 - t1

        api_mb, worker_mb = peak_rss_mb(api.pid), peak_rss_mb(worker.pid)
        relay_mb = max((peak_rss_mb(p) for p in relay), default=0.0)
    finally:
        for p in (worker, api):
            if p is not None:
                p.terminate()
        for p in (worker, api):
            if p is not None:
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()
        log.close()
        _drop_database(url)
        shutil.rmtree(tmp, ignore_errors=True)

    total = t_events - t0
    rate = ROWS / total
    peak = max(api_mb, worker_mb, relay_mb)
    ok = rate >= TARGET_ROWS_PER_S and peak <= TARGET_PEAK_MB and extra == 0 and job2["accepted"] == ROWS
    crc = "C" if _crc32c_native() else "pure Python"
    lines = [
        f"| {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} | {ROWS:,} | {size_mb:.1f} MB | {t_uploaded - t0:.1f} s "
        f"| {t_job - t0:.1f} s | {total:.1f} s | **{rate:,.0f}** | {cpu:.0f} s ({ROWS / cpu:,.0f} rows per CPU-s) "
        f"| {re_import_s:.1f} s, {extra} new events | {api_mb:.0f} MB | {worker_mb:.0f} MB "
        f"| {f'{relay_mb:.0f} MB' if relay else '–'} | {RELAY} | {load0:.1f} → {load1:.1f} | {crc} "
        f"| {'met' if ok else 'MISSED'} |",
    ]
    print(f"rows={ROWS} file={size_mb:.1f}MB upload={t_uploaded - t0:.2f}s job_completed={t_job - t0:.2f}s "
          f"all_events_on_topic={total:.2f}s rate={rate:,.0f} rows/s cpu={cpu:.1f}s "
          f"(api/worker/relay {'/'.join(f'{c:.1f}' for c in cpu_by_process)}) load={load0:.1f}->{load1:.1f} "
          f"kafka_crc32c={crc} re_import={re_import_s:.2f}s "
          f"re_import_new_events={extra} peak_rss_api={api_mb:.0f}MB peak_rss_worker={worker_mb:.0f}MB "
          f"peak_rss_relay={relay_mb:.0f}MB relay={RELAY} "
          f"cpus={os.cpu_count()} python={platform.python_version()}")
    _record(lines[0])
    return 0 if ok else 1


def _drop_database(url: str) -> None:
    """The benchmark's database is its own: drop it so the shared server keeps no 100,000-row leftovers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
    admin.dispose()


def _crc32c_native() -> bool:
    """kafka-python checksums every record batch with CRC-32C: in C when the crc32c package is present."""
    try:
        import crc32c  # noqa: F401
        return True
    except ImportError:
        return False


def _ready(client: httpx.Client) -> bool:
    try:
        return client.get("/readyz").status_code == 200
    except httpx.HTTPError:
        return False


def _record(line: str) -> None:
    header = ("| when (UTC) | rows | CSV | upload → 202 | upload → job completed | upload → every event on Kafka "
              "| rows/s (end to end) | CPU used by API + worker (+ relay) | re-import of the same file | peak RSS API "
              "| peak RSS worker | peak RSS relay | relay | load average (2 cores) | Kafka CRC-32C | targets |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    if not RESULTS.exists():
        RESULTS.write_text("# registry-svc import benchmark\n\nRuns of `bench/registry_import.py` (appended).\n\n"
                           + header)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


if __name__ == "__main__":
    sys.exit(main())
