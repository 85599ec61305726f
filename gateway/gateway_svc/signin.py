"""What the console needs to sign people in: which sign-ins are on (the development issuer, the
OIDC provider) and, once signed in, who the caller is with the businesses a real-name operator
currently operates (kit.operator_identity)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from getihu_kit import auth
from getihu_kit.operator_identity import require_some_business
from getihu_kit.web import requires

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
SIGNED_IN = requires(*(r for r in auth.ROLES if r != "public"))


class OidcConfig(BaseModel):
    issuer: str
    client_id: str
    scopes: str
    redirect_uri: str | None = None
    resource: str | None = None


class AuthConfig(BaseModel):
    dev_auth: bool
    oidc: OidcConfig | None = None


class SessionRead(BaseModel):
    sub: str
    roles: list[str]
    region_code: str | None = None
    usccs: list[str]
    dataset: str | None = None
    department: str | None = None


@router.get("/config", response_model=AuthConfig, summary="登录方式（控制台据此显示开发登录或统一身份认证登录）")
def auth_config(request: Request) -> AuthConfig:
    s = request.app.state.settings
    oidc = (OidcConfig(issuer=s.oidc_issuer, client_id=s.oidc_client_id, scopes=s.oidc_scopes,
                       redirect_uri=s.oidc_redirect_uri, resource=s.oidc_resource) if s.oidc_issuer else None)
    return AuthConfig(dev_auth=s.dev_auth, oidc=oidc)


@router.get("/me", response_model=SessionRead, summary="当前登录身份（经营者含其当前经营的个体工商户）")
def current_session(principal: auth.Principal = Depends(SIGNED_IN)) -> SessionRead:
    # A sync route: the operator's businesses may be asked of the registry (in the threadpool).
    p = require_some_business(principal)
    return SessionRead(sub=p.sub, roles=sorted(p.roles), region_code=p.region_code, usccs=sorted(p.usccs),
                       dataset=p.dataset, department=p.department)



