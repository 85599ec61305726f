"""Whether an operator's consent lets an institution read one thing now: plain functions, no I/O."""
from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, Sequence

from getihu_kit.clock import local_date
from getihu_kit.errors import Forbidden
from getihu_kit.labels import CREDIT_SCOPE_LABELS

SCOPES = tuple(CREDIT_SCOPE_LABELS)


class Consent(Protocol):
    scope: Any
    expires_on: dt.date
    granted_at: dt.datetime
    withdrawn_at: dt.datetime | None


def status(c: Consent, today: dt.date) -> str:
    """in_force, withdrawn (at once, whatever its expiry) or expired (after its last day, `expires_on`)."""
    if c.withdrawn_at is not None:
        return "withdrawn"
    return "in_force" if c.expires_on >= today else "expired"


def _scopes(scope: Sequence[str]) -> str:
    return "、".join(CREDIT_SCOPE_LABELS[s] for s in scope)


def permit(consents: Sequence[Consent], *, scope: str, today: dt.date) -> Consent:
    """The consent (of this business to this institution) under which `scope` may be read on `today`; otherwise a
    403 saying why: none was given; the one in force does not cover it; the newest was withdrawn or has expired."""
    if not consents:
        raise Forbidden("该个体工商户的经营者未授权本机构查询其分型分类信息，请经营者在平台上向本机构授权后再查询",
                        code="credit_consent_missing")
    in_force = [c for c in consents if status(c, today) == "in_force"]
    for c in in_force:
        if scope in c.scope:
            return c
    if in_force:
        raise Forbidden(f"经营者的授权范围为“{_scopes(in_force[0].scope)}”，不含“{CREDIT_SCOPE_LABELS[scope]}”，"
                        "如需查询请经营者另行授权", code="credit_consent_out_of_scope")
    newest = max(consents, key=lambda c: c.granted_at)
    if newest.withdrawn_at is not None:
        raise Forbidden(f"经营者已于 {local_date(newest.withdrawn_at).isoformat()} 撤回对本机构的授权，不能再查询",
                        code="credit_consent_withdrawn")
    raise Forbidden(f"经营者对本机构的授权已于 {newest.expires_on.isoformat()} 到期，请经营者重新授权后再查询",
                    code="credit_consent_expired")
