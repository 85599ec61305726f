"""The examples of the gateway's own operations in the merged OpenAPI document (kit.web.apply_examples):
development tokens, health, and the problem pages (from the catalogue itself, kit.problems)."""
from __future__ import annotations

from getihu_kit import auth, labels
from getihu_kit.examples import USCC_MOHE
from getihu_kit.problems import PROBLEM_TYPES, type_uri

_PROBLEM = PROBLEM_TYPES["invalid_input"]
_PROBLEM_READ = {"code": _PROBLEM.code, "type": type_uri(_PROBLEM.code), "status": _PROBLEM.status,
                 "title": _PROBLEM.title, "description": _PROBLEM.description, "action": _PROBLEM.action}

EXAMPLES: dict[str, dict] = {
    "DevTokenRequest": {"sub": "mohe-operator-zhang", "roles": ["operator"], "region_code": "232701",
                        "usccs": [USCC_MOHE]},
    "DevTokenResponse": {"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtb2hlLW9wZXJhdG9yLXpoYW5nIn0."
                                         "c2lnbmF0dXJl", "token_type": "bearer", "expires_in": auth.DEV_TOKEN_TTL_S},
    # kit's tables themselves, two labels of each
    "LabelTables": {name: dict(list(table.items())[:2]) for name, table in labels.tables().items()},
    "AuthConfig": {"dev_auth": False, "oidc": {"issuer": "https://id.example.gov.cn/realms/getihu",
                                               "client_id": "getihu-console", "scopes": "openid profile",
                                               "redirect_uri": None, "resource": None}},
    "SessionRead": {"sub": "zhang-san", "roles": ["operator"], "region_code": None, "usccs": [USCC_MOHE],
                    "dataset": None, "department": None},
    "ProblemTypeRead": _PROBLEM_READ,
    "ProblemTypePage": {"items": [_PROBLEM_READ], "next_cursor": None},
    "healthz": {"responses": {"200": {"status": "ok", "service": "gateway"}}},
    "readyz": {"responses": {"200": {"status": "ready", "components": {
        "registry": "ready", "data-sharing": "ready", "typing": "ready", "cultivation": "ready",
        "appeal": "ready", "notify": "ready", "kafka": "ready"}}}},
}
