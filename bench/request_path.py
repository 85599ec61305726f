"""Benchmark of the request path: each request straight to its service and through the gateway, in one run.

Data: N businesses (default 1,000,000) with their current operators and a published 2025 type in the
registry's 名录, and the same N published results of one typing run — generated in Python and loaded by
COPY (set-based, no API calls); the time it takes is recorded.

Processes: registry-svc's and typing-svc's APIs and the gateway, each one uvicorn process as `make up`
runs them (uvloop and httptools, the default log level), on GETIHU_PORT (gateway) + 1 / + 3.

Load generator: wrk (Debian's package), 2 threads, 8 connections, fixed duration per request kind; a Lua
script draws a random key per request from files of keys (USCCs, name parts, list cursors) and reports
the percentiles. The 名录's ETag only answers 304 to If-None-Match, which wrk never sends: the cache is off.

Usage: DATABASE_URL=postgresql+psycopg://user:pw@host:port/ python bench/request_path.py [--n 1000000]
       [--duration 6] [--reuse] [--gateway-workers 1]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from getihu_kit import auth, clock, testing
from getihu_kit.domain import uscc as uscc_code
from getihu_kit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "request_path.md"
WORK = ROOT / "var" / "bench-request-path"
REGISTRY_DB, TYPING_DB = "bench_rp_registry", "bench_rp_typing"
REGIONS = ["232701", "232721", "232722", "232761", "232762", "232763", "232764"]
PLACES = ["漠河", "塔河", "呼玛", "加格达奇", "松岭", "新林", "呼中", "北极", "兴安", "西林吉", "十八站", "白银纳"]
# 字号: two characters from a few hundred used in shop names, so a name part is as selective as in life.
SHOP_CHARS = ("福兴隆盛旺达顺鑫源祥瑞丰泰和昌恒永裕嘉宏鸿广信诚德宝金银玉华美佳乐康安平吉庆春秋夏冬东南西北"
              "山水林木松柏桦杉江河湖海雪冰云星月阳光明亮红绿青蓝紫白黑黄梅兰竹菊桃李杏梨枫桂荷莲凤龙虎鹿熊"
              "鹰鹤燕雁鸿志远鹏飞腾跃升新老大小好万千百家友邻聚鑫淼森焱垚磊晶品尚雅致锦绣荣昊晟煜炜琪瑶璐")
TRADES = ["小吃店", "便利店", "五金店", "理发店", "烧烤店", "水果店", "超市", "农家乐", "山货店", "服装店",
          "修理部", "饭店", "面馆", "粮油店", "药店", "茶庄", "书店", "花店", "洗衣店", "照相馆", "鞋店",
          "蔬菜店", "肉铺", "奶茶店", "蛋糕店", "酒坊", "建材店", "家电维修", "快递站", "网吧"]
TYPES = [("survival", 0)] * 70 + [("growth", 1)] * 20 + [("development", 2)] * 7 + [("excluded", 3)] * 3
CHUNK = 100_000
TARGETS = {"gateway_share": 0.80, "added_median_ms": 1.0, "uscc_vs_healthz": 0.50, "name_p95_ms": 50.0,
           "name_vs_uscc_p95": 5.0, "list_vs_uscc_median": 3.0}

LUA = r"""
local keys = {}
for line in io.lines(os.getenv("RP_KEYS")) do keys[#keys + 1] = line end
local prefix = os.getenv("RP_PREFIX")
local header = os.getenv("RP_AUTH")
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
request = function()
  local h = {}
  if header ~= nil and header ~= "" then h["Authorization"] = header end
  return wrk.format("GET", prefix .. keys[math.random(#keys)], h)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"socket_errors":%d,"non_2xx":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d}\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


# --- data ----------------------------------------------------------------------------------------
def name_of(rng: random.Random) -> str:
    return rng.choice(PLACES) + rng.choice(SHOP_CHARS) + rng.choice(SHOP_CHARS) + rng.choice(TRADES)


def raw_conninfo(url: str) -> str:
    u = make_url(url)
    return f"host={u.host} port={u.port} user={u.username} password={u.password} dbname={u.database}"


def build(n: int) -> dict:
    """Both databases from the real migrations, then N rows each by COPY; indexes built after the load."""
    from registry_svc.settings import MIGRATIONS as REGISTRY_MIGRATIONS
    from typing_svc.settings import MIGRATIONS as TYPING_MIGRATIONS
    t0 = time.monotonic()
    registry_url = testing.fresh_database(REGISTRY_DB, REGISTRY_MIGRATIONS)
    typing_url = testing.fresh_database(TYPING_DB, TYPING_MIGRATIONS)
    rng = random.Random(19)
    published = dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.timezone.utc)
    with psycopg.connect(raw_conninfo(registry_url)) as reg, psycopg.connect(raw_conninfo(typing_url)) as typ:
        reg.execute("SET maintenance_work_mem = '256MB'")
        reg.execute("DROP INDEX ix_businesses_name_bigrams")
        typ.execute("INSERT INTO typing_run (run_no, id, year, reference_date, ruleset, status, progress, job_id, "
                    "trigger, published_at) VALUES (1, 'ty_bench', 2025, '2025-06-30', 'national-2024', 'published', 1, "
                    "'ty_job_bench', 'staff', %s)", (published,))
        for start in range(0, n, CHUNK):
            rows = []
            for i in range(start, min(n, start + CHUNK)):
                region = REGIONS[i % len(REGIONS)]
                rows.append((uscc_code.make(region, serial=i), name_of(rng), region, TYPES[i % 100]))
            with reg.cursor().copy("COPY businesses (uscc, name, region_code, industry_code, established_on, seasonal, status, "
                                   "version) FROM STDIN") as cp:
                for u, name, region, _ in rows:
                    cp.write_row((u, name, region, "F5225", "2019-05-01", False, "registered", 1))
            with reg.cursor().copy("COPY operators (uscc, name, id_number, from_on) FROM STDIN") as cp:
                for j, (u, _, _, _) in enumerate(rows):
                    cp.write_row((u, "王小二", f"23270119800101{(start + j) % 10000:04d}", "2019-05-01"))
            with reg.cursor().copy("COPY directory_types (uscc, year, type, reasons, ruleset, run_id, version, "
                                   "published_at) FROM STDIN") as cp:
                for u, _, _, (t, _) in rows:
                    cp.write_row((u, 2025, t, "[]", "national-2024", "ty_bench", 1, published))
            with typ.cursor().copy("COPY typing_result (run_no, uscc, region_code, industry_code, type_code, met, "
                                   "established_on) FROM STDIN") as cp:
                for u, _, region, (_, code) in rows:
                    cp.write_row((1, u, region, "F5225", code, 0, "2019-05-01"))
            reg.commit()
            typ.commit()
        load_s = time.monotonic() - t0
        t1 = time.monotonic()
        reg.execute("CREATE INDEX ix_businesses_name_bigrams ON businesses USING gin (name_bigrams)")
        reg.commit()
        index_s = time.monotonic() - t1
        reg.autocommit = typ.autocommit = True
        reg.execute("VACUUM ANALYZE")
        typ.execute("VACUUM ANALYZE")
    return {"n": n, "load_s": load_s, "gin_index_s": index_s, "total_s": time.monotonic() - t0,
            "registry_url": registry_url, "typing_url": typing_url}


def database_url(name: str) -> str:
    return make_url(testing.server_url()).set(database=name).render_as_string(hide_password=False)


def prewarm(*urls: str) -> float:
    """Read every table and index of the databases into the OS page cache (pg_prewarm, mode 'read').

    A 名录 that serves the public all day is warm; right after a build (or a reboot) a random key costs
    a dozen reads from disk, so a cold run measures the disk. Returns the seconds it took."""
    t0 = time.monotonic()
    for url in urls:
        with psycopg.connect(raw_conninfo(url), autocommit=True) as c:
            c.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            rels = [r[0] for r in c.execute(
                "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't', 'm')")]
            for rel in rels:
                c.execute("SELECT pg_prewarm(%s::regclass, 'read')", (rel,))
    return time.monotonic() - t0


def sample_keys(registry_url: str, typing_url: str) -> dict[str, list[str]]:
    """Random keys for wrk: USCCs, name parts of 2-4 characters cut from random names, list cursors."""
    rng = random.Random(7)
    eng = create_engine(registry_url)
    with eng.connect() as c:
        rows = c.execute(text("SELECT uscc, name FROM businesses TABLESAMPLE SYSTEM (2) LIMIT 20000")).all()
    eng.dispose()
    usccs = [r.uscc for r in rows]
    parts = []
    for r in rows[:5000]:
        size = rng.randint(2, 4)
        at = rng.randint(0, len(r.name) - size)
        parts.append(r.name[at:at + size])
    return {"uscc": usccs, "name": parts}


def list_cursors(typing_base: str, staff: str, pages: int = 40) -> list[str]:
    """Cursors spread over the county's list, taken from the service's own answers (first page too)."""
    cursors, cursor = [""], None
    for _ in range(pages):
        url = f"{typing_base}/api/v1/typing/results?year=2025&limit=500" + (f"&cursor={cursor}" if cursor else "")
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": staff})) as r:
            cursor = json.loads(r.read())["next_cursor"]
        if not cursor:
            break
        cursors.append(cursor)
    return cursors


# --- processes -----------------------------------------------------------------------------------
class Stack:
    def __init__(self, base_port: int, registry_url: str, typing_url: str, gateway_workers: int):
        self.base = base_port
        self.procs: list[subprocess.Popen] = []
        WORK.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "REGISTRY_DATABASE_URL": registry_url, "TYPING_DATABASE_URL": typing_url,
                    "GATEWAY_REGISTRY_URL": f"http://127.0.0.1:{base_port + 1}",
                    "GATEWAY_TYPING_URL": f"http://127.0.0.1:{base_port + 3}", "GETIHU_DEV_AUTH": "0",
                    # the anonymous limits on, counted in the gateway's database as in production; the
                    # load generator's address allowed all it sends
                    "GATEWAY_DATABASE_URL": testing.fresh_database("bench_rp_gateway", None),
                    "GATEWAY_RATE_ALLOWANCES": "127.0.0.1/32=100000"}
        self.gateway_workers = gateway_workers

    def start(self, module: str, port: int, *extra: str) -> None:
        log = open(WORK / f"{module.split('.')[0]}.log", "w")
        self.procs.append(subprocess.Popen(
            [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port", str(port),
             "--no-access-log", "--log-level", "warning", *extra], env=self.env, stdout=log, stderr=log,
            start_new_session=True))

    def __enter__(self):
        self.start("registry_svc.main:app", self.base + 1)
        self.start("typing_svc.main:app", self.base + 3)
        workers = ("--workers", str(self.gateway_workers)) if self.gateway_workers > 1 else ()
        self.start("gateway_svc.main:app", self.base, *workers)
        self.pids = {"registry": self.procs[0].pid, "typing": self.procs[1].pid, "gateway": self.procs[2].pid}
        deadline = time.monotonic() + 120
        for port in (self.base + 1, self.base + 3, self.base):
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError(f"port {port} not up; see {WORK}")
                time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in self.procs:
            p.wait(20)


# --- wrk -----------------------------------------------------------------------------------------
def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU time (user + system) each process has used, children included (a multi-worker gateway)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name, pid in pids.items():
        total = 0.0
        for p in [pid, *_children(pid)]:
            try:
                fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (FileNotFoundError, IndexError):
                pass
        out[name] = total
    return out


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def wrk(url_prefix: str, keys: list[str], *, duration: int, connections: int = 8, threads: int = 2,
        auth_header: str = "", pids: dict[str, int] | None = None) -> dict:
    keys_file = WORK / "keys.txt"
    keys_file.write_text("\n".join(keys) + "\n")
    script = WORK / "random_key.lua"
    script.write_text(LUA)
    host = url_prefix.split("/api/")[0].split("/healthz")[0]
    path = url_prefix[len(host):]
    env = {**os.environ, "RP_KEYS": str(keys_file), "RP_PREFIX": path, "RP_AUTH": auth_header}
    load = os.getloadavg()[0]
    before = cpu_seconds(pids or {})
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", str(script), host],
                         env=env, capture_output=True, text=True, check=True).stdout
    after = cpu_seconds(pids or {})
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    r = json.loads(line[len("RESULT "):])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["load"] = load
    # CPU per request of each process: what a request costs whatever else the machine is doing.
    r["cpu_ms"] = {n: (after[n] - before[n]) * 1000 / max(r["requests"], 1) for n in before}
    return r


def explain(url: str, sql: str, prelude=None) -> list[str]:
    """The plan of `sql`, after `prelude(session)` in the same transaction (the service's plan settings)."""
    from sqlalchemy.orm import Session
    eng = create_engine(url)
    with Session(eng) as session:
        if prelude is not None:
            prelude(session)
        plan = [r[0] for r in session.execute(text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql))]
        session.rollback()
    eng.dispose()
    return plan


