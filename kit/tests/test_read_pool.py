"""Reads on the event loop (kit.read_pool) on the real PostgreSQL: the same rows and cursors as the ORM
path, statements compiled once with their own values, dead and dirty connections never reused."""
from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import Column, Integer, String, Table, bindparam, select, text

from getihu_kit import testing
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker, unit_of_work
from getihu_kit.errors import InvalidInput
from getihu_kit.pagination import (PageRequest, compile_list, keyset_page, read_keyset_page, read_tiered_page,
                                   tiered_page)
from getihu_kit.read_pool import ReadPool, sql

md = make_metadata()
THINGS = Table("things", md, Column("id", Integer, primary_key=True), Column("kind", String(10), nullable=False),
               Column("label", String(20), nullable=False))


@pytest.fixture(scope="module")
def url():
    address = testing.fresh_database("kit_read_pool_test", None)
    engine = make_engine(address)
    md.create_all(engine)
    with unit_of_work(make_sessionmaker(engine)) as s:
        s.execute(THINGS.insert(), [{"id": i, "kind": ("a", "b", "c")[i % 3], "label": f"t{i:03d}"}
                                    for i in range(1, 41)])
    engine.dispose()
    return address


def run(coro):
    return asyncio.run(coro)


def test_a_compiled_statement_keeps_its_own_values_and_takes_the_callers(url):
    stmt = (select(THINGS.c.id).where(THINGS.c.kind.in_(("a", "b")), THINGS.c.id > bindparam("above", type_=Integer))
            .order_by(THINGS.c.id).limit(3))
    compiled = sql(stmt)
    assert "above" not in compiled.defaults and 3 in compiled.defaults.values()

    async def go():
        pool = ReadPool(url)
        try:
            return [r.id for r in await pool.read(lambda c: compiled.all(c, {"above": 10}))]
        finally:
            await pool.close()
    assert run(go()) == [12, 13, 15]  # 11 and 14 are of kind c


def test_compiled_lists_page_exactly_as_the_orm_lists(url):
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    shown = select(THINGS.c.id, THINGS.c.label)
    tiers = [(shown.where(THINGS.c.kind == bindparam("first", type_=String)), [THINGS.c.id]),
             (shown.where(THINGS.c.kind != bindparam("first", type_=String)), [THINGS.c.id])]
    orm_tiers = [(s.params(first="b"), k) for s, k in tiers]
    compiled_tiers = [compile_list(s, k) for s, k in tiers]
    whole = compile_list(shown, [THINGS.c.id])

    def orm_walk(page_of):
        pages, cursor = [], None
        while True:
            with unit_of_work(sessions) as s:
                rows, cursor = page_of(s, PageRequest(cursor=cursor, limit=7))
            pages.append(([tuple(r) for r in rows], cursor))
            if cursor is None:
                return pages

    async def pool_walk(page_of):
        pool, pages, cursor = ReadPool(url), [], None
        try:
            while True:
                rows, cursor = await pool.read(lambda c: page_of(c, PageRequest(cursor=cursor, limit=7)))
                pages.append(([tuple(r) for r in rows], cursor))
                if cursor is None:
                    return pages
        finally:
            await pool.close()

    orm = orm_walk(lambda s, p: tiered_page(s, orm_tiers, page=p))
    assert run(pool_walk(lambda c, p: read_tiered_page(c, compiled_tiers, {"first": "b"}, page=p))) == orm
    assert [r[0] for rows, _ in orm for r in rows][:3] == [1, 4, 7]  # kind b first, then the rest
    orm = orm_walk(lambda s, p: keyset_page(s, shown, keys=[THINGS.c.id], page=p))
    assert run(pool_walk(lambda c, p: read_keyset_page(c, whole, {}, page=p))) == orm and len(orm) == 6
    engine.dispose()

    async def junk():
        pool = ReadPool(url)
        try:
            await pool.read(lambda c: read_keyset_page(c, whole, {}, page=PageRequest(cursor="bm9wZQ")))
        finally:
            await pool.close()
    with pytest.raises(InvalidInput):
        run(junk())


def test_a_connection_the_server_killed_is_replaced_and_the_read_goes_through(url):
    async def go():
        pool = ReadPool(url)
        try:
            first = await pool.read(lambda c: sql(select(text("pg_backend_pid() AS pid"))).one(c))
            killer = await psycopg.AsyncConnection.connect(pool.conninfo, autocommit=True)
            await killer.execute("SELECT pg_terminate_backend(%s)", (first.pid,))
            await killer.close()
            second = await pool.read(lambda c: sql(select(text("pg_backend_pid() AS pid"))).one(c))
            return first.pid, second.pid
        finally:
            await pool.close()
    first, second = run(go())
    assert first != second


def test_a_read_left_inside_a_transaction_never_hands_its_connection_on(url):
    async def go():
        pool = ReadPool(url, size=2)
        try:
            with pytest.raises(psycopg.errors.UndefinedTable):  # autocommit: the connection stays sound
                await pool.read(lambda c: c.execute("SELECT * FROM no_such_table"))
            assert len(pool._idle) == 1
            assert (await pool.read(lambda c: sql(select(text("1 AS one"))).one(c))).one == 1

            async def leaves_open(c):
                await c.execute("BEGIN")
                await c.execute("SELECT 1")
            await pool.read(leaves_open)
            assert pool._idle == []

            async def refuses_inside(c):
                await c.execute("BEGIN")
                raise LookupError("a refusal in the middle of a transaction")
            with pytest.raises(LookupError):
                await pool.read(refuses_inside)
            assert pool._idle == []
            await pool.read(lambda c: c.execute("SELECT 1"))
            assert len(pool._idle) == 1
        finally:
            await pool.close()
    run(go())


def test_at_most_size_connections_serve_many_readers_at_once(url):
    async def go():
        pool = ReadPool(url, size=3)

        async def slow(c):
            await c.execute("SELECT pg_sleep(0.05)")
            return (await (await c.execute("SELECT pg_backend_pid()")).fetchone())[0]
        try:
            pids = await asyncio.gather(*(pool.read(slow) for _ in range(12)))
        finally:
            await pool.close()
        return pids
    pids = run(go())
    assert len(pids) == 12 and len(set(pids)) <= 3
