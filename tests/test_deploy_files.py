"""docker-compose.yml and the Kubernetes manifests describe the same system `make up` runs."""
from __future__ import annotations

import importlib
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from harness import SERVICES

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_process_with_an_importable_command():
    services = compose()["services"]
    assert {"kafka", "postgres", "gateway"} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:")
    for name, pkg, offset, _ in SERVICES:
        api, worker = services[f"{name}-api"], services[f"{name}-worker"]
        assert api["command"][:4] == ["python", "-m", "uvicorn", f"{pkg}.main:app"]
        assert api["command"][-1] == str(8000 + offset)
        assert worker["command"] == ["python", "-m", f"{pkg}.worker"]
        importlib.import_module(f"{pkg}.main")
        importlib.import_module(f"{pkg}.worker")
        gw_env = services["gateway"]["environment"]
        assert gw_env[f"GATEWAY_{name.replace('-', '_').upper()}_URL"] == f"http://{name}-api:{8000 + offset}"


def test_compose_creates_each_services_database():
    sql = (ROOT / "deploy/docker/postgres-init.sql").read_text()
    for _, pkg, _, _ in SERVICES:
        assert f"CREATE DATABASE {pkg.removesuffix('_svc')};" in sql


def test_kubernetes_manifests_cover_every_process():
    docs = list(yaml.safe_load_all((ROOT / "deploy/k8s/platform.yaml").read_text()))
    deployments = {d["metadata"]["name"]: d for d in docs if d and d["kind"] == "Deployment"}
    for name, pkg, offset, _ in SERVICES:
        api = deployments[f"{name}-api"]["spec"]["template"]["spec"]["containers"][0]
        assert api["command"][3] == f"{pkg}.main:app" and api["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert deployments[f"{name}-worker"]["spec"]["template"]["spec"]["containers"][0]["command"][-1] == f"{pkg}.worker"
    assert "gateway" in deployments


@pytest.mark.skipif(shutil.which("docker") is None or subprocess.run(
    ["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="no docker compose client on this host; the structural checks above still ran")
def test_docker_compose_config_validates():
    r = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
