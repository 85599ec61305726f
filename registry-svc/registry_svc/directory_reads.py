"""The public 名录's statements and their reads on the event loop (kit.read_pool).

The 名录 is the platform's hottest path: the public and the national 名录 come to it at once when
results are published. Its statements are built here with SQLAlchemy, compiled once at import, and
run on psycopg's async connections: a lookup costs the service a fraction of what the ORM session of a
sync route did (bench/request_path.py)."""
from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import Date, Select, String, bindparam, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY

from getihu_kit.pagination import PageRequest, compile_list, read_keyset_page, read_tiered_page
from getihu_kit.read_pool import sql
from registry_svc.models import Business, DirectoryRecognition, DirectoryType, Operator

B, O = Business.__table__, Operator.__table__
T, R = DirectoryType.__table__, DirectoryRecognition.__table__
SHOWN = (B.c.uscc, B.c.name, B.c.region_code, B.c.status)


def directory_all() -> Select:
    """The whole 名录 (no keyword), paged by USCC."""
    return select(*SHOWN)


def directory_tiers(name_part: str = "", *, common: bool) -> list[tuple[Select, list]]:
    """The 名录's matches for part of a normalised name, best first, each tier with its keyset order
    (only the USCC: the page's lines are read after it, directory_labels): the whole name (the index
    of normalised names), then every other name containing the part, by USCC.

    How the second tier is found is chosen here, not left to the planner, which cannot tell a common
    part from a rare one (it multiplies the pairs' frequencies as if independent; a 0.5 s sort or a
    2.5 s walk followed from its guesses). A common part (COMMON_PART_AT) walks the USCC order in a
    narrow index holding the normalised name: nothing else can serve that order, so the plan is the
    walk. A rare one is found through the GIN index of its character pairs (name_bigrams, kept by the
    database), all its matches taken first (a materialised CTE: it cannot become a walk), then sorted.
    The part is bound as `part` and `pattern` (tier_values): the statements are the same for any part."""
    values = tier_values(name_part)
    part = bindparam("part", values["part"], type_=String)
    normalised = B.c.name_normalised
    contains = (normalised.like(bindparam("pattern", values["pattern"], type_=String), escape="\\"),
                normalised != part)
    whole = select(B.c.uscc).where(normalised == part)
    if common:
        return [(whole, [B.c.uscc]), (select(B.c.uscc).where(*contains), [B.c.uscc])]
    matches = (select(B.c.uscc).where(B.c.name_bigrams.contains(func.directory_bigrams(part)), *contains)
               .cte("matches").prefix_with("MATERIALIZED"))
    return [(whole, [B.c.uscc]), (select(matches.c.uscc), [matches.c.uscc])]


def tier_values(name_part: str) -> dict[str, str]:
    """The values of directory_tiers' parameters; LIKE's wildcards in a part are literal."""
    escaped = name_part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return {"part": name_part, "pattern": f"%{escaped}%"}


def directory_labels(keys, on) -> Select:
    """The 名录 line of each business whose USCC `keys` selects, in one statement: its row, the current
    operator's name, the newest year's published type and the recognition in force on `on` (granted or
    extended, not past its validity; the latest change if several), each found by its index."""
    operator = (select(O.c.name.label("operator_name")).where(O.c.uscc == B.c.uscc, O.c.to_on.is_(None))
                .order_by(O.c.id.desc()).limit(1).lateral("o"))
    newest = (select(T.c.year, T.c.type).where(T.c.uscc == B.c.uscc).order_by(T.c.year.desc()).limit(1)
              .lateral("t"))
    valid = (select(R.c.category, R.c.valid_until)
             .where(R.c.uscc == B.c.uscc, R.c.status.in_(("granted", "extended")), R.c.valid_until >= on)
             .order_by(R.c.changed_at.desc()).limit(1).lateral("r"))
    return (select(B.c.uscc, B.c.name, B.c.region_code, B.c.status, operator.c.operator_name, newest.c.year,
                   newest.c.type, valid.c.category, valid.c.valid_until)
            .select_from(B).outerjoin(operator, true()).outerjoin(newest, true()).outerjoin(valid, true())
            .where(keys))