def plans(registry_url: str, typing_url: str, keys: dict) -> dict[str, list[str]]:
    from registry_svc import directory_query, directory_reads
    from typing_svc.repository import results
    from sqlalchemy import select

    def sql(stmt) -> str:
        # literal binds for EXPLAIN; the driver's %-escaping is not wanted in a statement without parameters
        return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})).replace("%%", "%")
    out = {}
    lookup = directory_reads.LINE_OF_ONE.params(uscc=keys["uscc"][0], on=clock.today())
    out["USCC lookup (the whole 名录 line)"] = explain(registry_url, sql(lookup))
    with psycopg.connect(raw_conninfo(registry_url)) as conn:
        found = conn.execute(directory_reads.PAIR_STATS_SQL).fetchone()
    frequencies, rows = dict(zip(found[0] or [], found[1] or [])), float(found[2])
    for part in ["小吃", *keys["name"][:2]]:
        q = directory_query.read_query(part)
        common = directory_reads.part_is_common(frequencies, rows, directory_query.character_pairs(q.name_part))
        for i, (stmt, order) in enumerate(directory_reads.directory_tiers(q.name_part, common=common)):
            plan = "walk" if common else "pairs"
            out[f"name search “{part}” ({plan}), tier {i}"] = explain(registry_url, sql(stmt.order_by(*order).limit(21)))
    stmt = (select(results).where(results.c.run_no == 1, results.c.region_code == REGIONS[0])
            .order_by(results.c.uscc).limit(101))
    out["staff list (typing results, county, page of 100)"] = explain(typing_url, sql(stmt))
    return out


