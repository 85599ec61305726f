"""docker-compose.yml and the Kubernetes manifests describe the same system `make up` runs."""
from __future__ import annotations

import importlib
import os
import re
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


def kubernetes_docs() -> list[dict]:
    return [d for d in yaml.safe_load_all((ROOT / "deploy/k8s/platform.yaml").read_text()) if d]


def test_no_secret_is_committed_and_compose_demands_each_from_the_env_file():
    texts = {p: p.read_text() for p in [ROOT / "docker-compose.yml", *sorted((ROOT / "deploy/k8s").glob("*.yaml"))]}
    for path, text in texts.items():
        assert "change-me" not in text.lower(), path
    assert not [d for d in kubernetes_docs() if d["kind"] == "Secret"], "create getihu-secrets from an env file"
    env = compose()["x-python"]["environment"]
    # `${VAR:?…}`: compose refuses to start without the value from .env; no default to fall back on
    assert env["GETIHU_JWT_SECRET"].startswith("${GETIHU_JWT_SECRET:?")
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert compose()["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT).returncode
    assert ignored == 0, ".env must be ignored by git"
    example = (ROOT / "deploy/secrets.env.example").read_text()
    assert "GETIHU_JWT_SECRET=\n" in example and "POSTGRES_PASSWORD=\n" in example  # shipped empty


def test_kubernetes_runs_in_production_mode_with_every_process_on_the_secret():
    docs = kubernetes_docs()
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "getihu-config")["data"]
    assert config["GETIHU_ENV"] == "production" and config["GETIHU_JWKS_URL"] and config["GETIHU_DEV_AUTH"] == "0"
    for d in docs:
        if d["kind"] == "Deployment":
            refs = [e.get("secretRef", {}).get("name") for c in d["spec"]["template"]["spec"]["containers"]
                    for e in c.get("envFrom", ())]
            assert "getihu-secrets" in refs, d["metadata"]["name"]


def test_compose_keeps_kafkas_data_on_its_volume_across_recreation():
    kafka = compose()["services"]["kafka"]
    log_dirs = kafka["environment"]["KAFKA_LOG_DIRS"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in kafka["volumes"]}
    assert log_dirs in mounts, "the broker must write where the volume is mounted"
    assert mounts[log_dirs] in compose()["volumes"], "a named volume outlives --force-recreate"
    # a recreated container must find its log dir formatted for the same cluster
    cid = kafka["environment"]["CLUSTER_ID"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{21}[AQgw]", cid), "a KRaft cluster id: 16 bytes, base64url without padding"
    pg = compose()["services"]["postgres"]
    assert any(v.startswith("pg-data:/var/lib/postgresql") for v in pg["volumes"])


def test_every_worker_and_api_has_a_health_check_and_no_metrics_port_is_published():
    services = compose()["services"]
    env = compose()["x-python"]["environment"]
    assert env["GETIHU_METRICS_PORT"] == "9100" and env["GETIHU_METRICS_HOST"] == "0.0.0.0"
    for name, pkg, offset, _ in SERVICES:
        worker = services[f"{name}-worker"]["healthcheck"]
        assert "http://127.0.0.1:9100/healthz" in " ".join(worker["test"]), name
        assert worker.get("start_period"), name
        assert "/readyz" in " ".join(services[f"{name}-api"]["healthcheck"]["test"]), name
    published = [p for s in services.values() for p in s.get("ports", [])]
    assert published == ["8000:8000"], "only the gateway's public port leaves the host"


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
    secrets = {"GETIHU_JWT_SECRET": "s" * 48, "POSTGRES_PASSWORD": "p" * 24}  # what .env gives it
    r = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, **secrets})
    assert r.returncode == 0, r.stderr
