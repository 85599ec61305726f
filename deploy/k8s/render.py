"""Write deploy/k8s/platform.yaml: the multi-node form, one place for what every pod shares.

    python deploy/k8s/render.py          # rewrite platform.yaml (a test fails while it is stale)

Every pod passes the `restricted` Pod Security profile (non-root, no privilege escalation, every
capability dropped, RuntimeDefault seccomp, read-only root filesystem with an emptyDir /tmp); every
process has probes (APIs: /readyz and /healthz on their port; workers and the gateway: /healthz on
the metrics port 9100, which answers 503 once a loop has stopped); every Deployment has a
PodDisruptionBudget; ingress is denied by default and opened only gateway <- ingress controller,
API <- gateway, metrics <- monitoring; the Ingress terminates TLS. A Job creates the services'
databases (python -m getihu_kit.databases); PostgreSQL and Kafka themselves are a managed service or
an operator's (README: Production).
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "local"))
from stack import SERVICES  # noqa: E402  the one list of services, ports and packages

NS = "getihu"
IMAGE = "getihu/platform:1.0.0"
METRICS_PORT = 9100
UID = 10001  # the image's user (deploy/docker/Dockerfile)
HOST = "getihu.example.gov.cn"
INGRESS_NAMESPACE = "ingress-nginx"
MONITORING_NAMESPACE = "monitoring"
# What the manifests are written for: the oldest Kubernetes and the operators' releases. The suite
# validates every document against their schemas, vendored in deploy/k8s/schemas (its refresh.py
# rewrites them from these releases when one moves).
KUBERNETES_VERSION = "1.31.0"
STRIMZI_VERSION = "1.2.0"
KAFKA_VERSION, KAFKA_METADATA_VERSION = "4.3.1", "4.3-IV0"  # the newest Kafka Strimzi 1.2.0 runs
CNPG_VERSION = "1.30.0"
CNPG_NAMESPACE = "cnpg-system"  # where CloudNativePG's operator runs (its default install)
CNPG_METRICS_PORT = 9187

HEADER = """\
# Rendered by deploy/k8s/render.py: edit that file, then `python deploy/k8s/render.py`.
# The multi-node form: stateless APIs scale by replicas behind the gateway; workers scale out by
# consumer group (Kafka partitions are keyed by USCC, so one business's events stay in order).
# PostgreSQL (one database per service) and Kafka are a managed service or an operator's; their
# addresses come from the ConfigMap below and from the Secret `getihu-secrets`, which is never
# committed: create it from an env file kept outside the repository (see deploy/secrets.env.example),
#   kubectl -n getihu create secret generic getihu-secrets --from-env-file=secrets.env
# with DATABASE_URL and GETIHU_JWT_SECRET (the appeal service keys anonymous objectors' ids with it),
# and the TLS certificate of the Ingress as the Secret `getihu-tls` (or let cert-manager issue it).
"""


def meta(name: str, **labels) -> dict:
    out = {"name": name, "namespace": NS}
    if labels:
        out["labels"] = labels
    return out


POD_SECURITY = {"runAsNonRoot": True, "runAsUser": UID, "runAsGroup": UID, "fsGroup": UID,
                "seccompProfile": {"type": "RuntimeDefault"}}
RESTRICTED_CONTAINER = {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}
CONTAINER_SECURITY = {**RESTRICTED_CONTAINER, "readOnlyRootFilesystem": True}
# Strimzi's pods run in this namespace too, and its default security provider is `baseline`: the
# custom resources carry the restricted fields themselves (the images' own user; the brokers' pods
# keep fsGroup 0, as Strimzi sets it for persistent volumes).
STRIMZI_POD_SECURITY = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
ENV_FROM = [{"configMapRef": {"name": "getihu-config"}}, {"secretRef": {"name": "getihu-secrets"}}]


def pod(container: dict, *, grace_s: int | None = None) -> dict:
    container = {"image": IMAGE, "envFrom": ENV_FROM, **container, "securityContext": CONTAINER_SECURITY,
                 "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}
    spec = {"securityContext": POD_SECURITY, "automountServiceAccountToken": False, "containers": [container],
            "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}]}
    if grace_s:
        spec["terminationGracePeriodSeconds"] = grace_s
    return spec


def http_probe(path: str, port: int, period: int, **more) -> dict:
    return {"httpGet": {"path": path, "port": port}, "periodSeconds": period, **more}


def deployment(name: str, labels: dict, spec: dict, *, scrape_port: int, replicas: int = 2) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, **labels),
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels, "annotations": {
                         "prometheus.io/scrape": "true", "prometheus.io/port": str(scrape_port),
                         "prometheus.io/path": "/metrics"}},
                                  "spec": spec}}}


def pdb(name: str, labels: dict) -> dict:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(name),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": labels}}}


def service(name: str, labels: dict, port: int, target: int | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name),
            "spec": {"selector": labels, "ports": [{"name": "http", "port": port, "targetPort": target or port}]}}


def allow(name: str, to: dict, ports: list[int], sources: list[dict]) -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name),
            "spec": {"podSelector": {"matchLabels": to}, "policyTypes": ["Ingress"],
                     "ingress": [{"from": sources, "ports": [{"protocol": "TCP", "port": p} for p in ports]}]}}


def namespace_selector(name: str) -> dict:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


# Services whose worker reads another's /internal/outbox before deciding (kit.barrier): typing's runs
# wait for what registry and data-sharing accepted. Each pair is an env var and a network policy.
BARRIER_SOURCES = {"typing": ("registry", "data-sharing")}
# Services whose API does so: cultivation's recognitions and quota wait for what typing published.
API_BARRIER_SOURCES = {"cultivation": ("typing",)}


def documents() -> list[dict]:
    docs: list[dict] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS, "labels": {
            "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted"}}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("getihu-config"), "data": {
            "GETIHU_ENV": "production",
            "GETIHU_KAFKA_BOOTSTRAP": "kafka-bootstrap.kafka.svc:9092",
            "GETIHU_JWT_ISSUER": "https://sso.example.gov.cn/realms/getihu",
            "GETIHU_JWT_AUDIENCE": "getihu",
            "GETIHU_JWKS_URL": "https://sso.example.gov.cn/realms/getihu/protocol/openid-connect/certs",
            "GETIHU_DEV_AUTH": "0",
            # the console's OIDC sign-in (README "Sign-in and claims"); the claim names keep their defaults
            "GETIHU_OIDC_ISSUER": "https://sso.example.gov.cn/realms/getihu",
            "GETIHU_OIDC_CLIENT_ID": "getihu-console",
            "GETIHU_OIDC_SCOPES": "openid profile",
            # every API asks the registry which businesses a real-name operator runs (kit.operator_identity)
            "GETIHU_OPERATOR_LOOKUP_URL": "http://registry-api:8001",
            "GETIHU_LOG_LEVEL": "INFO",
            "GETIHU_METRICS_PORT": str(METRICS_PORT),
            "GETIHU_METRICS_HOST": "0.0.0.0",
            "GETIHU_OTLP_ENDPOINT": ""}},  # set to an OTLP/HTTP collector to export traces
        # Before the services (re-run at each deploy: it creates only what is missing).
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("create-databases", app="create-databases"),
         "spec": {"backoffLimit": 10, "ttlSecondsAfterFinished": 86400, "template": {
             "metadata": {"labels": {"app": "create-databases"}},
             "spec": {**pod({"name": "create-databases", "command": ["python", "-m", "getihu_kit.databases"],
                             "resources": {"requests": {"cpu": "50m", "memory": "64Mi"},
                                           "limits": {"memory": "256Mi"}}}),
                      "restartPolicy": "OnFailure"}}}},
        # Nothing reaches a pod unless a policy below lets it.
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("default-deny-ingress"),
         "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}},
    ]
    gateway_src = [{"podSelector": {"matchLabels": {"app": "gateway"}}}]
    monitoring_src = [namespace_selector(MONITORING_NAMESPACE)]
    ports = {name: 8000 + offset for name, _, offset, _ in SERVICES}
    readers = {src: [{"podSelector": {"matchLabels": {"app": svc, "role": role}}}
                     for role, sources in (("worker", BARRIER_SOURCES), ("api", API_BARRIER_SOURCES))
                     for svc, srcs in sources.items() if src in srcs] for src in ports}

    def barrier_env_of(name: str, sources: dict) -> list[dict]:
        return [{"name": f"{name.replace('-', '_').upper()}_{src.replace('-', '_').upper()}_URL",
                 "value": f"http://{src}-api:{ports[src]}"} for src in sources.get(name, ())]
    for name, pkg, offset, _ in SERVICES:
        port = 8000 + offset
        api, worker = {"app": name, "role": "api"}, {"app": name, "role": "worker"}
        barrier_env = barrier_env_of(name, BARRIER_SOURCES)
        api_barrier_env = barrier_env_of(name, API_BARRIER_SOURCES)
        docs += [
            deployment(f"{name}-api", api, pod({
                "name": "api", "command": ["python", "-m", "uvicorn", f"{pkg}.main:app", "--host", "0.0.0.0",
                                           "--port", str(port)],
                **({"env": api_barrier_env} if api_barrier_env else {}),
                "ports": [{"name": "http", "containerPort": port}],
                "startupProbe": http_probe("/healthz", port, 5, failureThreshold=60),  # migrations at start
                "readinessProbe": http_probe("/readyz", port, 5),
                "livenessProbe": http_probe("/healthz", port, 10),
                "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}}}),
                scrape_port=port),
            service(f"{name}-api", api, port),
            pdb(f"{name}-api", api),
            # SIGTERM: finish the batch in hand, commit offsets, close (kit.worker), within the grace period.
            deployment(f"{name}-worker", worker, pod({
                "name": "worker", "command": ["python", "-m", f"{pkg}.worker"],
                **({"env": barrier_env} if barrier_env else {}),
                "ports": [{"name": "metrics", "containerPort": METRICS_PORT}],
                "startupProbe": http_probe("/healthz", METRICS_PORT, 5, failureThreshold=60),
                "readinessProbe": http_probe("/healthz", METRICS_PORT, 10),
                "livenessProbe": http_probe("/healthz", METRICS_PORT, 15, failureThreshold=3),
                "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "1536Mi"}}},
                grace_s=60), scrape_port=METRICS_PORT),
            pdb(f"{name}-worker", worker),
            allow(f"{name}-api-from-gateway", api, [port], gateway_src),
            *([allow(f"{name}-api-from-barrier-readers", api, [port], readers[name])] if readers[name] else []),
            # a real-name operator's businesses: every API asks the registry (/internal/operator-businesses)
            *([allow("registry-api-from-operator-lookups", api, [port],
                     [{"podSelector": {"matchLabels": {"role": "api"}}}])] if name == "registry" else []),
            allow(f"{name}-metrics-from-monitoring", {"app": name}, [port, METRICS_PORT], monitoring_src),
        ]
    gateway = {"app": "gateway"}
    env = [{"name": f"GATEWAY_{name.replace('-', '_').upper()}_URL", "value": f"http://{name}-api:{8000 + offset}"}
           for name, _, offset, _ in SERVICES]
    docs += [
        deployment("gateway", gateway, pod({
            "name": "gateway", "command": ["python", "-m", "uvicorn", "gateway_svc.main:app", "--host", "0.0.0.0",
                                           "--port", "8000"],
            "ports": [{"name": "http", "containerPort": 8000}, {"name": "metrics", "containerPort": METRICS_PORT}],
            "env": env,
            "readinessProbe": http_probe("/healthz", 8000, 5),
            "livenessProbe": http_probe("/healthz", 8000, 10),
            "resources": {"requests": {"cpu": "250m", "memory": "128Mi"}, "limits": {"memory": "512Mi"}}}),
            scrape_port=METRICS_PORT),
        service("gateway", gateway, 80, 8000),
        pdb("gateway", gateway),
        {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta("gateway"),
         "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"},
                  "minReplicas": 2, "maxReplicas": 8,
                  "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                      "type": "Utilization", "averageUtilization": 70}}}]}},
        allow("gateway-from-ingress", gateway, [8000], [namespace_selector(INGRESS_NAMESPACE)]),
        allow("gateway-metrics-from-monitoring", gateway, [METRICS_PORT], monitoring_src),
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {
            **meta("getihu"), "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "200m",
                                              "nginx.ingress.kubernetes.io/ssl-redirect": "true"}},
         "spec": {"ingressClassName": "nginx", "tls": [{"hosts": [HOST], "secretName": "getihu-tls"}],
                  "rules": [{"host": HOST, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                      "service": {"name": "gateway", "port": {"number": 80}}}}]}}]}},
    ]
    return docs


STATEFUL_HEADER = f"""\
# Rendered by deploy/k8s/render.py. The stateful parts under their operators, for a cluster that runs
# CloudNativePG {CNPG_VERSION} (PostgreSQL) and Strimzi {STRIMZI_VERSION} (Kafka {KAFKA_VERSION}, the v1 API):
# apply before platform.yaml, then point
# DATABASE_URL (Secret getihu-secrets) at getihu-pg-rw and GETIHU_KAFKA_BOOTSTRAP at
# getihu-kafka-bootstrap:9093 with GETIHU_KAFKA_SECURITY_PROTOCOL=SASL_SSL, SCRAM-SHA-512, the user
# `getihu` (its password in the Secret Strimzi makes for it) and the cluster CA
# (getihu-cluster-ca-cert). Backups: PostgreSQL to object storage, base backup nightly + WAL.
# The instances serve their metrics on port {CNPG_METRICS_PORT} (scrape them with a PodMonitor of your own).
"""


def stateful_documents() -> list[dict]:
    return [
        {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": meta("getihu-pg"), "spec": {
            "instances": 3,
            "storage": {"size": "100Gi"},
            "walStorage": {"size": "20Gi"},
            # the services' databases are made by the create-databases Job (platform.yaml)
            "bootstrap": {"initdb": {"database": "registry", "owner": "getihu"}},
            "enableSuperuserAccess": False,
            "backup": {
                "retentionPolicy": "30d",
                "barmanObjectStore": {
                    "destinationPath": "s3://getihu-backups/postgres",
                    "s3Credentials": {
                        "accessKeyId": {"name": "getihu-backup-s3", "key": "ACCESS_KEY_ID"},
                        "secretAccessKey": {"name": "getihu-backup-s3", "key": "SECRET_ACCESS_KEY"}},
                    "wal": {"compression": "gzip"}}}}},
        # platform.yaml denies all ingress in the namespace: the instances take PostgreSQL from the
        # namespace's pods (services, the create-databases Job, each other), the operator's calls on the
        # instance manager's port and the monitoring namespace's scrapes. Strimzi makes the broker's own.
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("getihu-pg"), "spec": {
            "podSelector": {"matchLabels": {"cnpg.io/cluster": "getihu-pg"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {}}], "ports": [{"protocol": "TCP", "port": 5432}]},
                        {"from": [namespace_selector(CNPG_NAMESPACE)], "ports": [{"protocol": "TCP", "port": 8000}]},
                        {"from": [namespace_selector(MONITORING_NAMESPACE)],
                         "ports": [{"protocol": "TCP", "port": CNPG_METRICS_PORT}]}]}},
        {"apiVersion": "postgresql.cnpg.io/v1", "kind": "ScheduledBackup", "metadata": meta("getihu-pg-nightly"),
         "spec": {"schedule": "0 0 2 * * *", "cluster": {"name": "getihu-pg"}, "backupOwnerReference": "self",
                  "immediate": True}},
        {"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaNodePool", "metadata": {
            **meta("getihu-dual"), "labels": {"strimzi.io/cluster": "getihu"}},
         "spec": {"replicas": 3, "roles": ["controller", "broker"],
                  "template": {"pod": {"securityContext": {**STRIMZI_POD_SECURITY, "fsGroup": 0}},
                               "kafkaContainer": {"securityContext": RESTRICTED_CONTAINER}},
                  "storage": {"type": "jbod", "volumes": [{"id": 0, "type": "persistent-claim", "size": "200Gi",
                                                           "deleteClaim": False, "kraftMetadata": "shared"}]}}},
        {"apiVersion": "kafka.strimzi.io/v1", "kind": "Kafka", "metadata": meta("getihu"),
         "spec": {"kafka": {
             "version": KAFKA_VERSION, "metadataVersion": KAFKA_METADATA_VERSION,
             "listeners": [{"name": "tls", "port": 9093, "type": "internal", "tls": True,
                            "authentication": {"type": "scram-sha-512"}}],
             "authorization": {"type": "simple"},
             # three replicas, two in sync: an acks=all write survives the loss of a broker
             "config": {"default.replication.factor": 3, "min.insync.replicas": 2,
                        "offsets.topic.replication.factor": 3, "transaction.state.log.replication.factor": 3,
                        "transaction.state.log.min.isr": 2}},
             "entityOperator": {"topicOperator": {}, "userOperator": {}, "template": {
                 "pod": {"securityContext": STRIMZI_POD_SECURITY},
                 "topicOperatorContainer": {"securityContext": RESTRICTED_CONTAINER},
                 "userOperatorContainer": {"securityContext": RESTRICTED_CONTAINER}}}}},
        {"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaUser", "metadata": {
            **meta("getihu"), "labels": {"strimzi.io/cluster": "getihu"}},
         "spec": {"authentication": {"type": "scram-sha-512"},
                  "authorization": {"type": "simple", "acls": [
                      {"resource": {"type": "topic", "name": "getihu.", "patternType": "prefix"},
                       "operations": ["Describe", "Read", "Write", "Create", "DescribeConfigs"]},
                      {"resource": {"type": "group", "name": "*", "patternType": "literal"},
                       "operations": ["Describe", "Read"]},
                      {"resource": {"type": "cluster"}, "operations": ["Describe", "IdempotentWrite"]}]}}},
    ]


class PlainDumper(yaml.SafeDumper):
    """A block shared in code (a security context) written out in full each time: no YAML anchors to chase."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump(docs: list[dict]) -> str:
    return yaml.dump_all(docs, Dumper=PlainDumper, sort_keys=False, default_flow_style=False, width=120)


def render() -> str:
    return HEADER + dump(documents())


def render_stateful() -> str:
    return STATEFUL_HEADER + dump(stateful_documents())


if __name__ == "__main__":
    (HERE / "platform.yaml").write_text(render())
    (HERE / "stateful.yaml").write_text(render_stateful())
    print(f"wrote {HERE / 'platform.yaml'} and {HERE / 'stateful.yaml'}")
