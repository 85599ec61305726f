"""The fault suite: N businesses imported, typed and published while processes die.

    python bench/faults.py --n 100000          # the issue's size; `make faults` runs it
    python bench/faults.py --n 2000 --record   # and append the figures to bench/results/faults.md

It starts a Kafka broker and a PostgreSQL server of its own (own ports, own data under var/faults/),
so it may kill them with SIGKILL without touching anyone else's, and the whole platform on them as
`make up` does. A clerk's work goes through the gateway with retries, as a client would: a
businesses file and an annual-reports file imported as jobs, a typing run of the year, its
publication. Meanwhile, every few seconds (seeded, reproducible), one of the registry worker (its
outbox relay), the typing, notify and cultivation workers, the registry and typing APIs, the broker
or the database server is killed with SIGKILL and started again; the time until it serves again is
its recovery time. A supervisor starts again any process that stopped by itself (a worker whose
database went away stops so that its supervisor restarts it), as compose and Kubernetes do.

Afterwards, with the faults stopped and the platform quiet, it checks: every business is in typing's
projection exactly once with every state event applied once (applied events = the registry's
version); every published result is in the registry's 名录 labels once, at version 1; the national
feed holds one row per business; every inbox holds exactly one typing-result message per business;
no outbox row is left in any service. Exit status 0 only when all hold.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
sys.path.insert(0, str(ROOT / "tests"))
from stack import SERVICES, Stack  # noqa: E402
from harness import free_base_port  # noqa: E402

from getihu_kit.bus import ensure_topics  # noqa: E402
from getihu_kit.domain import id_number, uscc  # noqa: E402

COUNTIES = ("232701", "232721", "232722", "232762", "232763")
REPORT_YEAR, YEAR = 2025, 2026
PROCESS_VICTIMS = ("registry-worker", "typing-worker", "notify-worker", "cultivation-worker",
                   "registry-api", "typing-api")


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Infra:
    """The suite's own broker and database server, started and killed by the project's scripts."""

    def __init__(self, root: Path):
        self.root = root
        self.kafka_env = {**os.environ, "KAFKA_PORT": str(free_port()), "KAFKA_CONTROLLER_PORT": str(free_port()),
                          "KAFKA_DATA_DIR": str(root / "kafka"),
                          # a broker killed with SIGKILL recovers its logs first: give it time on a busy host
                          "KAFKA_START_TIMEOUT": os.environ.get("KAFKA_START_TIMEOUT", "300")}
        self.pg_env = {**os.environ, "PG_PORT": str(free_port()), "PG_DATA_DIR": str(root / "postgres")}
        self.pg_env.pop("DATABASE_URL", None)
        self.bootstrap = f"127.0.0.1:{self.kafka_env['KAFKA_PORT']}"

    def start_kafka(self) -> None:
        subprocess.run(["bash", str(ROOT / "deploy/kafka/start.sh")], env=self.kafka_env, check=True,
                       stdout=subprocess.DEVNULL)

    def start_postgres(self) -> str:
        dbs = [pkg.removesuffix("_svc") for _, pkg, _, _ in SERVICES]
        out = subprocess.run(["bash", str(ROOT / "deploy/postgres/start.sh"), *dbs], env=self.pg_env, check=True,
                             capture_output=True, text=True)
        return out.stdout.strip().splitlines()[-1]

    def kill_kafka(self) -> None:
        pid = int((self.root / "kafka" / "kafka.pid").read_text().strip())
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid)

    def kill_postgres(self) -> None:
        pid_file = next((self.root / "postgres").rglob("postmaster.pid"))
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)  # its backends follow when they notice the postmaster is gone
        _wait_gone(pid)

    def stop(self) -> None:
        subprocess.run(["bash", str(ROOT / "deploy/kafka/stop.sh")], env=self.kafka_env, stdout=subprocess.DEVNULL)
        subprocess.run(["bash", str(ROOT / "deploy/postgres/stop.sh")], env=self.pg_env, stdout=subprocess.DEVNULL)


def _wait_gone(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)


class Client:
    """The clerk's side: every call retried through restarts (connection errors, 502/503/504)."""

    def __init__(self, base: str, patience_s: float = 300):
        self.http = httpx.Client(base_url=base, timeout=60)
        self.patience_s = patience_s
        self.headers = {}

    def sign_in(self) -> None:
        r = self.call("POST", "/api/v1/auth/dev-token", json={"sub": "faults-clerk", "roles": ["prefecture_staff"]})
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def call(self, method: str, path: str, **kw) -> httpx.Response:
        deadline = time.monotonic() + self.patience_s
        headers = {**self.headers, **kw.pop("headers", {})}  # the same headers on every attempt
        while True:
            try:
                r = self.http.request(method, path, headers=headers, **kw)
                if r.status_code not in (500, 502, 503, 504):
                    return r
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{method} {path}: no answer within {self.patience_s} s")
            time.sleep(0.5)


