"""Test support shared by every service's tests: real PostgreSQL and Kafka, no mocks.

- `fresh_database(name, migrations_dir)`: a freshly created database on the server named by
  DATABASE_URL (`make test` starts its own), built by the service's real migrations.
- `rollback_sessions(engine)`: a sessionmaker whose commits land in savepoints of one outer
  transaction that is rolled back at the end — each HTTP test leaves nothing behind.
- `unique_prefix()`: topic and group prefix so tests never read each other's events.
- Factories for valid businesses live in getihu_kit.domain (uscc.make, id_number.make).
"""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit.db import make_engine, run_migrations

KAFKA = os.environ.get("GETIHU_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


def server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("tests need PostgreSQL: run them with `make test`, which starts a server of its own "
                           "(or set DATABASE_URL to a server you may create databases on)")
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def fresh_database(name: str, migrations_dir: Path | None) -> str:
    """Drop and create database `name` on the test server; migrate it to head."""
    base = server_url()
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    if migrations_dir is not None:
        run_migrations(url, migrations_dir)
    return url


def schema_drift(url: str, metadata) -> list:
    """What the database at `url` (built by the migrations) lacks or has besides the models' metadata:
    alembic's comparison, types included. Empty when the migrations build exactly what the models say."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()


@contextlib.contextmanager
def rollback_sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield sessionmaker(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    finally:
        outer.rollback()
        conn.close()


def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}."


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.2,
               message: str | Callable[[], str] = "condition") -> object:
    """Poll until predicate() is truthy; fail the test with `message` (or what it returns) otherwise."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    text = message() if callable(message) else message
    raise AssertionError(f"timed out after {timeout}s waiting for {text} (last value: {last!r})")


def engine_for(url: str) -> Engine:
    return make_engine(url)


class LocalJwks:
    """An OIDC provider's signing keys as the provider serves them: a real RSA (kid k1, RS256) and a
    real P-256 key (kid k2, ES256) behind a local HTTP server at `url`; `sign` makes its tokens."""
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.ec_key.public_key()))
        self.body = json.dumps({"keys": [{**rsa_jwk, "kid": "k1", "alg": "RS256", "use": "sig"},
                                         {**ec_jwk, "kid": "k2", "alg": "ES256", "use": "sig"}]}).encode()
        self.public_pem = self.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                             serialization.PublicFormat.SubjectPublicKeyInfo)
        body = self.body

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def sign(self, claims: dict, alg: str = "RS256") -> str:
        key, kid = (self.key, "k1") if alg == "RS256" else (self.ec_key, "k2")
        return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


@contextlib.contextmanager
def outbox_source(engine: Engine) -> Iterator[str]:
    """A source service's `GET /internal/outbox` over its database, answered as kit.web answers it (kit.barrier's
    outbox_watermark), on a free local port: for tests of a barrier without that service's whole app. Yields its
    base URL."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlparse

    from getihu_kit.barrier import outbox_watermark

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            q = parse_qs(urlparse(self.path).query)
            with engine.connect() as conn:
                body = json.dumps(outbox_watermark(conn, int(q["through"][0]) if "through" in q else None)).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
