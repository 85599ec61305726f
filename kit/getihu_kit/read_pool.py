"""Reads on the event loop, for the hottest public path (the 名录): psycopg's async connections in
autocommit, each statement prepared once per connection.

A 名录 lookup is one indexed statement taking ~0.3 ms in the database; through the ORM session of a
sync route it cost ~2–3 ms of the service's CPU, most of it five hops to worker threads (the route, its
session, its paginator and caller dependencies), the ORM's execution and a commit round trip for a read
(bench/request_path.py). Here a read is a coroutine on the loop: no thread, no ORM, no transaction
unless the caller opens one. Writes never come here: they keep the unit of work (kit.db)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, TypeVar

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.sql import ClauseElement

log = logging.getLogger(__name__)
T = TypeVar("T")
_DIALECT = psycopg_dialect.dialect()


@dataclass(frozen=True)
class Statement:
    """A statement as psycopg's SQL, its parameters named `%(name)s`; `defaults` holds the values the
    statement itself carries (a LIMIT 1, an IN list), which the caller's values complete."""
    text: str
    defaults: dict[str, Any]

    async def all(self, conn: psycopg.AsyncConnection, values: dict[str, Any] | None = None) -> list:
        return await (await conn.execute(self.text, {**self.defaults, **(values or {})})).fetchall()

    async def one(self, conn: psycopg.AsyncConnection, values: dict[str, Any] | None = None):
        return await (await conn.execute(self.text, {**self.defaults, **(values or {})})).fetchone()


def sql(stmt: ClauseElement) -> Statement:
    """A statement built with SQLAlchemy (the one place a query is written) compiled once, at import:
    its parameters without a value are the caller's to give at each execution."""
    compiled = stmt.compile(dialect=_DIALECT)
    needed = {b.key: None for b in compiled.binds.values() if b.required}
    expanded = compiled.construct_expanded_state(params=needed)  # an IN list becomes one parameter per value
    return Statement(expanded.statement, {k: v for k, v in expanded.parameters.items() if k not in needed})


def conninfo(url: str) -> str:
    """libpq's address of a SQLAlchemy URL (postgresql+psycopg://… → postgresql://…)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class ReadPool:
    """At most `size` connections, opened when first needed and kept. A connection that broke or was
    left inside a transaction is closed, never reused; a read that found its kept connection dead (the
    server restarted) is run once more on a new one — reads have no effect to repeat."""

    def __init__(self, url: str, size: int = 4):
        self.conninfo, self.size = conninfo(url), size
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: list[psycopg.AsyncConnection] = []
        self._slots: asyncio.Semaphore | None = None

    def _bind(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (each test client has its own): start afresh
            self._loop, self._idle, self._slots = loop, [], asyncio.Semaphore(self.size)
        return self._slots

    async def _open(self) -> psycopg.AsyncConnection:
        # instants in UTC whatever the server's zone, as kit.db's engine; no parallel workers: starting
        # them costs more than a short read
        return await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=True, prepare_threshold=0, row_factory=namedtuple_row,
            options="-c timezone=UTC -c max_parallel_workers_per_gather=0")

    async def read(self, work: Callable[[psycopg.AsyncConnection], Awaitable[T]]) -> T:
        """`await work(connection)` on a pooled connection."""
        async with self._bind():
            for attempt in (1, 2):
                kept = bool(self._idle)
                conn = self._idle.pop() if kept else await self._open()
                try:
                    result = await work(conn)
                except psycopg.OperationalError:
                    dead = conn.broken or conn.closed  # not a timeout or a cancel: the connection itself
                    await _close(conn)
                    if kept and dead and attempt == 1:
                        log.warning("a kept read connection was dead; reading again on a new one")
                        continue
                    raise
                except BaseException:
                    await self._give_back(conn)  # a refusal (a 404) leaves a sound connection
                    raise
                await self._give_back(conn)
                return result
        raise AssertionError("unreachable")

    async def _give_back(self, conn: psycopg.AsyncConnection) -> None:
        if not conn.closed and not conn.broken and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            self._idle.append(conn)
        else:  # broken, or left inside a transaction (a bug, or a cancelled read): never the next reader's
            await _close(conn)

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await _close(conn)


async def _close(conn: psycopg.AsyncConnection) -> None:
    try:
        await conn.close()
    except Exception:  # closing a broken connection may fail too; it is gone either way
        pass
