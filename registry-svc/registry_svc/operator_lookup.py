"""The registry's answer to "which businesses does this real-name operator currently operate"
(kit.operator_identity): for its own requests, from its database, and for the other services at
`GET /internal/operator-businesses`, which answers only for the person the caller's token names."""
from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request

from getihu_kit import clock, operator_identity
from getihu_kit.auth import Principal, require_roles
from getihu_kit.errors import Forbidden
from getihu_kit.web import get_principal
from registry_svc import repository

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Resolve from the database: fresh on every request (ttl 0), so the other services' caches are
    the only delay an operator change sees."""
    sessions = app.state.sessions

    def fetch(p: Principal, token: str) -> frozenset[str]:
        with sessions() as session:
            return repository.businesses_operated_by(session, p.id_number, clock.today())
    app.state.operator_businesses = operator_identity.OperatorBusinesses(fetch, ttl_s=0)


@router.get(operator_identity.LOOKUP_PATH)
def operator_businesses(request: Request) -> dict:
    # Not under /api/v1: the gateway never routes /internal; the services call it with the caller's token.
    p = require_roles(get_principal(request), "operator")
    if not operator_identity.needs_businesses(p):
        raise Forbidden("只有经统一身份认证核实身份证号码的经营者才能查询其经营的个体工商户")
    return {"usccs": sorted(p.usccs)}
