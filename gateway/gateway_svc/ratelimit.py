"""Abuse limits for anonymous callers: a sliding-window count per client address and rule, shared by
every gateway process through PostgreSQL.

Decisions are taken in the process, from the counts it last read plus what it has counted since, so a
request never waits on the database; every `flush_interval_s` a process adds its new counts to the
shared table in one statement and reads back the totals of every process. Between two flushes each
process may let through what it alone has counted, so with N processes a limit can be exceeded by at
most N − 1 flush intervals' worth of one address's requests: small beside a limit per minute, and the
price of a public path that never waits for a lock. When the database is away the process keeps
counting on its own (the public 名录 stays up; the limit is then per process) and adds its counts when
the database is back.

The window is the sliding-window counter: the previous fixed window's count weighted by how much of it
still overlaps the last `window_s` seconds, plus the current window's count.
"""
from __future__ import annotations

import ipaddress
import logging
import math
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger("gateway.ratelimit")

# Keys a process keeps between flushes; past it the oldest window is dropped first (a spray of
# addresses costs memory only up to here).
MAX_KEYS = 200_000


@dataclass(frozen=True)
class Rule:
    name: str
    method: str | None  # None: every method
    pattern: re.Pattern
    limit: int  # requests per window and client address (before a bureau's allowance)
    window_s: int
    label: str  # what a person reads in the 429

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and self.pattern.fullmatch(path) is not None


def rules(*, directory_per_minute: int, notice_objections_per_hour: int, anonymous_per_minute: int) -> list[Rule]:
    """First match wins: the 名录 search, objections to a public notice, then every other anonymous call."""
    return [
        Rule("directory", "GET", re.compile(r"/api/v1/directory"), directory_per_minute, 60, "名录查询"),
        Rule("notice_objections", "POST", re.compile(r"/api/v1/appeals/notice-objections(/.*)?"),
             notice_objections_per_hour, 3600, "对公示提出异议"),
        Rule("anonymous", None, re.compile(r"/api/v1/.*"), anonymous_per_minute, 60, "未登录访问"),
    ]


class Allowances:
    """A bureau's higher allowance for addresses many people share (a 政务大厅 behind one NAT address):
    `10.8.0.0/16=20,203.0.113.7=50` multiplies the limits for those addresses by 20 and 50."""

    def __init__(self, spec: str):
        self.entries: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, float]] = []
        for part in filter(None, (p.strip() for p in spec.split(","))):
            net, sep, factor = part.partition("=")
            if not sep:
                raise ValueError(f"GATEWAY_RATE_ALLOWANCES：“{part}”应写成 地址或网段=倍数（如 10.8.0.0/16=20）")
            try:
                value = float(factor)
                network = ipaddress.ip_network(net.strip(), strict=False)
            except ValueError:
                raise ValueError(f"GATEWAY_RATE_ALLOWANCES：“{part}”中的网段或倍数无效") from None
            if value <= 0:
                raise ValueError(f"GATEWAY_RATE_ALLOWANCES：“{part}”的倍数须大于0")
            self.entries.append((network, value))
        # The most specific network wins (a /32 inside a /16 of its own).
        self.entries.sort(key=lambda e: -e[0].prefixlen)

    def factor(self, address: str) -> float:
        if not self.entries:
            return 1.0
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return 1.0
        return next((f for net, f in self.entries if ip.version == net.version and ip in net), 1.0)


@dataclass(frozen=True)
class Refusal:
    rule: Rule
    limit: int
    retry_after_s: int


Key = tuple[str, str, int]  # rule, address, window number


