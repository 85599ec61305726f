"""What the services' OpenAPI examples (each service's examples.py) share: one cast of businesses
and people across every service's document, and the examples of the schemas two services both have.

The codes are literals with valid check digits (kit.domain.uscc.make / id_number.make computed them
once; tests/test_openapi_examples.py checks them), so an example never changes under anyone.
"""
from __future__ import annotations

# 漠河市北极村张记山货店, its operator 张德福, and a second shop in 塔河县.
USCC_MOHE = "92232701L00000101H"
USCC_TAHE = "92232722L000001035"
USCC_HUMA = "92232721L00000102K"
ID_ZHANG = "232701198203150013"  # 张德福, born 1982-03-15
ID_LI = "23272119900708002X"  # 李秀英, born 1990-07-08
ID_WANG = "232722197811020033"  # 王建国, born 1978-11-02

# kit.jobs.JobRead is in registry's and data-sharing's documents: the gateway merges a name once
# only if both are equal, so both services use this one example.
JOB_READ = {
    "id": "rg_5f0c8a4e2b7d4c1e9a3f6b2d8c7e1a40", "kind": "businesses", "status": "completed",
    "progress": 1.0, "processed": 120, "accepted": 118, "rejected": 2,
    "errors": [{"row": 37, "field": "uscc", "message": "统一社会信用代码校验码不正确"},
               {"row": 85, "field": "established_on", "message": "成立日期不能晚于今天"}],
    "message": None, "created_at": "2026-03-02T01:15:00Z", "finished_at": "2026-03-02T01:15:42Z",
}
