"""The Kubernetes manifests, checked offline: rendered from deploy/k8s/render.py; every pod passes
the `restricted` Pod Security profile; every process has probes; every Deployment a
PodDisruptionBudget; ingress denied unless a policy opens it; the Ingress terminates TLS; a Job
creates the services' databases."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from harness import SERVICES

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "deploy/k8s/platform.yaml"
# Pod Security Standards, restricted: the volume types it allows.
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                      "projected", "secret"}


def docs() -> list[dict]:
    return [d for d in yaml.safe_load_all(MANIFEST.read_text()) if d]


def of(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs() if d["kind"] == kind}


def pod_specs() -> list[tuple[str, dict]]:
    out = [(n, d["spec"]["template"]["spec"]) for n, d in of("Deployment").items()]
    out += [(n, d["spec"]["template"]["spec"]) for n, d in of("Job").items()]
    return out


def test_the_manifest_is_what_render_writes():
    spec = importlib.util.spec_from_file_location("render", ROOT / "deploy/k8s/render.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    assert MANIFEST.read_text() == render.render(), "stale: run python deploy/k8s/render.py"


@pytest.mark.parametrize("name,pod", pod_specs(), ids=[n for n, _ in pod_specs()])
def test_every_pod_passes_the_restricted_profile(name, pod):
    ps = pod.get("securityContext", {})
    assert not (pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC"))
    assert {k for v in pod.get("volumes", []) for k in v if k != "name"} <= RESTRICTED_VOLUMES
    assert ps.get("seccompProfile", {}).get("type") in ("RuntimeDefault", "Localhost")
    for c in pod["containers"] + pod.get("initContainers", []):
        cs = c.get("securityContext", {})
        assert cs.get("allowPrivilegeEscalation") is False, c["name"]
        assert not cs.get("privileged"), c["name"]
        assert cs.get("capabilities", {}).get("drop") == ["ALL"] and not cs["capabilities"].get("add"), c["name"]
        assert (cs.get("runAsNonRoot") or ps.get("runAsNonRoot")) is True, c["name"]
        assert (cs.get("runAsUser", ps.get("runAsUser")) or 1) != 0, c["name"]
        assert cs.get("readOnlyRootFilesystem") is True, c["name"]
        assert not any("hostPort" in p for p in c.get("ports", [])), c["name"]
        assert c["resources"]["limits"]["memory"], c["name"]


def test_the_namespace_enforces_the_restricted_profile():
    ns = next(d for d in docs() if d["kind"] == "Namespace")
    assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_every_worker_has_probes_on_its_health_port_and_every_api_on_readyz():
    deployments = of("Deployment")
    cm = of("ConfigMap")["getihu-config"]["data"]
    for name, _, offset, _ in SERVICES:
        worker = deployments[f"{name}-worker"]["spec"]["template"]["spec"]["containers"][0]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert worker[probe]["httpGet"] == {"path": "/healthz", "port": int(cm["GETIHU_METRICS_PORT"])}, name
        api = deployments[f"{name}-api"]["spec"]["template"]["spec"]["containers"][0]
        assert api["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": 8000 + offset}
        assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert cm["GETIHU_METRICS_HOST"] == "0.0.0.0"


def test_every_deployment_has_a_disruption_budget():
    budgets = [d["spec"]["selector"]["matchLabels"] for d in of("PodDisruptionBudget").values()]
    for name, d in of("Deployment").items():
        assert d["spec"]["selector"]["matchLabels"] in budgets, name


def test_ingress_is_denied_by_default_and_opened_only_where_needed():
    policies = of("NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}
    for name, _, offset, _ in SERVICES:
        rule = policies[f"{name}-api-from-gateway"]["spec"]["ingress"][0]
        assert rule["from"] == [{"podSelector": {"matchLabels": {"app": "gateway"}}}]
        assert [p["port"] for p in rule["ports"]] == [8000 + offset]
    assert policies["gateway-from-ingress"]["spec"]["ingress"][0]["from"][0]["namespaceSelector"]


def test_the_ingress_terminates_tls_for_every_host_it_serves():
    ingress = of("Ingress")["getihu"]["spec"]
    tls_hosts = {h for t in ingress["tls"] for h in t["hosts"]}
    assert {r["host"] for r in ingress["rules"]} <= tls_hosts and all(t["secretName"] for t in ingress["tls"])
    assert of("Ingress")["getihu"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"


def test_a_job_creates_the_databases_with_the_kits_module():
    job = of("Job")["create-databases"]["spec"]["template"]["spec"]
    assert job["containers"][0]["command"] == ["python", "-m", "getihu_kit.databases"]
    assert {"secretRef": {"name": "getihu-secrets"}} in job["containers"][0]["envFrom"]
    assert importlib.util.find_spec("getihu_kit.databases") is not None


def test_the_stateful_parts_are_rendered_with_replication_and_scheduled_backups():
    spec = importlib.util.spec_from_file_location("render", ROOT / "deploy/k8s/render.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    path = ROOT / "deploy/k8s/stateful.yaml"
    assert path.read_text() == render.render_stateful(), "stale: run python deploy/k8s/render.py"
    docs = {d["kind"]: d for d in yaml.safe_load_all(path.read_text()) if d}
    pg = docs["Cluster"]["spec"]
    assert pg["instances"] >= 3 and pg["backup"]["retentionPolicy"]
    assert docs["ScheduledBackup"]["spec"]["cluster"]["name"] == docs["Cluster"]["metadata"]["name"]
    kafka = docs["Kafka"]["spec"]["kafka"]
    assert kafka["config"]["min.insync.replicas"] == 2 and docs["KafkaNodePool"]["spec"]["replicas"] == 3
    assert all(v["deleteClaim"] is False for v in docs["KafkaNodePool"]["spec"]["storage"]["volumes"])
    listener = kafka["listeners"][0]
    assert listener["tls"] is True and listener["authentication"]["type"] == "scram-sha-512"
    assert docs["KafkaUser"]["spec"]["authentication"]["type"] == "scram-sha-512"