LINE_OF_ONE = directory_labels(B.c.uscc == bindparam("uscc", type_=String), bindparam("on", type_=Date))
LINES_OF_MANY = directory_labels(B.c.uscc == func.any(bindparam("usccs", type_=ARRAY(String))),
                                 bindparam("on", type_=Date))

# A name part held by this many names or more is common: its matches are found by walking the USCC
# order in the narrow index (a page of 20 within 20 × N / matches index entries, ~0.15 µs each); a
# rarer one through the pair index, then sorted (a table row read per match, ~4 µs each): the two
# cost alike near 1,000 matches of 1,000,000.
COMMON_PART_AT = 1000
# The commonest character pairs of names and their share of names, with the number of names:
# PostgreSQL's own statistics of name_bigrams (ANALYZE).
PAIR_STATS_SQL = (
    "SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs, c.reltuples "
    "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
    "WHERE s.tablename = 'businesses' AND s.attname = 'name_bigrams' AND c.relkind = 'r'")
_PAIR_STATS_TTL_S = 300.0


def part_is_common(frequencies: dict[str, float], rows: float, pairs: list[str]) -> bool:
    """Whether COMMON_PART_AT names or more are likely to hold the part: its rarest pair is that
    common (pairs of one name go together; a pair outside the statistics' commonest is rare)."""
    if not pairs or rows <= 0:
        return False
    return min(frequencies.get(p, 0.0) for p in pairs) * rows >= COMMON_PART_AT


# --- compiled once, read on the loop ---------------------------------------------------------------
_ONE, _MANY = sql(LINE_OF_ONE), sql(LINES_OF_MANY)
_ALL = compile_list(directory_all(), [B.c.uscc])
_TIERS = {common: [compile_list(stmt, keys) for stmt, keys in directory_tiers(common=common)]
          for common in (True, False)}
_pair_stats: tuple[float, dict[str, float], float] = (-_PAIR_STATS_TTL_S, {}, 0.0)


async def line(conn, uscc: str, on: dt.date):
    """One business's 名录 line: one statement on the primary key."""
    return await _ONE.one(conn, {"uscc": uscc, "on": on})


async def lines(conn, usccs: list[str], on: dt.date) -> dict:
    if not usccs:
        return {}
    return {r.uscc: r for r in await _MANY.all(conn, {"usccs": usccs, "on": on})}


async def pair_frequencies(conn) -> tuple[dict[str, float], float]:
    """PAIR_STATS_SQL, read at most every few minutes."""
    global _pair_stats
    at, pairs, rows = _pair_stats
    if time.monotonic() - at > _PAIR_STATS_TTL_S:
        found = await (await conn.execute(PAIR_STATS_SQL)).fetchone()
        pairs = dict(zip(found.elems or [], found.freqs or [])) if found else {}
        rows = float(found.reltuples) if found else 0.0
        _pair_stats = (time.monotonic(), pairs, rows)
    return pairs, rows


async def all_page(conn, page: PageRequest, on: dt.date):
    """A page of the whole 名录 by USCC, with its lines."""
    rows, next_cursor = await read_keyset_page(conn, _ALL, {}, page=page)
    return rows, await lines(conn, [r.uscc for r in rows], on), next_cursor


async def name_page(conn, name_part: str, pairs: list[str], page: PageRequest, on: dt.date,
                    common: bool | None = None):
    """A page of a name part's matches, ranked (directory_tiers), with their lines, as the part's
    commonness calls for (`common` forces one way, for tests)."""
    if common is None:
        common = part_is_common(*await pair_frequencies(conn), pairs)
    rows, next_cursor = await read_tiered_page(conn, _TIERS[common], tier_values(name_part), page=page)
    return rows, await lines(conn, [r.uscc for r in rows], on), next_cursor