def write_files(root: Path, n: int, rng: random.Random) -> tuple[Path, Path, list[str]]:
    businesses, reports = root / "businesses.csv", root / "annual_reports.csv"
    codes = []
    with businesses.open("w") as b, reports.open("w") as a:
        b.write("uscc,name,operator_name,operator_id_number,operator_phone,region_code,industry_code,"
                "established_on,seasonal,address,business_scope\n")
        a.write("uscc,year,submitted_on,employees,revenue,tax_paid\n")
        for i in range(n):
            county = COUNTIES[i % len(COUNTIES)]
            code = uscc.make(county, serial=500_000 + i)
            codes.append(code)
            est = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(0, 6500))
            b.write(f"{code},故障测试{i},周九,{id_number.make(serial=500_000 + i)},139{i:08d},{county},F5225,"
                    f"{est.isoformat()},false,,\n")
            a.write(f"{code},{REPORT_YEAR},{YEAR}-03-15,{rng.choice((0, 1, 2, 3, 5))},,\n")
    return businesses, reports, codes


def run_job(client: Client, path: str, file: Path) -> dict:
    with file.open("rb") as f:
        body = f.read()
    r = client.call("POST", path, content=body, headers={"Content-Type": "text/csv"})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    while True:
        job = client.call("GET", f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed"):
            return job
        time.sleep(1)


def follow_run(client: Client, run_id: str, until: tuple[str, ...]) -> dict:
    while True:
        run = client.call("GET", f"/api/v1/typing/runs/{run_id}").json()
        if run["status"] in until:
            return run
        time.sleep(1)


class Supervisor(threading.Thread):
    """What compose (`restart: unless-stopped`) and Kubernetes do: start again any process of the
    platform that exited. A worker whose loop lost its database stops itself for exactly this."""

    def __init__(self, stack: Stack, busy: set[str]):
        super().__init__(daemon=True)
        self.stack, self.stop_event, self.restarts, self.busy = stack, threading.Event(), [], busy

    def run(self) -> None:
        while not self.stop_event.wait(1.0):
            for name in self.stack.procs:
                if name in self.busy:  # the fault injector is killing and restarting it right now
                    continue
                pid = self.stack.pid(name)
                exited = pid is None
                if pid is not None:
                    try:  # a child that exited stays a zombie (still "alive" to kill -0) until reaped
                        exited = os.waitpid(pid, os.WNOHANG)[0] == pid
                    except ChildProcessError:
                        exited = _state(pid) in ("Z", None)
                if exited:
                    (self.stack.run_dir / f"{name}.pid").unlink(missing_ok=True)
                    self.stack.start(name)
                    self.restarts.append(name)
                    print(f"supervisor: {name} had exited; started again", flush=True)


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


class Faults(threading.Thread):
    def __init__(self, stack: Stack, infra: Infra, rng: random.Random, every: tuple[float, float], busy: set[str],
                 first: list[str] | None = None):
        super().__init__(daemon=True)
        self.first = list(first or [])  # victims taken before the random ones (a short run still hits them)
        self.busy = busy
        self.stack, self.infra, self.rng, self.every = stack, infra, rng, every
        self.stop_event = threading.Event()
        self.log: list[tuple[str, float, float]] = []  # (victim, at s, recovery s)
        self.failures: list[str] = []
        self.started = time.monotonic()

    def run(self) -> None:
        victims = [*PROCESS_VICTIMS, "kafka", "postgres"]
        while not self.stop_event.wait(self.rng.uniform(*self.every)):
            victim = self.first.pop(0) if self.first else self.rng.choice(victims)
            self.busy.add(victim)
            try:
                self._inject(victim)
            except Exception as exc:  # noqa: BLE001 - a restart that failed is a finding, and is retried
                self.failures.append(f"{victim}: {exc!r}")
                print(f"fault: restarting {victim} failed: {exc!r}; retrying", flush=True)
                self._restart(victim)
            finally:
                self.busy.discard(victim)

    def _restart(self, victim: str) -> None:
        if victim == "kafka":
            self.infra.start_kafka()
        elif victim == "postgres":
            self.infra.start_postgres()
        else:
            self.stack.start(victim)

    def _inject(self, victim: str) -> None:
        at = time.monotonic() - self.started
        t0 = time.monotonic()
        if victim == "kafka":
            self.infra.kill_kafka()
            time.sleep(self.rng.uniform(0.5, 2))
            self.infra.start_kafka()
        elif victim == "postgres":
            self.infra.kill_postgres()
            time.sleep(self.rng.uniform(0.5, 2))
            self.infra.start_postgres()
        else:
            self.stack.kill9(victim)
            time.sleep(self.rng.uniform(0.5, 2))
            self.stack.start(victim)
            if victim.endswith("-api"):
                self.stack.wait_ready_services(120)
        self.log.append((victim, round(at, 1), round(time.monotonic() - t0, 2)))
        print(f"fault: {victim} killed at {at:.1f} s, serving again after {self.log[-1][2]:.2f} s", flush=True)


def count(url: str, sql: str, **params) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return c.execute(text(sql), params).all()
    finally:
        engine.dispose()


def verify(base_url: str, codes: list[str], timeout: float = 600) -> dict:
    urls = {pkg.removesuffix("_svc"): make_url(base_url).set(database=pkg.removesuffix("_svc"))
            .render_as_string(hide_password=False) for _, pkg, _, _ in SERVICES}
    n = len(codes)
    deadline = time.monotonic() + timeout
    while True:  # quiet: every outbox empty and the last projections caught up
        left = {svc: count(u, "SELECT count(*) FROM outbox")[0][0] for svc, u in urls.items()}
        notes = count(urls["notify"], "SELECT count(*) FROM notifications WHERE template_code IN ('typing.result', 'typing.excluded')")[0][0]
        # the registry's 名录 labels are the last projection of the published results (its own consumer)
        labelled = count(urls["registry"], "SELECT count(*) FROM directory_types WHERE year = :y", y=YEAR)[0][0]
        if not any(left.values()) and notes >= n and labelled >= n:
            break
        if time.monotonic() > deadline:
            break
        time.sleep(2)
    projection = count(urls["typing"], "SELECT count(*), count(*) FILTER (WHERE applied_events = version) "
                       "FROM business_projection")[0]
    registry_versions = count(urls["registry"], "SELECT count(*), sum(version) FROM businesses")[0]
    labels = count(urls["registry"], "SELECT count(*), count(*) FILTER (WHERE version = 1) FROM directory_types "
                   "WHERE year = :y", y=YEAR)[0]
    feed = count(urls["typing"], "SELECT count(*), count(DISTINCT uscc) FROM typing_feed")[0] \
        if count(urls["typing"], "SELECT to_regclass('typing_feed') IS NOT NULL")[0][0] else (None, None)
    inbox = count(urls["notify"], "SELECT count(*), count(DISTINCT recipient) FROM notifications "
                  "WHERE template_code IN ('typing.result', 'typing.excluded')")[0]
    return {"outbox_left": left, "projection": tuple(projection), "registry": tuple(registry_versions),
            "labels": tuple(labels), "feed": tuple(feed), "inbox": tuple(inbox), "n": n}


def main() -> int:
    # SIGTERM (a CI timeout, Ctrl-C's sibling) ends the run through `finally`: the suite's own
    # broker, database server and platform are stopped, not left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--every", type=float, nargs=2, default=(4.0, 10.0), help="seconds between faults (range)")
    ap.add_argument("--first", default="", help="victims to take first, comma-separated (e.g. postgres,kafka)")
    ap.add_argument("--record", action="store_true", help="append the figures to bench/results/faults.md")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="faults-", dir=ROOT / "var" if (ROOT / "var").exists() else None))
    infra = Infra(root)
    infra.start_kafka()
    base_url = infra.start_postgres()
    ensure_topics(infra.bootstrap, "")
    stack = Stack(state_dir=root / "stack", base_port=free_base_port(),
                  env={"DATABASE_URL": base_url, "GETIHU_KAFKA_BOOTSTRAP": infra.bootstrap, "GETIHU_DEV_AUTH": "1",
                       "GETIHU_TOPIC_PREFIX": ""})
    faults = None
    passed = False
    t_start = time.monotonic()
    try:
        stack.up(timeout=240)
        client = Client(f"http://127.0.0.1:{stack.base_port}")
        client.sign_in()
        businesses, reports, codes = write_files(root, args.n, rng)
        busy: set[str] = set()
        supervisor = Supervisor(stack, busy)
        supervisor.start()
        faults = Faults(stack, infra, rng, tuple(args.every), busy, first=[v for v in args.first.split(",") if v])
        faults.start()
        jobs = [run_job(client, "/api/v1/businesses/imports?kind=businesses", businesses),
                run_job(client, "/api/v1/businesses/imports?kind=annual_reports", reports)]
        r = client.call("POST", "/api/v1/typing/runs", json={"year": YEAR})
        assert r.status_code == 202, r.text
        run = follow_run(client, r.json()["id"], ("completed", "failed"))
        if run["status"] == "completed":
            r = client.call("POST", f"/api/v1/typing/runs/{run['id']}/publish")
            run = follow_run(client, run["id"], ("published",)) if r.status_code == 202 else run
        faults.stop_event.set()
        faults.join(300)
        work_s = time.monotonic() - t_start
        # The supervisor keeps running while the projections catch up, as compose and Kubernetes do: a
        # worker that stops itself late (its loop meets the database the last fault took away) comes back.
        result = verify(base_url, codes)
        supervisor.stop_event.set()
        n = args.n
        checks = {
            "imports accepted every row": [j["accepted"] for j in jobs] == [n, n],
            "run published with every business": run["status"] == "published" and sum(run["counts"].values()) == n,
            "typing projection: each business once, each event once": result["projection"] == (n, n),
            "名录 labels: each result once, version 1": result["labels"] == (n, n),
            "national feed: one row per business": result["feed"] in ((n, n), (None, None)),
            "inbox: one typing message per business": result["inbox"] == (n, n),
            "no outbox row left": not any(result["outbox_left"].values()),
            "every killed part came back": not faults.failures,
        }
        report = {"n": n, "seed": args.seed, "faults": faults.log, "supervisor_restarts": supervisor.restarts,
                  "seconds": round(work_s, 1), "checks": checks,
                  "result": result, "jobs": [(j["status"], j["accepted"], j["rejected"]) for j in jobs],
                  "run": (run["status"], run["counts"], run.get("data_barrier", {}) and run["data_barrier"]["waited_s"])}
        for k, ok in checks.items():
            print(("ok   " if ok else "FAIL ") + k, flush=True)
        print(report, flush=True)
        if args.record:
            record(report)
        passed = all(checks.values())
        return 0 if passed else 1
    finally:
        if not passed:  # the logs go with the suite's data: show what went wrong first
            for log in sorted((root / "stack").rglob("*.log")):
                lines = log.read_text(errors="replace").splitlines()
                errors = [line for line in lines if "Traceback" in line or '"level": "error"' in line]
                if errors:
                    print(f"--- {log.name}: {len(errors)} error lines; the last 20 lines:", *lines[-20:], sep="\n")
        if faults is not None:
            faults.stop_event.set()
        stack.down()
        infra.stop()
        shutil.rmtree(root, ignore_errors=True)  # the suite's own broker and database data


