"""Which businesses a real-name operator may act for: those the registry has that person as the
current operator of (registry-svc keeps the operator history; a change of operator ends the old
person's period).

The identity provider vouches for the person's ID number (kit.auth: Principal.id_number); this
module turns it into Principal.usccs, the one thing every service checks ownership by
(Principal.owns). A service asks the registry's `GET /internal/operator-businesses` with the
caller's own token: the registry verifies it and answers only for the person it names, so nobody can
ask about another ID number, and no service imports the registry. The registry answers from its
database (its resolver is a query, not a call to itself).

Answers are kept `ttl_s` per person, keyed by a keyed hash of the ID number (never the number
itself, and a key of this process alone, so the keys say nothing outside it):
an operator change reaches the old operator's open sessions within that time.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

import httpx

from getihu_kit.auth import Principal, with_businesses
from getihu_kit.errors import DomainError, Forbidden

LOOKUP_PATH = "/internal/operator-businesses"
# Bounded memory: beyond this many people the oldest answers are dropped (they are asked again).
MAX_CACHED_PEOPLE = 10_000

# (the verified principal, its bearer token) -> the USCCs the person currently operates
Fetch = Callable[[Principal, str], frozenset[str]]


class LookupUnavailable(DomainError):
    status, code, title = 502, "upstream_unavailable", "上游服务不可用"


def needs_businesses(p: Principal) -> bool:
    return p.id_number is not None and p.has("operator")


class OperatorBusinesses:
    """The resolver a service keeps on app.state (kit.web.get_principal calls it)."""

    def __init__(self, fetch: Fetch, ttl_s: float):
        self.fetch, self.ttl_s = fetch, ttl_s
        self._answers: dict[str, tuple[float, frozenset[str]]] = {}
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()

    def resolve(self, p: Principal, token: str) -> Principal:
        if not needs_businesses(p):
            return p
        key = hmac.new(self._key, p.id_number.encode(), hashlib.sha256).hexdigest()
        now = time.monotonic()
        with self._lock:
            hit = self._answers.get(key)
        if hit is not None and now - hit[0] < self.ttl_s:
            return with_businesses(p, hit[1])
        usccs = self.fetch(p, token)
        if self.ttl_s > 0:
            with self._lock:
                if len(self._answers) >= MAX_CACHED_PEOPLE:
                    self._answers.pop(next(iter(self._answers)))
                self._answers[key] = (now, usccs)
        return with_businesses(p, usccs)


def http_fetch(client: httpx.Client) -> Fetch:
    """Ask the registry (client's base URL) with the caller's token."""
    def fetch(p: Principal, token: str) -> frozenset[str]:
        try:
            r = client.get(LOOKUP_PATH, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError:
            r = None
        if r is None or r.status_code != 200:
            raise LookupUnavailable("暂时无法向个体工商户登记系统核实您经营的个体工商户，请稍后重试；"
                                    "持续出现请联系系统管理员")
        return frozenset(r.json()["usccs"])
    return fetch


def http_resolver(base_url: str, ttl_s: float, *, timeout_s: float = 5.0) -> OperatorBusinesses:
    return OperatorBusinesses(http_fetch(httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s)), ttl_s)


def require_some_business(p: Principal) -> Principal:
    """A real-name operator whom the registry has as operator of no business: a clear refusal at
    sign-in (the console shows it), instead of an empty console."""
    if needs_businesses(p) and not p.usccs and p.roles <= {"operator", "public"}:
        raise Forbidden("登记系统中没有以您的身份证号码为当前经营者的个体工商户，暂不能以经营者身份办理业务。"
                        "如您刚刚办理了设立或经营者变更登记，请待登记机关录入后再登录；如有疑问请联系所在县（市、区）市场监管局",
                        code="operator_without_business")
    return p
