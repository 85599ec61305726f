"""The Kubernetes manifests, checked offline: rendered from deploy/k8s/render.py; every document
valid against the vendored schema of its kind (deploy/k8s/schemas: Kubernetes core, Strimzi's and
CloudNativePG's CRDs), strict, so a misspelled field or a wrong type is refused; every pod template,
ours and the ones Strimzi makes from its custom resources, passes the `restricted` Pod Security
profile; every process has probes; every Deployment a PodDisruptionBudget; ingress denied unless a
policy opens it; the Ingress terminates TLS; a Job creates the services' databases."""
from __future__ import annotations

import copy
import functools
import importlib.util
import json
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from harness import SERVICES

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "deploy/k8s/platform.yaml"
STATEFUL = ROOT / "deploy/k8s/stateful.yaml"
SCHEMAS = ROOT / "deploy/k8s/schemas"
# Pod Security Standards, restricted: the volume types it allows.
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                      "projected", "secret"}
# baseline (which restricted includes): the sysctls a pod may set and the SELinux types it may ask for
SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes"}
SELINUX_TYPES = {None, "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}


def render_module():
    spec = importlib.util.spec_from_file_location("render", ROOT / "deploy/k8s/render.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    return render


def docs(path: Path = MANIFEST) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def all_docs() -> list[dict]:
    return docs(MANIFEST) + docs(STATEFUL)


def doc_id(d: dict) -> str:
    return f"{d['kind']}/{d['metadata']['name']}"


def of(kind: str, path: Path = MANIFEST) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs(path) if d["kind"] == kind}


def pod_specs() -> list[tuple[str, dict]]:
    """Every pod template of both files: a `template` whose spec has containers, at any depth."""
    out = []

    def walk(node, where):
        if isinstance(node, dict):
            template = node.get("template")
            if isinstance(template, dict) and "containers" in template.get("spec", {}):
                out.append((where, template["spec"]))
            for key, value in node.items():
                walk(value, where)
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    for d in all_docs():
        walk(d, doc_id(d))
    return out


def strimzi_pods() -> list[tuple[str, dict]]:
    """The pods Strimzi makes, as the pod spec its templates give them (their security contexts)."""
    stateful = {doc_id(d): d for d in docs(STATEFUL)}
    out = []
    for name, d in stateful.items():
        if d["kind"] == "KafkaNodePool":
            t = d["spec"]["template"]
            out.append((name, {"securityContext": t["pod"]["securityContext"], "containers": [
                {"name": "kafka", "securityContext": t["kafkaContainer"]["securityContext"]}]}))
        if d["kind"] == "Kafka":
            t = d["spec"]["entityOperator"]["template"]
            out.append((f"{name}-entity-operator", {"securityContext": t["pod"]["securityContext"], "containers": [
                {"name": c, "securityContext": t[f"{c}Container"]["securityContext"]}
                for c in ("topicOperator", "userOperator")]}))
    return out


def restricted_violations(pod: dict) -> list[str]:
    """What the `restricted` Pod Security Standard (baseline included) refuses in a pod spec."""
    out = []
    ps = pod.get("securityContext", {})
    containers = pod.get("containers", []) + pod.get("initContainers", []) + pod.get("ephemeralContainers", [])
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(flag):
            out.append(flag)
    for v in pod.get("volumes", []):
        if not {k for k in v if k != "name"} <= RESTRICTED_VOLUMES:
            out.append(f"volume {v['name']}: {sorted(set(v) - {'name'})}")
    if ps.get("runAsUser") == 0:
        out.append("pod runAsUser 0")
    if ps.get("windowsOptions", {}).get("hostProcess"):
        out.append("pod hostProcess")
    if ps.get("seLinuxOptions", {}).get("type") not in SELINUX_TYPES:
        out.append("pod seLinuxOptions.type")
    if ps.get("appArmorProfile", {}).get("type", "RuntimeDefault") not in ("RuntimeDefault", "Localhost"):
        out.append("pod appArmorProfile")
    out += [f"sysctl {s['name']}" for s in ps.get("sysctls", []) if s["name"] not in SAFE_SYSCTLS]
    pod_seccomp = ps.get("seccompProfile", {}).get("type")
    for c in containers:
        cs, n = c.get("securityContext", {}), c["name"]
        if cs.get("allowPrivilegeEscalation") is not False:
            out.append(f"{n}: allowPrivilegeEscalation must be false")
        if cs.get("privileged"):
            out.append(f"{n}: privileged")
        caps = cs.get("capabilities", {})
        if "ALL" not in caps.get("drop", []) or not set(caps.get("add", [])) <= {"NET_BIND_SERVICE"}:
            out.append(f"{n}: capabilities must drop ALL and add at most NET_BIND_SERVICE")
        if cs.get("runAsNonRoot", ps.get("runAsNonRoot")) is not True:
            out.append(f"{n}: runAsNonRoot")
        if cs.get("runAsUser", ps.get("runAsUser")) == 0:
            out.append(f"{n}: runAsUser 0")
        if cs.get("seccompProfile", {}).get("type", pod_seccomp) not in ("RuntimeDefault", "Localhost"):
            out.append(f"{n}: seccompProfile must be RuntimeDefault or Localhost")
        if cs.get("windowsOptions", {}).get("hostProcess"):
            out.append(f"{n}: hostProcess")
        if cs.get("procMount", "Default") != "Default":
            out.append(f"{n}: procMount")
        if cs.get("seLinuxOptions", {}).get("type") not in SELINUX_TYPES:
            out.append(f"{n}: seLinuxOptions.type")
        if cs.get("appArmorProfile", {}).get("type", "RuntimeDefault") not in ("RuntimeDefault", "Localhost"):
            out.append(f"{n}: appArmorProfile")
        if any(p.get("hostPort") for p in c.get("ports", [])):
            out.append(f"{n}: hostPort")
    return out


@functools.cache
def validator(api_version: str, kind: str):
    path = SCHEMAS / f"{kind.lower()}-{api_version.replace('/', '-')}.json"
    return jsonschema_rs.validator_for(json.loads(path.read_text())) if path.is_file() else None


def schema_errors(doc: dict) -> list[str]:
    check = validator(doc["apiVersion"], doc["kind"])
    if check is None:  # a kind or version the targeted releases do not serve (or refresh.py was not run)
        return [f"apiVersion: no vendored schema of {doc['apiVersion']} {doc['kind']}"]
    return [f"{'/'.join(map(str, e.instance_path)) or '.'}: {e.message}" for e in check.iter_errors(doc)]


def test_the_manifest_is_what_render_writes():
    assert MANIFEST.read_text() == render_module().render(), "stale: run python deploy/k8s/render.py"


@pytest.mark.parametrize("name,pod", pod_specs() + strimzi_pods(),
                         ids=[n for n, _ in pod_specs() + strimzi_pods()])
def test_every_pod_passes_the_restricted_profile(name, pod):
    assert restricted_violations(pod) == []


def test_every_pod_template_is_checked():
    names = {n for n, _ in pod_specs()}
    assert names == {f"Deployment/{n}" for n in of("Deployment")} | {f"Job/{n}" for n in of("Job")}
    assert {n for n, _ in strimzi_pods()} == {"KafkaNodePool/getihu-dual", "Kafka/getihu-entity-operator"}


def _set(path: str, value):
    def change(pod):
        *parents, last = path.split(".")
        node = pod
        for key in parents:
            node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
        node[last] = value
    return change


def _drop(path: str):
    def change(pod):
        *parents, last = path.split(".")
        node = pod
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node.pop(last)
    return change


@pytest.mark.parametrize("change", [
    _set("containers.0.securityContext.allowPrivilegeEscalation", True),
    _drop("containers.0.securityContext.allowPrivilegeEscalation"),
    _set("containers.0.securityContext.privileged", True),
    _set("containers.0.securityContext.capabilities", {"drop": ["NET_RAW"]}),
    _set("containers.0.securityContext.capabilities.add", ["SYS_ADMIN"]),
    _set("containers.0.securityContext.runAsNonRoot", False),
    _set("containers.0.securityContext.runAsUser", 0),
    _set("securityContext.runAsUser", 0),
    _set("containers.0.securityContext.seccompProfile", {"type": "Unconfined"}),
    _drop("securityContext.seccompProfile"),
    _set("containers.0.securityContext.procMount", "Unmasked"),
    _set("containers.0.securityContext.seLinuxOptions", {"type": "spc_t"}),
    _set("securityContext.sysctls", [{"name": "kernel.msgmax", "value": "65536"}]),
    _set("securityContext.windowsOptions", {"hostProcess": True}),
    _set("hostNetwork", True),
    _set("hostPID", True),
    _set("volumes", [{"name": "host", "hostPath": {"path": "/var/run"}}]),
    _set("containers.0.ports", [{"containerPort": 8000, "hostPort": 8000}]),
], ids=["escalation", "escalation-unset", "privileged", "caps-not-all", "caps-add", "run-as-root-allowed",
        "uid-0", "pod-uid-0", "seccomp-unconfined", "seccomp-unset", "procmount", "selinux", "sysctl",
        "host-process", "host-network", "host-pid", "host-path", "host-port"])
def test_the_profile_check_refuses_what_restricted_refuses(change):
    pod = copy.deepcopy(of("Deployment")["gateway"]["spec"]["template"]["spec"])
    assert restricted_violations(pod) == []
    change(pod)
    assert restricted_violations(pod), "the restricted profile refuses this pod"


@pytest.mark.parametrize("name,pod", pod_specs(), ids=[n for n, _ in pod_specs()])
def test_every_container_of_ours_has_a_read_only_root_and_a_memory_limit(name, pod):
    for c in pod["containers"] + pod.get("initContainers", []):
        assert c["securityContext"].get("readOnlyRootFilesystem") is True, c["name"]
        assert c["resources"]["limits"]["memory"], c["name"]


@pytest.mark.parametrize("doc", all_docs(), ids=doc_id)
def test_every_document_is_valid_against_its_vendored_schema(doc):
    assert schema_errors(doc) == []


def test_the_vendored_schemas_are_exactly_the_kinds_used_at_the_versions_targeted():
    render = render_module()
    used = {(d["apiVersion"], d["kind"]) for d in all_docs()}
    assert {p.name for p in SCHEMAS.glob("*.json")} == {
        f"{kind.lower()}-{api.replace('/', '-')}.json" for api, kind in used}
    for api, kind in used:
        comment = json.loads((SCHEMAS / f"{kind.lower()}-{api.replace('/', '-')}.json").read_text())["$comment"]
        group = api.rpartition("/")[0]
        expected = {"kafka.strimzi.io": f"strimzi-crds-{render.STRIMZI_VERSION}.yaml",
                    "postgresql.cnpg.io": f"cnpg-{render.CNPG_VERSION}.yaml"}.get(group, "")
        assert f"Kubernetes {render.KUBERNETES_VERSION} " in comment and expected in comment, (api, kind, comment)


def _doc(kind: str, name: str) -> dict:
    return copy.deepcopy(next(d for d in all_docs() if d["kind"] == kind and d["metadata"]["name"] == name))


@pytest.mark.parametrize("kind,name,change,where", [
    ("Deployment", "gateway", _set("spec.template.spec.containers.0.securityContext.runAsNonRot", True),
     "spec/template/spec/containers/0/securityContext"),
    ("Deployment", "gateway", _set("spec.replicas", "2"), "spec/replicas"),
    ("Deployment", "gateway", _set("metadata.lables", {"app": "gateway"}), "metadata"),
    ("Job", "create-databases", _set("spec.template.spec.restartPolicy", ["OnFailure"]),
     "spec/template/spec/restartPolicy"),
    ("Ingress", "getihu", _set("spec.tls.0.secretname", "getihu-tls"), "spec/tls/0"),
    ("NetworkPolicy", "default-deny-ingress", _set("spec.policyType", ["Ingress"]), "spec"),
    ("ConfigMap", "getihu-config", _set("data.GETIHU_METRICS_PORT", 9100), "data/GETIHU_METRICS_PORT"),
    ("Kafka", "getihu", _set("spec.kafka.listeners.0.tsl", True), "spec/kafka/listeners/0"),
    ("Kafka", "getihu", _set("apiVersion", "kafka.strimzi.io/v1beta2"), "apiVersion"),
    ("KafkaNodePool", "getihu-dual", _set("spec.replicas", "three"), "spec/replicas"),
    ("KafkaUser", "getihu", _set("metadata.lables", {}), "metadata"),
    ("Cluster", "getihu-pg", _set("spec.instance", 3), "spec"),
    ("Cluster", "getihu-pg", _set("spec.backup.barmanObjectStore.wal.compresion", "gzip"),
     "spec/backup/barmanObjectStore/wal"),
    ("ScheduledBackup", "getihu-pg-nightly", _set("spec.immediate", "yes"), "spec/immediate"),
], ids=["pod-field", "replicas-type", "metadata-field", "restart-policy-type", "ingress-tls-field",
        "policy-field", "configmap-value-type", "kafka-listener-field", "strimzi-v1beta2", "node-pool-replicas-type",
        "kafkauser-metadata-field", "cluster-field", "cluster-wal-field", "backup-immediate-type"])
def test_a_misspelled_field_or_a_wrong_type_is_refused(kind, name, change, where):
    doc = _doc(kind, name)
    assert schema_errors(doc) == []
    change(doc)
    errors = schema_errors(doc)
    assert any(e.startswith(f"{where}: ") for e in errors), errors


def test_what_an_operator_leaves_open_stays_open():
    """Strimzi's broker config is free-form (x-kubernetes-preserve-unknown-fields): a key it does not
    name is no error, so strictness comes from the schema, not from refusing everything."""
    kafka = _doc("Kafka", "getihu")
    kafka["spec"]["kafka"]["config"]["log.retention.hours"] = 168
    assert schema_errors(kafka) == []


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
    assert STATEFUL.read_text() == render_module().render_stateful(), "stale: run python deploy/k8s/render.py"
    docs = {d["kind"]: d for d in yaml.safe_load_all(STATEFUL.read_text()) if d}
    pg = docs["Cluster"]["spec"]
    assert pg["instances"] >= 3 and pg["backup"]["retentionPolicy"]
    assert docs["ScheduledBackup"]["spec"]["cluster"]["name"] == docs["Cluster"]["metadata"]["name"]
    kafka = docs["Kafka"]["spec"]["kafka"]
    assert kafka["config"]["min.insync.replicas"] == 2 and docs["KafkaNodePool"]["spec"]["replicas"] == 3
    assert all(v["deleteClaim"] is False for v in docs["KafkaNodePool"]["spec"]["storage"]["volumes"])
    listener = kafka["listeners"][0]
    assert listener["tls"] is True and listener["authentication"]["type"] == "scram-sha-512"
    assert docs["KafkaUser"]["spec"]["authentication"]["type"] == "scram-sha-512"
