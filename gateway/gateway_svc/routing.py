"""Which service owns a public path. Plain functions: the proxy asks, nothing else decides."""
from __future__ import annotations

# Longest prefix wins. Paths are forwarded unchanged: each service serves its own /api/v1/... paths.
PREFIXES: list[tuple[str, str]] = sorted([
    ("/api/v1/businesses", "registry"),
    ("/api/v1/annual-report-windows", "registry"),
    ("/api/v1/directory", "registry"),
    ("/api/v1/registry", "registry"),
    ("/api/v1/data-sharing", "data-sharing"),
    ("/api/v1/typing", "typing"),
    # credit reads are served beside the results they show (typing-svc holds consents and their audit)
    ("/api/v1/credit", "typing"),
    ("/api/v1/cultivation", "cultivation"),
    ("/api/v1/appeals", "appeal"),
    ("/api/v1/notifications", "notify"),
    ("/api/v1/monitoring", "monitoring"),
], key=lambda p: -len(p[0]))

# Job ids carry their owner's prefix, so one /api/v1/jobs/{id} resource spans services.
JOB_PREFIXES = {"rg_": "registry", "ds_": "data-sharing", "ty_": "typing", "cu_": "cultivation",
                "ap_": "appeal", "nt_": "notify", "mo_": "monitoring"}

# Writes that need no token (the coarse rule refuses every other anonymous write).
ANONYMOUS_WRITES: tuple[str, ...] = ("/api/v1/auth/dev-token", "/api/v1/appeals/notice-objections")


def owner(path: str) -> str | None:
    if path.startswith("/api/v1/jobs/"):
        job_id = path[len("/api/v1/jobs/"):].split("/")[0]
        return next((svc for p, svc in JOB_PREFIXES.items() if job_id.startswith(p)), None)
    for prefix, svc in PREFIXES:
        if path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "?"):
            return svc
    return None


def anonymous_write_allowed(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in ANONYMOUS_WRITES)
