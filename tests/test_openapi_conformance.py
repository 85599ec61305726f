"""The merged OpenAPI document, judged by a standard client: schemathesis over every operation,
through the gateway of a stack of its own (its random writes must not meet the other tests' data),
once per role.

Checks: no 5xx; only documented status codes and content types; responses valid against their
schemas; schema-invalid requests refused (4xx); schema-valid requests accepted (2xx, or 401/403/404/
409 for what the data or the caller's rights decide). What a schema cannot say (check characters,
cross-field rules) is in openapi_hooks.py. Generation is deterministic, so a run is repeatable.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import Gateway, make_stack, publish_typing_with
from getihu_kit.domain import id_number, uscc

HERE = Path(__file__).resolve().parent
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "negative_data_rejection,positive_data_acceptance")
# (role, claims, examples per operation, phases): staff with every power gets the coverage phase
# (boundary and missing values of every parameter, ~4,300 cases); the other roles fuzz, for what
# their rights change (403s, scoped lists), within the suite's time budget.
ROLES = (
    ("admin", {}, 4, "examples,coverage,fuzzing"),
    ("county_staff", {"region_code": "232701"}, 3, "examples,fuzzing"),
    ("operator", {"usccs": [uscc.make("232701", serial=9001)]}, 3, "examples,fuzzing"),
    ("public", {}, 3, "examples,fuzzing"),
)


@pytest.fixture(scope="module")
def seeded(kafka_bootstrap):
    """A stack with one typed and published business, so reads return data to check, not only 404s."""
    if not os.environ.get("DATABASE_URL"):
        pytest.fail("the conformance run needs PostgreSQL: run it with `make test`")
    stack = make_stack(kafka_bootstrap=kafka_bootstrap)
    stack.up(timeout=180)
    try:
        gw = Gateway(f"http://127.0.0.1:{stack.base_port}")
        staff = gw.token("conformance-seed", ["admin"])
        code = ROLES[2][1]["usccs"][0]  # the operator's business
        r = gw.post("/api/v1/businesses", headers=staff, json={
            "uscc": code, "name": "漠河市北极村山货店", "region_code": "232701", "established_on": "2020-05-01",
            "operator": {"name": "张三", "id_number": id_number.make("232701", serial=1)}})
        assert r.status_code == 201, r.text
        r = gw.post(f"/api/v1/businesses/{code}/annual-reports", headers=staff,
                    json={"year": 2024, "submitted_on": "2025-03-01", "employees": 3, "revenue": "520000.00"})
        assert r.status_code == 201, r.text
        publish_typing_with(gw, code, year=2025, region="232701", headers=staff)
        yield gw
    finally:
        stack.down()


def _token(gw: Gateway, role: str, claims: dict) -> str:
    return gw.token(f"conformance-{role}", [role], **claims)["Authorization"].split(" ", 1)[1]


@pytest.mark.parametrize("role,claims,examples,phases", ROLES, ids=[r[0] for r in ROLES])
def test_every_operation_conforms(seeded: Gateway, role: str, claims: dict, examples: int, phases: str,
                                  tmp_path: Path):
    token = _token(seeded, role, claims)
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "openapi_hooks",
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "schemathesis.cli", "run", f"{seeded.base_url}/openapi.json",
           "-H", f"Authorization: Bearer {token}", "--checks", CHECKS, "-n", str(examples),
           "--phases", phases, "--generation-deterministic",
           "--generation-allow-x00", "false", "--request-timeout", "30", "--no-color",
           # hypothesis's own speed check: long paragraph fields with a non-blank pattern are slow to
           # generate (monitoring's policies); it judges the generator, not the API
           "--suppress-health-check", "too_slow"]
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    out = done.stdout + done.stderr
    summary = re.findall(r"(Selected: \d+/\d+|\d+ generated, .*|=+ .* in [\d.]+s =+)", out)
    print(f"{role}: {' | '.join(summary)} ({time.monotonic() - started:.0f} s)")
    assert done.returncode == 0, out[-20000:]
