"""Projection writes and keyset pages on the real PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Column, Date, Integer, String, Table, select

from getihu_kit import testing
from getihu_kit.auth import Principal, readable_by, require_readable, scoped_region
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker, unit_of_work
from getihu_kit.errors import Forbidden, InvalidInput
from getihu_kit.pagination import PageRequest, encode_cursor, keyset_page, sequence_page, tiered_page
from getihu_kit.upserts import (any_of, insert_ignore, newest_per_key, upsert, upsert_newest,
                                upsert_newest_json)

md = make_metadata()
PROJ = Table("proj", md, Column("uscc", String(18), primary_key=True), Column("name", String(50)),
             Column("version", Integer, nullable=False), Column("applied", Integer, nullable=False, default=0))
ITEMS = Table("items", md, Column("id", Integer, primary_key=True), Column("due_on", Date, nullable=False),
              Column("label", String(20)))


@pytest.fixture(scope="module")
def sessions():
    engine = make_engine(testing.fresh_database("kit_upserts_test", None))
    md.create_all(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def _rows(s):
    return {r.uscc: (r.name, r.version, r.applied) for r in s.execute(select(PROJ)).all()}


def test_newest_version_wins_and_an_older_one_never_overwrites(sessions):
    with unit_of_work(sessions) as s:
        s.execute(upsert_newest(PROJ, ["uscc"], ["name", "version", "applied"], version="version", accumulate=["applied"]),
                  [{"uscc": "A", "name": "v2", "version": 2, "applied": 1}])
        s.execute(upsert_newest(PROJ, ["uscc"], ["name", "version", "applied"], version="version", accumulate=["applied"]),
                  [{"uscc": "A", "name": "v1-late", "version": 1, "applied": 1}])
        assert _rows(s)["A"] == ("v2", 2, 2)  # kept v2; the late event still counted as applied
        s.execute(upsert_newest(PROJ, ["uscc"], ["name", "version"], version="version"),
                  [{"uscc": "A", "name": "v3", "version": 3}])
        assert _rows(s)["A"][:2] == ("v3", 3)


def test_json_batch_upsert_is_the_same_rule_in_one_statement(sessions):
    with unit_of_work(sessions) as s:
        upsert_newest_json(s, PROJ, [{"uscc": f"J{i}", "name": "新", "version": 5, "applied": 0} for i in range(300)],
                           keys=["uscc"], columns=["name", "version", "applied"], version="version")
        upsert_newest_json(s, PROJ, [{"uscc": "J1", "name": "旧", "version": 4, "applied": 0},
                                     {"uscc": "J2", "name": "更新", "version": 6, "applied": 0}],
                           keys=["uscc"], columns=["name", "version", "applied"], version="version")
        rows = _rows(s)
        assert rows["J1"][0] == "新" and rows["J2"][0] == "更新" and sum(k.startswith("J") for k in rows) == 300


def test_insert_ignore_and_plain_upsert(sessions):
    with unit_of_work(sessions) as s:
        s.execute(insert_ignore(PROJ), [{"uscc": "I", "name": "first", "version": 1, "applied": 0}])
        s.execute(insert_ignore(PROJ, ["uscc"]), [{"uscc": "I", "name": "second", "version": 9, "applied": 0}])
        assert _rows(s)["I"][0] == "first"
        s.execute(upsert(PROJ, ["uscc"], ["name", "version"]), [{"uscc": "I", "name": "last", "version": 0, "applied": 0}])
        assert _rows(s)["I"][:2] == ("last", 0)


def test_newest_per_key_counts_and_prefers_the_later_of_equal_versions():
    latest, counts = newest_per_key([{"k": "a", "version": 2, "n": 1}, {"k": "a", "version": 1, "n": 2},
                                     {"k": "a", "version": 2, "n": 3}, {"k": "b", "n": 4}], key=lambda d: d["k"])
    assert latest["a"]["n"] == 3 and latest["b"]["n"] == 4 and counts == {"a": 3, "b": 1}


def test_any_of_binds_one_array(sessions):
    with unit_of_work(sessions) as s:
        s.execute(insert_ignore(PROJ), [{"uscc": f"Q{i}", "version": 0, "applied": 0} for i in range(5000)])
        stmt = select(PROJ.c.uscc).where(any_of(PROJ.c.uscc, [f"Q{i}" for i in range(0, 5000, 2)]))
        assert len(s.execute(stmt).all()) == 2500
        assert len(stmt.compile().params) == 1


def test_keyset_pages_walk_every_row_once_in_order(sessions):
    with unit_of_work(sessions) as s:
        s.execute(ITEMS.insert(), [{"id": i, "due_on": dt.date(2026, 1, 1) + dt.timedelta(days=i % 7), "label": str(i)}
                                   for i in range(1, 101)])
        stmt = select(ITEMS.c.due_on, ITEMS.c.id, ITEMS.c.label)
        for descending in (False, True):
            seen, cursor = [], None
            while True:
                rows, cursor = keyset_page(s, stmt, keys=[ITEMS.c.due_on, ITEMS.c.id],
                                           page=PageRequest(cursor=cursor, limit=13), descending=descending)
                seen += [(r.due_on, r.id) for r in rows]
                if cursor is None:
                    break
            assert seen == sorted(seen, reverse=descending) and len(seen) == len(set(seen)) == 100
        rows, cursor = keyset_page(s, stmt, keys=[ITEMS.c.due_on, ITEMS.c.id], page=PageRequest(limit=100))
        assert len(rows) == 100 and cursor is None  # an exact last page says so
        with pytest.raises(InvalidInput):
            keyset_page(s, stmt, keys=[ITEMS.c.due_on, ITEMS.c.id], page=PageRequest(cursor="bm90LWEtbGlzdA"))


def test_tiered_pages_show_each_tier_in_its_own_order_then_the_next(sessions):
    with unit_of_work(sessions) as s:
        s.execute(ITEMS.delete())
        s.execute(ITEMS.insert(), [{"id": i, "due_on": dt.date(2026, 1, 1) + dt.timedelta(days=(7 * i) % 11),
                                    "label": "a" if i % 3 == 0 else "b"} for i in range(1, 41)])
        by_id = select(ITEMS.c.id, ITEMS.c.due_on).where(ITEMS.c.label == "a")
        by_day = select(ITEMS.c.due_on, ITEMS.c.id).where(ITEMS.c.label == "b")
        tiers = [(by_id, [ITEMS.c.id]), (by_day, [ITEMS.c.due_on, ITEMS.c.id])]
        expected = [(0, i) for i in range(3, 41, 3)] + \
            [(1, i) for _, i in sorted((dt.date(2026, 1, 1) + dt.timedelta(days=(7 * i) % 11), i)
                                       for i in range(1, 41) if i % 3)]
        for limit in (1, 5, 13, 14, 40):
            seen, cursor = [], None
            while True:
                rows, cursor = tiered_page(s, tiers, page=PageRequest(cursor=cursor, limit=limit))
                seen += [(0 if r.id % 3 == 0 else 1, r.id) for r in rows]
                if cursor is None:
                    break
            assert seen == expected, limit
        for junk in ("bm90LWEtbGlzdA", encode_cursor([2, 1]), encode_cursor([1, 5]), encode_cursor([True, 1])):
            with pytest.raises(InvalidInput):
                tiered_page(s, tiers, page=PageRequest(cursor=junk))


def test_a_catalogue_in_memory_pages_like_a_table():
    items = [("b", v) for v in (2, 1)] + [("a", 3), ("c", 1), ("a", 1)]
    for descending in (False, True):
        seen, cursor = [], None
        while True:
            chunk, cursor = sequence_page(items, key=lambda i: i, page=PageRequest(cursor=cursor, limit=2),
                                          descending=descending)
            seen += chunk
            if cursor is None:
                break
        assert seen == sorted(items, reverse=descending)
    assert sequence_page(items, key=lambda i: i, page=PageRequest(limit=5)) == (sorted(items), None)
    with pytest.raises(InvalidInput):
        sequence_page(items, key=lambda i: i, page=PageRequest(cursor="bm90LWEtbGlzdA"))


COUNTY = Principal(sub="c", roles=frozenset({"county_staff"}), region_code="232721")
PREFECTURE = Principal(sub="p", roles=frozenset({"prefecture_staff"}))
OPERATOR = Principal(sub="o", roles=frozenset({"operator"}), usccs=frozenset({"92X"}))
NATIONAL = Principal(sub="n", roles=frozenset({"national_directory"}))


@pytest.mark.parametrize("who, uscc, region, also, allowed", [
    (COUNTY, "92Y", "232721", (), True), (COUNTY, "92Y", "232722", (), False),
    (PREFECTURE, "92Y", "232722", (), True), (OPERATOR, "92X", "232722", (), True),
    (OPERATOR, "92Y", "232722", (), False), (NATIONAL, "92Y", "232722", (), False),
    (NATIONAL, "92Y", "232722", ("national_directory",), True),
])
def test_readable_by(who, uscc, region, also, allowed):
    assert readable_by(who, uscc=uscc, region_code=region, also=also) is allowed
    if not allowed:
        with pytest.raises(Forbidden):
            require_readable(who, uscc=uscc, region_code=region, also=also)


def test_scoped_region():
    assert scoped_region(PREFECTURE, None) is None and scoped_region(PREFECTURE, "232722") == "232722"
    assert scoped_region(COUNTY, None) == "232721" == scoped_region(COUNTY, "232721")
    with pytest.raises(Forbidden):
        scoped_region(COUNTY, "232722")
    with pytest.raises(Forbidden):
        scoped_region(Principal(sub="x", roles=frozenset({"county_staff"})), None)