class Limiter:
    def __init__(self, rule_list: list[Rule], allowances: Allowances, *, clock: Callable[[], float] = time.time):
        self.rules = rule_list
        self.allowances = allowances
        self.clock = clock
        self.known: dict[Key, int] = {}  # every process's totals, as last read from the database
        self.pending: defaultdict[Key, int] = defaultdict(int)  # counted here since the last flush
        self.inflight: dict[Key, int] = {}  # being added by the flush under way
        self._lock = threading.Lock()  # the flush runs in a thread

    def rule_for(self, method: str, path: str) -> Rule | None:
        return next((r for r in self.rules if r.matches(method, path)), None)

    def _count(self, key: Key) -> int:
        return self.known.get(key, 0) + self.inflight.get(key, 0) + self.pending.get(key, 0)

    def check(self, method: str, path: str, address: str) -> Refusal | None:
        """Count the request, or refuse it (not counted) with the seconds until one more would pass."""
        rule = self.rule_for(method, path)
        if rule is None:
            return None
        limit = max(1, math.floor(rule.limit * self.allowances.factor(address)))
        now = self.clock()
        w = int(now // rule.window_s)
        elapsed = now - w * rule.window_s
        with self._lock:
            cur = self._count((rule.name, address, w))
            prev = self._count((rule.name, address, w - 1))
            if prev * (1 - elapsed / rule.window_s) + cur + 1 <= limit:
                self.pending[(rule.name, address, w)] += 1
                return None
        return Refusal(rule, limit, _retry_after(prev, cur, limit, elapsed, rule.window_s))

    # --- the shared count ------------------------------------------------------------------------
    def take_pending(self) -> dict[Key, int]:
        with self._lock:
            batch, self.pending = dict(self.pending), defaultdict(int)
            self.inflight = batch
            return batch

    def settle(self, batch: dict[Key, int], totals: dict[Key, int] | None) -> None:
        """After a flush: the totals read back (None: the flush failed, its counts go back to pending)."""
        with self._lock:
            self.inflight = {}
            if totals is None:
                for k, v in batch.items():
                    self.pending[k] += v
            else:
                self.known.update(totals)
            self._forget_old()

    def _forget_old(self) -> None:
        now = self.clock()
        current = {r.name: int(now // r.window_s) for r in self.rules}
        for store in (self.known, self.pending):
            for k in [k for k in store if k[2] < current.get(k[0], k[2]) - 1]:
                del store[k]
        if len(self.known) > MAX_KEYS:
            for k in sorted(self.known, key=lambda k: k[2])[:len(self.known) - MAX_KEYS]:
                del self.known[k]


def _retry_after(prev: int, cur: int, limit: int, elapsed: float, window: int) -> int:
    """Seconds until prev·(1 − t/window) + cur + 1 ≤ limit again (t the time into the window)."""
    if cur + 1 > limit:
        # Not within this window: in the next, this window's count is the weighted one.
        wait = (window - elapsed) + window * max(0.0, 1 - (limit - 1) / cur)
    else:
        wait = window * (1 - (limit - 1 - cur) / prev) - elapsed if prev else 1.0
    return max(1, math.ceil(wait))


# --- PostgreSQL ------------------------------------------------------------------------------------
_ADD = text("""
INSERT INTO rate_counts (rule, address, window_no, count, expires_at)
SELECT r, a, w, c, e FROM unnest(CAST(:r AS text[]), CAST(:a AS text[]), CAST(:w AS bigint[]),
                                 CAST(:c AS integer[]), CAST(:e AS bigint[])) AS t(r, a, w, c, e)
ON CONFLICT (rule, address, window_no) DO UPDATE SET count = rate_counts.count + EXCLUDED.count
RETURNING rule, address, window_no, count
""")
_EXPIRE = text("DELETE FROM rate_counts WHERE expires_at < :now")


class Store:
    """The shared counts: one table in the gateway's database (UNLOGGED: counts that a crash of the
    server loses cost nothing but a minute of leniency)."""

    def __init__(self, engine: Engine, windows: dict[str, int]):
        self.engine = engine
        self.windows = windows  # rule name → window seconds
        self._last_expiry = 0.0

    def add(self, batch: dict[Key, int]) -> dict[Key, int]:
        # Sorted: two processes adding overlapping keys lock the rows in the same order (no deadlock).
        keys = sorted(batch)
        now = time.time()
        params = {"r": [k[0] for k in keys], "a": [k[1] for k in keys], "w": [k[2] for k in keys],
                  "c": [batch[k] for k in keys],
                  "e": [(k[2] + 2) * self.windows.get(k[0], 3600) for k in keys]}
        with self.engine.begin() as conn:
            totals = {(r.rule, r.address, r.window_no): r.count for r in conn.execute(_ADD, params)} if keys else {}
            if now - self._last_expiry > 60:
                conn.execute(_EXPIRE, {"now": int(now)})
                self._last_expiry = now
        return totals


def flush(limiter: Limiter, store: Store) -> bool:
    batch = limiter.take_pending()
    try:
        totals = store.add(batch)
    except Exception as exc:  # the database away: keep counting here, add it later
        limiter.settle(batch, None)
        log.warning("rate-limit counts not shared (the gateway's database is unavailable): %s", exc)
        return False
    limiter.settle(batch, totals)
    return True