def record(report: dict) -> None:
    path = ROOT / "bench" / "results" / "faults.md"
    recov = [r for _, _, r in report["faults"]]
    by_victim: dict[str, list[float]] = {}
    for v, _, r in report["faults"]:
        by_victim.setdefault(v, []).append(r)
    lines = [f"\n## {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC — {report['n']:,} businesses, seed {report['seed']}\n",
             f"- work from the first upload to published: {report['seconds']} s; faults injected: {len(recov)}; "
             f"processes that stopped themselves and were started again by the supervisor: "
             f"{len(report['supervisor_restarts'])} ({', '.join(sorted(set(report['supervisor_restarts']))) or '–'})",
             "- recovery (kill to serving again), by victim: " + "; ".join(
                 f"{v} ×{len(rs)} max {max(rs):.2f} s" for v, rs in sorted(by_victim.items())),
             f"- jobs: {report['jobs']}; run: {report['run'][0]}, counts {report['run'][1]}, waited for data {report['run'][2]} s",
             "- checks: " + "; ".join(f"{k}: {'ok' if ok else 'FAILED'}" for k, ok in report["checks"].items()),
             f"- figures: {report['result']}"]
    if not path.exists():
        path.write_text("# Fault suite (bench/faults.py)\n\nWhat `python bench/faults.py --n N --record` found: "
                        "processes, the broker and the database server killed with SIGKILL at seeded random "
                        "moments while N businesses are imported, typed and published.\n")
    with path.open("a") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
