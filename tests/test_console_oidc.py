"""OIDC sign-in in a real browser against a local provider (npm oidc-provider, console/e2e/oidc):
a stack in production mode (GETIHU_ENV=production, no development issuer) whose services verify the
provider's RS256 tokens through its JWKS; the console signs in with the authorization code and PKCE
through the provider's login and consent pages. A county clerk registers a business; the person the
provider vouches for as its operator (the ID-number claim) lands back in the console as that
operator and sees it; a person who operates no business is told so in Chinese.
"""
from __future__ import annotations

import json
import os
import random
import secrets
import socket
import subprocess
import time

import pytest

from getihu_kit.domain import id_number, uscc
from harness import make_stack
from test_console_journeys import APP, BROWSER, prerequisites

CLIENT_ID = "getihu-console"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_provider(port: int, redirect_uri: str, accounts: dict) -> subprocess.Popen:
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_REDIRECT_URIS": redirect_uri,
           "OIDC_AUDIENCE": "getihu", "OIDC_ACCOUNTS": json.dumps(accounts, ensure_ascii=False)}
    proc = subprocess.Popen(["node", "e2e/oidc/provider.mjs"], cwd=APP, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "oidc-provider ready" in line:
            return proc
        if not line and proc.poll() is not None:
            break
    proc.kill()
    pytest.fail(f"the local OIDC provider did not start: {proc.stdout.read()}")


@pytest.mark.stack
def test_an_operator_signs_in_at_the_provider_and_sees_the_business_the_registry_has_them_operate(
        kafka_bootstrap, tmp_path):
    if not os.environ.get("DATABASE_URL"):
        pytest.fail("the OIDC journey needs PostgreSQL: run it with `make test`")
    prerequisites()
    serial = random.randrange(100_000, 900_000)
    operator_id, nobody_id = id_number.make(serial=serial), id_number.make(serial=serial + 1)
    business = {"uscc": uscc.make("232701", serial=serial), "name": f"实名登录测试山货店{serial}",
                "region_code": "232701", "established_on": "2020-06-01",
                "operator": {"name": "张实名", "id_number": operator_id}}
    accounts = {"clerk": {"name": "县局登记员", "roles": ["county_staff"], "region_code": "232701"},
                "zhang": {"name": "张实名", "id_number": operator_id},
                "nobody": {"name": "王无店", "id_number": nobody_id}}
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    stack = make_stack(kafka_bootstrap=kafka_bootstrap, env={
        "GETIHU_ENV": "production", "GETIHU_DEV_AUTH": "0", "GETIHU_JWT_SECRET": secrets.token_urlsafe(48),
        "GETIHU_JWKS_URL": f"{issuer}/jwks", "GETIHU_JWT_ISSUER": issuer, "GETIHU_JWT_AUDIENCE": "getihu",
        "GETIHU_OIDC_ISSUER": issuer, "GETIHU_OIDC_CLIENT_ID": CLIENT_ID,
        "GETIHU_OIDC_SCOPES": "openid profile getihu"})
    console = f"http://127.0.0.1:{stack.base_port}"
    provider = start_provider(port, f"{console}/signin/callback", accounts)
    try:
        stack.up(timeout=180)
        seed = {"business": business, "clerk": "clerk", "operator": "zhang", "nobody": "nobody"}
        env = {**os.environ, "GETIHU_CONSOLE_URL": console, "GETIHU_CHROMIUM": BROWSER,
               "GETIHU_E2E_OIDC_SEED": json.dumps(seed, ensure_ascii=False)}
        done = subprocess.run([str(APP / "node_modules" / ".bin" / "playwright"), "test", "--config",
                               "playwright.oidc.config.ts", "--output", str(tmp_path)],
                              cwd=APP, env=env, capture_output=True, text=True, timeout=400)
        out = done.stdout + done.stderr
        assert done.returncode == 0, out[-15000:]
        assert "1 passed" in out, out[-5000:]
        print(out[-2000:])
    finally:
        stack.down()
        provider.terminate()
        provider.wait(timeout=10)