# --- the run ---------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--duration", type=int, default=6)
    ap.add_argument("--reuse", action="store_true", help="keep the databases of an earlier run of the same --n")
    ap.add_argument("--gateway-workers", type=int, default=1)
    ap.add_argument("--build-only", action="store_true", help="build the databases and stop (then run with --reuse)")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed (Debian: apt-get install wrk)")
        return 2
    base_port = int(os.environ.get("GETIHU_PORT") or 8000)
    built_file = WORK / "built.json"
    if args.reuse:
        registry_url, typing_url = database_url(REGISTRY_DB), database_url(TYPING_DB)
        built = json.loads(built_file.read_text()) if built_file.exists() else None
    else:
        built = build(args.n)
        WORK.mkdir(parents=True, exist_ok=True)
        built["load_average"] = os.getloadavg()[0]
        built_file.write_text(json.dumps({k: v for k, v in built.items() if not k.endswith("_url")}))
        registry_url, typing_url = built["registry_url"], built["typing_url"]
        print(f"built {args.n:,} businesses in {built['total_s']:.1f}s (COPY {built['load_s']:.1f}s, "
              f"GIN {built['gin_index_s']:.1f}s)", flush=True)
        if args.build_only:
            return 0
    warm_s = prewarm(registry_url, typing_url)
    print(f"databases read into the page cache in {warm_s:.1f}s", flush=True)
    keys = sample_keys(registry_url, typing_url)
    # The services run without the development issuer (as in production), so they refuse the public
    # default secret: sign this run's tokens with a random one.
    os.environ["GETIHU_JWT_SECRET"] = secrets.token_urlsafe(48)
    s = ServiceSettings()
    staff = "Bearer " + auth.issue_dev_token(sub="bench-clerk", roles=["county_staff"], secret=s.jwt_secret,
                                             issuer=s.jwt_issuer, audience=s.jwt_audience, region_code=REGIONS[0])
    gw, reg, typ = (f"http://127.0.0.1:{base_port + o}" for o in (0, 1, 3))
    d = args.duration
    m: dict[str, dict] = {}
    with Stack(base_port, registry_url, typing_url, args.gateway_workers) as stack:
        for url in (f"{gw}/healthz", f"{reg}/api/v1/directory?q={keys['uscc'][0]}"):  # warm every process
            urllib.request.urlopen(url).read()
        quoted = [urllib.parse.quote(p) for p in keys["name"]]
        keys["cursor"] = list_cursors(typ, staff)
        pids = stack.pids
        m["healthz gateway"] = wrk(f"{gw}/healthz?x=", ["1"], duration=d, pids=pids)
        for where, base in (("service", typ), ("gateway", gw)):
            m[f"standards {where}"] = wrk(f"{base}/api/v1/typing/standards?v=", ["1"], duration=d, pids=pids)
        for where, base in (("service", reg), ("gateway", gw)):
            m[f"uscc {where}"] = wrk(f"{base}/api/v1/directory?q=", keys["uscc"], duration=d, pids=pids)
        for where, base in (("service", reg), ("gateway", gw)):
            m[f"name {where}"] = wrk(f"{base}/api/v1/directory?q=", quoted, duration=d, pids=pids)
        for where, base in (("service", typ), ("gateway", gw)):
            m[f"list {where}"] = wrk(f"{base}/api/v1/typing/results?year=2025&limit=100&cursor=", keys["cursor"],
                                     duration=d, auth_header=staff, pids=pids)
    explained = plans(registry_url, typing_url, keys)
    ratios = {
        "standards_share": m["standards gateway"]["rps"] / m["standards service"]["rps"],
        "standards_added_median_ms": (m["standards gateway"]["p50_us"] - m["standards service"]["p50_us"]) / 1000,
        "uscc_share": m["uscc gateway"]["rps"] / m["uscc service"]["rps"],
        "uscc_added_median_ms": (m["uscc gateway"]["p50_us"] - m["uscc service"]["p50_us"]) / 1000,
        "uscc_vs_healthz": m["uscc gateway"]["rps"] / m["healthz gateway"]["rps"],
        "name_p95_ms": m["name gateway"]["p95_us"] / 1000,
        "name_vs_uscc_p95": m["name gateway"]["p95_us"] / m["uscc gateway"]["p95_us"],
        "list_vs_uscc_median": m["list gateway"]["p50_us"] / m["uscc gateway"]["p50_us"],
    }
    met = {
        "standards ≥ 80 % through the gateway": ratios["standards_share"] >= TARGETS["gateway_share"],
        "standards ≤ 1 ms added median": ratios["standards_added_median_ms"] <= TARGETS["added_median_ms"],
        "USCC ≥ 80 % through the gateway": ratios["uscc_share"] >= TARGETS["gateway_share"],
        "USCC ≤ 1 ms added median": ratios["uscc_added_median_ms"] <= TARGETS["added_median_ms"],
        "USCC ≥ 50 % of /healthz": ratios["uscc_vs_healthz"] >= TARGETS["uscc_vs_healthz"],
        "name p95 ≤ 50 ms": ratios["name_p95_ms"] <= TARGETS["name_p95_ms"],
        "name p95 ≤ 5× USCC p95": ratios["name_vs_uscc_p95"] <= TARGETS["name_vs_uscc_p95"],
        "list median ≤ 3× USCC median": ratios["list_vs_uscc_median"] <= TARGETS["list_vs_uscc_median"],
    }
    for k, v in m.items():
        cpu = "  ".join(f"{n} {c:.2f}" for n, c in v["cpu_ms"].items() if c > 0.005)
        print(f"{k:20s} {v['rps']:8.0f} req/s  p50 {v['p50_us'] / 1000:6.2f} ms  p95 {v['p95_us'] / 1000:6.2f} ms  "
              f"non-2xx {v['non_2xx']}  load {v['load']:.2f}  CPU ms/req: {cpu}")
    for k, v in met.items():
        print(f"{'met ' if v else 'MISSED'} {k}")
    if not args.no_record:
        record(args, built, m, ratios, met, explained, warm_s)
    return 0 if all(met.values()) and not any(v["non_2xx"] or v["socket_errors"] for v in m.values()) else 1


