"""Run the whole platform on one host: every service's API and worker, and the gateway.

    DATABASE_URL=postgresql+psycopg://… python deploy/local/stack.py up
                                         # start what is not running, wait until /readyz answers 200
    python deploy/local/stack.py down    # stop everything (SIGTERM, then SIGKILL)
    python deploy/local/stack.py status

Every service uses its own database on the PostgreSQL server at DATABASE_URL (`make up` starts
one and passes it). The cross-service tests use the same Stack class, on their own ports and state
folder, and kill and restart single processes through it.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]

# service name, python package, port offset from the gateway's port, env prefix
SERVICES: list[tuple[str, str, int, str]] = [
    ("registry", "registry_svc", 1, "REGISTRY_"),
    ("data-sharing", "data_sharing_svc", 2, "DATA_SHARING_"),
    ("typing", "typing_svc", 3, "TYPING_"),
    ("cultivation", "cultivation_svc", 4, "CULTIVATION_"),
    ("appeal", "appeal_svc", 5, "APPEAL_"),
    ("notify", "notify_svc", 6, "NOTIFY_"),
    ("monitoring", "monitoring_svc", 7, "MONITORING_"),
]


# The gateway's and the workers' metrics ports: GETIHU_PORT + 50 (+ the service's offset).
METRICS_OFFSET = 50


@dataclass
class Proc:
    name: str
    argv: list[str]
    port: int | None


class Stack:
    def __init__(self, state_dir: Path | None = None, base_port: int | None = None, env: dict | None = None):
        self.base_port = base_port or int(os.environ.get("GETIHU_PORT", "8000"))
        self.state_dir = Path(state_dir or os.environ.get("GETIHU_STATE_DIR", ROOT / "var"))
        self.run_dir = self.state_dir / "run"
        self.log_dir = self.state_dir / "log"
        self.env = {**os.environ, **(env or {})}
        self.env.setdefault("GETIHU_DEV_AUTH", "1")
        self.env["PYTHONUNBUFFERED"] = "1"
        self.env.setdefault("GATEWAY_METRICS_PORT", str(self.base_port + METRICS_OFFSET))
        py = sys.executable
        self.procs: dict[str, Proc] = {}
        for name, pkg, offset, prefix in SERVICES:
            port = self.base_port + offset
            self.env[f"{prefix}PORT"] = str(port)
            # the worker's /metrics and /healthz (kit.metrics), beside the service's ports, never public
            self.env.setdefault(f"{prefix}METRICS_PORT", str(self.base_port + METRICS_OFFSET + offset))
            self.env[f"GATEWAY_{name.replace('-', '_').upper()}_URL"] = f"http://127.0.0.1:{port}"
            # typing's runs wait for what registry and data-sharing accepted (kit.barrier)
            self.env[f"TYPING_{name.replace('-', '_').upper()}_URL"] = f"http://127.0.0.1:{port}"
            if name == "registry":  # a real-name operator's businesses (kit.operator_identity)
                self.env["GETIHU_OPERATOR_LOOKUP_URL"] = f"http://127.0.0.1:{port}"
            # and cultivation's 5 % waits for what typing published (kit.barrier)
            self.env[f"CULTIVATION_{name.replace('-', '_').upper()}_URL"] = f"http://127.0.0.1:{port}"
            self.procs[f"{name}-api"] = Proc(f"{name}-api", [py, "-m", "uvicorn", f"{pkg}.main:app", "--host",
                                                             "127.0.0.1", "--port", str(port), "--no-access-log",
                                                             "--log-level", "warning"], port)
            self.procs[f"{name}-worker"] = Proc(f"{name}-worker", [py, "-m", f"{pkg}.worker"], None)
        self.procs["gateway"] = Proc("gateway", [py, "-m", "uvicorn", "gateway_svc.main:app", "--host", "0.0.0.0",
                                                 "--port", str(self.base_port), "--no-access-log",
                                                 "--log-level", "warning"], self.base_port)

    # --- processes ----------------------------------------------------------------------------
    def pid(self, name: str) -> int | None:
        f = self.run_dir / f"{name}.pid"
        if not f.exists():
            return None
        pid = int(f.read_text().strip() or 0)
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return None
        return pid

    def start(self, name: str) -> int:
        running = self.pid(name)
        if running:
            return running
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{name}.log", "ab")
        p = subprocess.Popen(self.procs[name].argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
        (self.run_dir / f"{name}.pid").write_text(str(p.pid))
        return p.pid

    def signal(self, name: str, sig: int) -> None:
        pid = self.pid(name)
        if pid:
            os.kill(pid, sig)

    def stop(self, name: str, timeout: float = 20.0) -> bool:
        """SIGTERM, then SIGKILL after `timeout`. True when the process ended by itself in time."""
        pid = self.pid(name)
        if not pid:
            return True
        graceful = True
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    break
            except ChildProcessError:
                pass
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            graceful = False
        (self.run_dir / f"{name}.pid").unlink(missing_ok=True)
        return graceful

    def kill9(self, name: str) -> None:
        pid = self.pid(name)
        if pid:
            os.kill(pid, signal.SIGKILL)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        (self.run_dir / f"{name}.pid").unlink(missing_ok=True)

    # --- whole stack ------------------------------------------------------------------------------
    def up(self, timeout: float = 120.0) -> dict:
        for name in self.procs:  # APIs first: they apply migrations
            if name.endswith("-api"):
                self.start(name)
        self.wait_ready_services(timeout)
        for name in self.procs:
            if not name.endswith("-api"):
                self.start(name)
        return self.wait_ready(timeout)

    def down(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop(name)

    def log_tails(self, lines: int = 40) -> str:
        """The last lines of every process's log, for a failed test's report (what each one said last)."""
        out = []
        for path in sorted(self.log_dir.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            if tail:
                out.append(f"\n--- {path.name} ---\n" + "\n".join(tail))
        return "".join(out)

    def readyz(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.base_port}/readyz", timeout=5) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError):
            return 0, {}

    def wait_ready_services(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for name, proc in self.procs.items():
            if not name.endswith("-api"):
                continue
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{proc.port}/readyz", timeout=2) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if not self.pid(name):
                    raise RuntimeError(f"{name} exited; see {self.log_dir / (name + '.log')}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} not ready after {timeout}s; see {self.log_dir / (name + '.log')}")
                time.sleep(0.2)

    def wait_ready(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.readyz()
            if status == 200:
                return body
            for name in self.procs:
                if not self.pid(name):
                    raise RuntimeError(f"{name} exited; see {self.log_dir / (name + '.log')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gateway /readyz not 200 after {timeout}s: {body}")
            time.sleep(0.3)

    def status(self) -> dict[str, str]:
        return {name: (f"running (pid {self.pid(name)})" if self.pid(name) else "stopped") for name in self.procs}


def main() -> None:
    cmd = sys.argv[1] if len(sys.argv) > 1 else "status"
    stack = Stack()
    if cmd == "up":
        if not stack.env.get("DATABASE_URL"):
            sys.exit("DATABASE_URL is not set: `make up` starts the local PostgreSQL and sets it")
        t0 = time.monotonic()
        body = stack.up()
        print(f"Getihu is up in {time.monotonic() - t0:.1f}s: gateway http://127.0.0.1:{stack.base_port} "
              f"(docs: /docs, readiness: /readyz)")
        for name, proc in stack.procs.items():
            where = f"http://127.0.0.1:{proc.port}" if proc.port else "(worker)"
            print(f"  {name:22s} {where}")
        db = make_url(stack.env["DATABASE_URL"]).render_as_string(hide_password=True)
        print(f"  database: {db} (one database per service)")
        print(f"  components: {json.dumps(body.get('components', {}), ensure_ascii=False)}")
        print(f"  logs: {stack.log_dir}")
    elif cmd == "down":
        stack.down()
        print("stopped")
    else:
        for name, st in stack.status().items():
            print(f"{name:22s} {st}")


if __name__ == "__main__":
    main()
