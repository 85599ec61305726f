"""Identity: JWT bearer tokens, roles and scope claims (CONTRACT.md: Identity).

Production (GETIHU_ENV=production) verifies RS256/ES256 tokens against the OIDC issuer's JWKS
(GETIHU_JWKS_URL) and nothing else; local runs and tests use the development issuer (HS256,
GETIHU_DEV_AUTH=1). Settings that would make tokens forgeable stop the process at start
(kit.settings.auth_refusals). Either way a token must name our
issuer (GETIHU_JWT_ISSUER) and audience (GETIHU_JWT_AUDIENCE) and carry exp, iat, iss, sub and aud;
the clocks of issuer and platform may differ by LEEWAY_S. Plain functions; kit.web wraps them as
FastAPI dependencies.

The provider's claims map to a Principal through ClaimNames (GETIHU_OIDC_CLAIM_*, README "Sign-in"):
roles, the county, the department or agency. The provider never names the businesses: it vouches for
the person's ID number, and the USCCs are those the registry has that person as current operator of
(kit.operator_identity resolves them); only the development issuer writes `usccs` into its tokens.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache

import jwt

from getihu_kit.domain import id_number
from getihu_kit.errors import Forbidden, InvalidInput, Unauthorized

ROLES = ("public", "operator", "county_staff", "prefecture_staff", "department", "agency",
         "national_directory", "financial_institution", "admin")
# financial_institution (DESIGN: Identity and access): a bank's client; its token's `sub` names the institution an
# operator's consent is given to, and every read under it is audited with that name.
STAFF_ROLES = ("county_staff", "prefecture_staff", "admin")
DEV_TOKEN_TTL_S = 8 * 3600
# Clock skew tolerated on exp, nbf and iat: enough for servers kept in time by NTP, small enough that
# an expired token is refused within half a minute.
LEEWAY_S = 30
REQUIRED_CLAIMS = ("exp", "iat", "iss", "sub", "aud")
# With a JWKS only asymmetric signatures: an HS256 token "signed" with the public key is refused.
JWKS_ALGORITHMS = ("RS256", "ES256")
DEV_ALGORITHMS = ("HS256",)


@dataclass(frozen=True)
class Principal:
    sub: str = "anonymous"
    roles: frozenset[str] = field(default_factory=lambda: frozenset({"public"}))
    region_code: str | None = None
    usccs: frozenset[str] = field(default_factory=frozenset)
    dataset: str | None = None
    department: str | None = None
    issuer: str | None = None  # the token's iss; None for anonymous callers
    # The ID number the identity provider vouches for (real-name operators); never printed or logged.
    id_number: str | None = field(default=None, repr=False)

    @property
    def is_public(self) -> bool:
        return self.roles <= {"public"}

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_staff(self) -> bool:
        return self.has(*STAFF_ROLES)

    @property
    def sees_all_regions(self) -> bool:
        return self.has("prefecture_staff", "admin")

    def can_act_in_region(self, region_code: str | None) -> bool:
        if self.sees_all_regions:
            return True
        return self.has("county_staff") and region_code is not None and self.region_code == region_code

    def owns(self, uscc: str) -> bool:
        return self.has("operator") and uscc in self.usccs

    def audit_name(self) -> str:
        return f"{self.sub}[{','.join(sorted(self.roles))}]"


ANONYMOUS = Principal()


def require_roles(p: Principal, *roles: str) -> Principal:
    if p.is_public and "public" not in roles:
        raise Unauthorized("需要登录：请在请求头 Authorization 中携带有效的令牌")
    if not p.has(*roles):
        names = "、".join(roles)
        raise Forbidden(f"当前身份无权执行此操作（需要角色：{names}）")
    return p


def require_region(p: Principal, region_code: str | None) -> None:
    if not p.can_act_in_region(region_code):
        raise Forbidden(f"只能办理本辖区（{p.region_code or '未绑定辖区'}）的业务")


def readable_by(p: Principal, *, uscc: str | None = None, region_code: str | None = None,
                also: tuple[str, ...] = ()) -> bool:
    """The one fine scope rule: the operator who owns the business, staff whose region covers it
    (county staff their county, prefecture staff and admins every county), or a role in `also`
    (e.g. the national directory for published results)."""
    if uscc is not None and p.owns(uscc):
        return True
    if p.can_act_in_region(region_code):
        return True
    return bool(also) and p.has(*also)


def require_readable(p: Principal, *, uscc: str | None = None, region_code: str | None = None,
                     also: tuple[str, ...] = (), message: str = "无权查看或办理该个体工商户的业务") -> None:
    if not readable_by(p, uscc=uscc, region_code=region_code, also=also):
        raise Forbidden(message)


def scoped_region(p: Principal, requested: str | None, *, field: str = "region_code") -> str | None:
    """The region a staff list may cover: any (or the one asked for) for the prefecture; for county
    staff their own county, and asking for another is refused."""
    if p.sees_all_regions:
        return requested
    if requested is not None and requested != p.region_code:
        raise Forbidden(f"只能查看本辖区（{p.region_code or '未绑定辖区'}）的数据", field=field)
    if p.region_code is None:
        raise Forbidden("当前账号未绑定辖区，无法查看辖区数据")
    return p.region_code


@dataclass(frozen=True)
class ClaimNames:
    """Where the provider puts each fact: a claim name, or a dotted path into nested claims (Keycloak's
    `realm_access.roles`). Configurable per deployment (GETIHU_OIDC_CLAIM_*); these are the defaults."""
    roles: str = "roles"
    region_code: str = "region_code"
    department: str = "department"
    dataset: str = "dataset"
    id_number: str = "id_number"


DEFAULT_CLAIMS = ClaimNames()


def _claim(claims: dict, path: str):
    value = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text_claim(claims: dict, path: str) -> str | None:
    value = _claim(claims, path)
    if value is None or value == "":
        return None
    if isinstance(value, list) and len(value) == 1:  # some providers give every attribute as a list
        value = value[0]
    if not isinstance(value, (str, int)):
        raise Unauthorized(f"令牌中的声明“{path}”应为文本", code="token_invalid")
    return str(value)


def _roles_claim(claims: dict, path: str) -> list[str]:
    roles = _claim(claims, path) or []
    if isinstance(roles, str):  # a space- or comma-separated string, as some providers write it
        roles = roles.replace(",", " ").split()
    if not isinstance(roles, list):
        raise Unauthorized(f"令牌中的声明“{path}”应为角色列表", code="token_invalid")
    return [str(r) for r in roles]


def claims_to_principal(claims: dict, names: ClaimNames = DEFAULT_CLAIMS, *, provider: bool = False) -> Principal:
    """The Principal a verified token names. With `provider` (an OIDC provider's token, verified
    through its JWKS) the roles the platform does not know are left out (a provider gives its own
    too, e.g. offline_access), a person whose ID number is vouched for and who holds no platform role
    is an operator, and the token's own `usccs` count for nothing: the registry says which businesses
    that person operates. The development issuer's tokens carry platform roles only, and their usccs."""
    roles = _roles_claim(claims, names.roles)
    unknown = [r for r in roles if r not in ROLES]
    if unknown and not provider:
        raise Unauthorized(f"令牌中含有未知角色：{', '.join(unknown)}")
    roles = [r for r in roles if r in ROLES]
    person = _text_claim(claims, names.id_number) if provider else None
    if person is not None:
        try:
            person = id_number.validate(person)
        except ValueError:
            raise Unauthorized(f"身份认证服务提供的身份证号码（声明“{names.id_number}”）格式不正确，请联系统一身份认证管理员",
                               code="token_invalid") from None
        if not roles:
            roles = ["operator"]
    return Principal(
        sub=str(claims.get("sub") or "unknown"),
        roles=frozenset(roles) or frozenset({"public"}),
        region_code=_text_claim(claims, names.region_code),
        usccs=frozenset() if provider else frozenset(claims.get("usccs") or []),
        dataset=_text_claim(claims, names.dataset),
        department=_text_claim(claims, names.department),
        issuer=claims.get("iss"),
        id_number=person,
    )