def record(args, built, m, ratios, met, explained, warm_s: float) -> None:
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    lines = [f"\n## Run of {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
             "",
             f"- machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
             f"shared with other work (load average beside each number)",
             f"- load generator: {wrk_version.strip()}, 2 threads, 8 connections, {args.duration} s per row, a random "
             f"key per request (Lua)",
             f"- gateway: {args.gateway_workers} process(es); services: one uvicorn process each",
             (f"- data: {built['n']:,} businesses with operators and a published 2025 type, and {built['n']:,} "
              f"typing results; built in {built['total_s']:.1f} s (COPY {built['load_s']:.1f} s, GIN index "
              f"{built['gin_index_s']:.1f} s, VACUUM ANALYZE the rest; load average {built.get('load_average', 0):.1f} "
              f"when it ended)") if built else "- data: the databases of an earlier run (--reuse)",
             f"- cache: every table and index read into the OS page cache first (pg_prewarm, {warm_s:.1f} s), "
             f"as a 名录 serving all day is",
             "",
             "| request | req/s | p50 ms | p95 ms | p99 ms | non-2xx | load | CPU ms per request (process) |",
             "|---|---|---|---|---|---|---|---|"]
    for k, v in m.items():
        cpu = ", ".join(f"{n} {c:.2f}" for n, c in v["cpu_ms"].items() if c > 0.005)
        lines.append(f"| {k} | {v['rps']:.0f} | {v['p50_us'] / 1000:.2f} | {v['p95_us'] / 1000:.2f} | "
                     f"{v['p99_us'] / 1000:.2f} | {v['non_2xx']} | {v['load']:.2f} | {cpu} |")
    lines += ["", "| ratio (same run) | value | target | met |", "|---|---|---|---|"]
    shown = [("standards: gateway / service throughput", f"{ratios['standards_share']:.0%}", "≥ 80 %"),
             ("standards: added median", f"{ratios['standards_added_median_ms']:.2f} ms", "≤ 1 ms"),
             ("USCC lookup: gateway / service throughput", f"{ratios['uscc_share']:.0%}", "≥ 80 %"),
             ("USCC lookup: added median", f"{ratios['uscc_added_median_ms']:.2f} ms", "≤ 1 ms"),
             ("USCC lookup through the gateway / gateway /healthz", f"{ratios['uscc_vs_healthz']:.0%}", "≥ 50 %"),
             ("name search p95 (gateway, 8 clients)", f"{ratios['name_p95_ms']:.1f} ms", "≤ 50 ms"),
             ("name search p95 / USCC p95", f"{ratios['name_vs_uscc_p95']:.2f}×", "≤ 5×"),
             ("staff list page of 100 median / USCC median", f"{ratios['list_vs_uscc_median']:.2f}×", "≤ 3×")]
    for (label, value, target), ok in zip(shown, met.values()):
        lines.append(f"| {label} | {value} | {target} | {'yes' if ok else '**no**'} |")
    lines += ["", "Plans (EXPLAIN ANALYZE, BUFFERS) on the same data:", ""]
    for title, plan in explained.items():
        lines += [f"{title}:", "", "```", *plan, "```", ""]
    if not RESULTS.exists():
        RESULTS.write_text("# The request path: service alone and through the gateway\n\n"
                           "Recorded by `bench/request_path.py` (`make bench BENCH=request_path`). Each run's "
                           "ratios are measured in that run, on a machine shared with other work.\n")
    with RESULTS.open("a") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
