"""The gateway as it runs (its own uvicorn process) in front of a real upstream: bodies too large to hold
are streamed both ways with flat memory; small ones pass whole, headers once, CORS answered.

Memory is the gateway process's peak resident size (VmHWM) before and after 100 MB went through it."""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from getihu_kit import testing

MB = 1024 * 1024
UPLOAD = 100 * MB
DOWNLOAD = 50 * MB
CHUNK = bytes(range(256)) * 256  # 64 KiB, one object sent again and again: the client holds no copies
# The gateway may grow by its buffers, never by the body: a hundredth of the upload's size is flat.
FLAT_BYTES = 24 * MB


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def upstream_app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/v1/businesses/imports")
    async def upload(request: Request):
        digest, size = hashlib.sha256(), 0
        async for chunk in request.stream():
            digest.update(chunk)
            size += len(chunk)
        return {"bytes": size, "sha256": digest.hexdigest(), "length": request.headers.get("content-length")}

    @app.get("/api/v1/registry/export")
    def export():
        return StreamingResponse((CHUNK for _ in range(DOWNLOAD // len(CHUNK))), media_type="text/csv")

    @app.get("/api/v1/directory")
    def small():
        return {"items": [], "next_cursor": None}

    @app.get("/api/v1/businesses/{rest:path}")
    def echo(request: Request, rest: str):
        return {"raw_path": request.scope["raw_path"].decode("latin-1"), "rest": rest,
                "query": request.scope["query_string"].decode("latin-1")}

    @app.get("/readyz")
    def ready():
        return {"status": "ready"}
    return app


def wait_port(port: int, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def gateway():
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc")
    up_port, gw_port = free_port(), free_port()
    server = uvicorn.Server(uvicorn.Config(upstream_app(), host="127.0.0.1", port=up_port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    env = {**os.environ, "GATEWAY_REGISTRY_URL": f"http://127.0.0.1:{up_port}", "GETIHU_DEV_AUTH": "1",
           "GETIHU_KAFKA_BOOTSTRAP": "127.0.0.1:1", "GATEWAY_CORS_ORIGINS": "https://console.example",
           "GATEWAY_DATABASE_URL": testing.fresh_database("gateway_streaming", None)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "gateway_svc.main:app", "--host", "127.0.0.1",
                             "--port", str(gw_port), "--log-level", "warning", "--no-access-log"], env=env)
    try:
        wait_port(up_port)
        wait_port(gw_port)
        yield gw_port, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)
        server.should_exit = True
        t.join(5)


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM")


def call(port: int, method: str, path: str, body=None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=body, headers=headers or {})
    return conn, conn.getresponse()


def bearer(port: int) -> str:
    body = json.dumps({"sub": "clerk", "roles": ["county_staff"], "region_code": "232701"})
    conn, r = call(port, "POST", "/api/v1/auth/dev-token", body, {"content-type": "application/json"})
    token = json.loads(r.read())["access_token"]
    conn.close()
    return "Bearer " + token


def test_a_100_mb_upload_streams_through_with_flat_memory(gateway):
    port, pid = gateway
    auth = bearer(port)
    conn, r = call(port, "GET", "/api/v1/directory")  # warm: the pool and the app's first request
    r.read()
    before = peak_rss(pid)
    chunks = (CHUNK for _ in range(UPLOAD // len(CHUNK)))
    conn, r = call(port, "POST", "/api/v1/businesses/imports", chunks,
                   {"authorization": auth, "content-type": "text/csv", "content-length": str(UPLOAD)})
    body = json.loads(r.read())
    expected = hashlib.sha256(CHUNK * (UPLOAD // len(CHUNK))).hexdigest()
    assert r.status == 200 and body == {"bytes": UPLOAD, "sha256": expected, "length": str(UPLOAD)}
    assert peak_rss(pid) - before < FLAT_BYTES, (before, peak_rss(pid))


def test_a_large_download_streams_back_with_flat_memory(gateway):
    port, pid = gateway
    before = peak_rss(pid)
    conn, r = call(port, "GET", "/api/v1/registry/export")
    size = 0
    while block := r.read(256 * 1024):
        size += len(block)
    assert r.status == 200 and size == DOWNLOAD and r.getheader("content-type").startswith("text/csv")
    assert peak_rss(pid) - before < FLAT_BYTES, (before, peak_rss(pid))


def test_a_small_answer_comes_whole_with_its_headers_once(gateway):
    port, _ = gateway
    conn, r = call(port, "GET", "/api/v1/directory", headers={"x-request-id": "rid-7"})
    body = r.read()
    names = [k.lower() for k, _ in r.getheaders()]
    assert r.status == 200 and json.loads(body) == {"items": [], "next_cursor": None}
    assert r.getheader("content-length") == str(len(body)) and r.getheader("transfer-encoding") is None
    assert names.count("date") == 1 and names.count("server") <= 1 and names.count("x-request-id") == 1
    assert r.getheader("x-request-id") == "rid-7" and r.getheader("traceparent").startswith("00-")


def test_cors_preflight_and_exposed_headers(gateway):
    port, _ = gateway
    conn, r = call(port, "OPTIONS", "/api/v1/directory", headers={
        "origin": "https://console.example", "access-control-request-method": "GET",
        "access-control-request-headers": "authorization"})
    r.read()
    assert r.status == 200 and r.getheader("access-control-allow-origin") == "https://console.example"
    conn, r = call(port, "GET", "/api/v1/directory", headers={"origin": "https://console.example"})
    r.read()
    assert r.getheader("access-control-allow-origin") == "https://console.example"
    assert "X-Request-ID" in r.getheader("access-control-expose-headers")
    conn, r = call(port, "OPTIONS", "/api/v1/directory", headers={
        "origin": "https://elsewhere.example", "access-control-request-method": "GET"})
    r.read()
    assert r.status == 400 and r.getheader("access-control-allow-origin") is None


def test_a_path_is_forwarded_as_the_client_sent_it(gateway):
    """Percent-encoded as it came: a %3F or %23 in a segment stays in that segment (not a query or a
    fragment), a %2F is not a new segment, nothing is decoded twice."""
    port, _ = gateway
    for path, rest in [("/api/v1/businesses/a%3Fb/x", "a?b/x"), ("/api/v1/businesses/a%23b", "a#b"),
                       ("/api/v1/businesses/a%2541", "a%41"), ("/api/v1/businesses/%E4%B8%AD%E6%96%87", "中文")]:
        conn, r = call(port, "GET", path + "?q=%E4%B8%AD&n=1")
        body = json.loads(r.read())
        assert r.status == 200 and body["raw_path"] == path and body["rest"] == rest, body
        assert body["query"] == "q=%E4%B8%AD&n=1"