def with_businesses(p: Principal, usccs: frozenset[str]) -> Principal:
    """The operator with the businesses the registry has them as current operator of."""
    return replace(p, usccs=usccs)


@lru_cache(maxsize=4)
def _jwks_client(url: str):
    return jwt.PyJWKClient(url, cache_keys=True)


def _jwks_key(url: str, token: str, alg: str):
    """The JWKS key the token's kid names, if it is a key for the token's algorithm: an ES256 token
    under an RSA key's kid is refused here (PyJWT would raise TypeError on the mismatch)."""
    jwk = _jwks_client(url).get_signing_key_from_jwt(token)
    if jwk.algorithm_name != alg:
        raise jwt.InvalidAlgorithmError("the key is not for this algorithm")
    return jwk.key


def _claim_problem(exc: jwt.PyJWTError) -> Unauthorized:
    if isinstance(exc, jwt.ExpiredSignatureError):
        return Unauthorized("令牌已过期，请重新登录获取新令牌", code="token_expired")
    if isinstance(exc, jwt.ImmatureSignatureError):
        return Unauthorized("令牌尚未生效（签发或生效时间晚于当前时间），请核对签发方与本机的时钟后重新获取",
                            code="token_not_yet_valid")
    if isinstance(exc, jwt.InvalidIssuerError):
        return Unauthorized("令牌的签发方不是本平台认可的身份认证服务，请使用本平台登录获得的令牌", code="token_invalid")
    if isinstance(exc, jwt.InvalidAudienceError):
        return Unauthorized("令牌不是签发给本平台的（受众不符），请使用本平台登录获得的令牌", code="token_invalid")
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return Unauthorized(f"令牌缺少必需的声明“{exc.claim}”，请重新获取", code="token_invalid")
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return Unauthorized("令牌的签名算法不被接受，请使用本平台登录获得的令牌", code="token_invalid")
    return Unauthorized("令牌无效（签名或格式不正确），请重新获取", code="token_invalid")


