"""Fixtures of notify-svc's tests: one PostgreSQL database built by the real migrations, a real
local SMTP server (aiosmtpd) and a small HTTP server standing in for the SMS provider."""
from __future__ import annotations

import json
import socket
import sys
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from getihu_kit import testing
from getihu_kit.db import make_engine, make_sessionmaker
from notify_svc.settings import MIGRATIONS

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the factories module beside this file


@pytest.fixture(scope="session")
def db_url() -> str:
    return testing.fresh_database("test_notify_svc", MIGRATIONS)


@pytest.fixture(scope="session")
def engine(db_url):
    e = make_engine(db_url)
    yield e
    e.dispose()


@pytest.fixture(scope="session")
def sessions(engine):
    return make_sessionmaker(engine)


class _Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on a free local port; `.handler.messages` is what it received."""
    mailbox = _Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller
    controller.stop()


class SmsProviderStub:
    """A local HTTP server playing the SMS provider: records requests; `failing` answers 500."""

    def __init__(self):
        self.requests: list[dict] = []
        self.failing = False
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                stub.requests.append({"path": self.path, "key": self.headers.get("x-api-key"), "body": body,
                                      "idempotency_key": self.headers.get("idempotency-key")})
                status = 500 if stub.failing else 200
                payload = b'{"error":"provider down"}' if stub.failing else b'{"status":"queued"}'
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def sms_provider():
    stub = SmsProviderStub()
    yield stub
    stub.close()