def verify(token: str, *, secret: str, issuer: str, audience: str, jwks_url: str | None = None,
           names: ClaimNames = DEFAULT_CLAIMS) -> Principal:
    """The caller a bearer token names, or Unauthorized (token_expired, token_not_yet_valid, token_invalid).
    A provider's token (under a JWKS) maps through `names`; an operator's businesses are still to be
    resolved (kit.operator_identity)."""
    algorithms = JWKS_ALGORITHMS if jwks_url else DEV_ALGORITHMS
    try:
        # The algorithm is checked before any key is looked up, so `alg: none` or HS256 under a JWKS
        # never reaches a key (PyJWT refuses them too; this keeps the refusal independent of the key type).
        alg = jwt.get_unverified_header(token).get("alg")
        if alg not in algorithms:
            raise jwt.InvalidAlgorithmError("algorithm not allowed")
        key = _jwks_key(jwks_url, token, alg) if jwks_url else secret
        claims = jwt.decode(token, key, algorithms=list(algorithms), issuer=issuer, audience=audience,
                            leeway=LEEWAY_S, options={"require": list(REQUIRED_CLAIMS)})
    except jwt.PyJWTError as exc:
        raise _claim_problem(exc) from None
    return claims_to_principal(claims, names if jwks_url else DEFAULT_CLAIMS, provider=bool(jwks_url))


def issue_dev_token(*, sub: str, roles: list[str], secret: str, issuer: str, audience: str,
                    region_code: str | None = None, usccs: list[str] | None = None,
                    dataset: str | None = None, department: str | None = None,
                    ttl_s: int = DEV_TOKEN_TTL_S) -> str:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput(f"未知角色：{', '.join(unknown)}；可用角色：{', '.join(ROLES)}", field="roles")
    now = int(time.time())
    claims = {"sub": sub, "roles": roles, "iss": issuer, "aud": audience, "iat": now, "exp": now + ttl_s}
    for k, v in (("region_code", region_code), ("usccs", usccs), ("dataset", dataset), ("department", department)):
        if v:
            claims[k] = v
    return jwt.encode(claims, secret, algorithm="HS256")


class VerifiedTokens:
    """Tokens a process has verified, with their callers, until each token's own `exp`: a clerk's
    token is verified once, not on every page it asks for (signature, claims and, with a JWKS, a worker
    thread, since a key may have to be fetched). Keyed by the whole token, bounded (the oldest entry
    goes first); a token past its `exp` is verified afresh, so refused as expired. A refused token is
    never kept."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Principal | None:
        hit = self._entries.get(token)
        if hit is None or hit[0] <= time.time():
            return None
        return hit[1]

    def put(self, token: str, principal: Principal) -> None:
        try:
            exp = float(jwt.decode(token, options={"verify_signature": False})["exp"])
        except Exception:  # verified already, so it has one; never let the cache refuse a caller
            return
        with self._lock:
            if len(self._entries) >= self.size:
                now = time.time()
                for key in [k for k, (until, _) in self._entries.items() if until <= now] or \
                        [next(iter(self._entries))]:
                    self._entries.pop(key, None)
            self._entries[token] = (exp, principal)
