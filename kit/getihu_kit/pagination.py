"""Lists: keyset pagination over a stable ordering, one way for every list endpoint.

A route takes `page: PageDep` or `page: page_params(500)` (the `cursor` and `limit` query
parameters, `limit` bounded) and the
service calls `keyset_page(session, stmt, keys=[…], page=page)`: the rows after the cursor in the
order of `keys` (the last key unique), at most `limit` of them, and the cursor of the next page.
The cursor is opaque to clients: the last row's key values, encoded here and nowhere else.
A list that lives in code rather than in the database (notify's templates) pages the same way with
`sequence_page(items, key=…, page=page)`.
"""

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Integer, Select, bindparam, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from getihu_kit.errors import InvalidInput
from getihu_kit.read_pool import Statement, sql

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# Cursors are unpadded URL-safe base64 (encode_cursor); the pattern documents it, the decoder checks the rest.
CURSOR_PATTERN = "^[A-Za-z0-9_-]*$"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class PageRequest:
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


def page_params(maximum: int = MAX_LIMIT, default: int = DEFAULT_LIMIT):
    """The `cursor` and `limit` query parameters of a list, `limit` bounded by `maximum`, as an
    annotated dependency: `page: page_params(500)` (or `PageDep` for the platform's 1000)."""
    async def page_request(
            cursor: Annotated[str | None, Query(max_length=2000, pattern=CURSOR_PATTERN,
                                                description="上一页响应中的 next_cursor，原样传入；首页不传")] = None,
            limit: Annotated[int, Query(ge=1, le=maximum, description=f"每页条数（1–{maximum}）")] = min(default, maximum),
    ) -> PageRequest:  # async: a pure function needs no worker thread
        return PageRequest(cursor=cursor, limit=limit)
    page_request.paginator = True  # how the route test recognises kit's paginator
    return Annotated[PageRequest, Depends(page_request)]


PageDep = page_params()


def _plain(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return {"t": v.isoformat()}
    if isinstance(v, dt.date):
        return {"d": v.isoformat()}
    if isinstance(v, Decimal):
        return {"n": str(v)}
    return v


def _typed(v: Any) -> Any:
    if isinstance(v, dict) and len(v) == 1:
        (tag, raw), = v.items()
        if tag == "t":
            return dt.datetime.fromisoformat(raw)
        if tag == "d":
            return dt.date.fromisoformat(raw)
        if tag == "n":
            return Decimal(raw)
    return v


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, width: int | Callable[[list], int]) -> list[Any] | None:
    """The key values a cursor carries; a cursor not made by `encode_cursor` for this list is a 422.
    `width` may be a function of the raw values (a tiered list's cursor is as wide as its tier's keys)."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != (width(values) if callable(width) else width):
            raise ValueError
        return [_typed(v) for v in values]
    except Exception:
        raise InvalidInput("分页游标无效：请使用上一页响应中的 next_cursor 原样传入", field="cursor") from None


def keyset_page(session: Session, stmt: Select, *, keys: Sequence[ColumnElement], page: PageRequest,
                descending: bool = False, key_of=None) -> tuple[list[Any], str | None]:
    """One page of `stmt` ordered by `keys` (ascending, or all descending), and the next cursor.

    `key_of(row)` gives a row's key values when they are not the row's first len(keys) columns
    (e.g. when `stmt` selects ORM entities: `key_of=lambda r: (r.due_on, r.id)`)."""
    after = decode_cursor(page.cursor, len(keys))
    if after is not None:
        position = tuple_(*keys) < tuple_(*after) if descending else tuple_(*keys) > tuple_(*after)
        stmt = stmt.where(position)
    order = [k.desc() for k in keys] if descending else list(keys)
    rows = session.execute(stmt.order_by(*order).limit(page.limit + 1)).all()
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    values = key_of(last) if key_of is not None else tuple(last[:len(keys)])
    return rows, encode_cursor(values)


def _tier_width(tier_keys: Sequence[int]) -> Callable[[list], int]:
    """How wide a tiered list's cursor is: its tier's number, then that tier's keys."""
    def width(values: list) -> int:
        tier = values[0] if values else None
        if not isinstance(tier, int) or isinstance(tier, bool) or not 0 <= tier < len(tier_keys):
            return -1
        return 1 + tier_keys[tier]
    return width


def _tiers_end(rows: list[tuple[int, Any]], limit: int, key_count: Callable[[int], int]) -> tuple[list[Any], str | None]:
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return [r for _, r in rows], None
    t, last = rows[-1]
    return [r for _, r in rows], encode_cursor([t, *last[:key_count(t)]])


def tiered_page(session: Session, tiers: Sequence[tuple[Select, Sequence[ColumnElement]]], *,
                page: PageRequest) -> tuple[list[Any], str | None]:
    """One page over lists shown one after another — a search's best matches, then the next best —
    each tier a statement with its own keyset order (`keys`, its rows' first columns), so each tier is
    read in the order of an index and stops at the page's end instead of sorting every match. The
    cursor carries the tier and its keys."""
    after = decode_cursor(page.cursor, _tier_width([len(keys) for _, keys in tiers]))
    first = after[0] if after else 0
    rows: list[tuple[int, Any]] = []
    for t in range(first, len(tiers)):
        stmt, keys = tiers[t]
        if after is not None and t == first:
            stmt = stmt.where(tuple_(*keys) > tuple_(*after[1:]))
        rows += [(t, r) for r in session.execute(stmt.order_by(*keys).limit(page.limit + 1 - len(rows))).all()]
        if len(rows) > page.limit:
            break
    return _tiers_end(rows, page.limit, lambda t: len(tiers[t][1]))


# --- the same lists, compiled once, read on the event loop (kit.read_pool) ----------------------------
@dataclass(frozen=True)
class CompiledList:
    """A keyset list (ascending `keys`) as psycopg SQL: its first page, and the pages after a cursor
    (the keys' values bound as after_0, after_1, …); the page's size is bound as `limit`."""
    first: Statement
    after: Statement
    keys: int


def compile_list(stmt: Select, keys: Sequence[ColumnElement]) -> CompiledList:
    limit = bindparam("limit", type_=Integer)
    position = tuple_(*keys) > tuple_(*[bindparam(f"after_{i}", type_=k.type) for i, k in enumerate(keys)])
    return CompiledList(first=sql(stmt.order_by(*keys).limit(limit)),
                        after=sql(stmt.where(position).order_by(*keys).limit(limit)), keys=len(keys))


def _after(values: Sequence[Any]) -> dict[str, Any]:
    return {f"after_{i}": v for i, v in enumerate(values)}


async def read_keyset_page(conn, listing: CompiledList, params: dict[str, Any], *, page: PageRequest,
                           key_of=None) -> tuple[list[Any], str | None]:
    """`keyset_page` on a read-pool connection: the same rows, the same cursors (`key_of` as there)."""
    after = decode_cursor(page.cursor, listing.keys)
    query = listing.first if after is None else listing.after
    rows = await query.all(conn, {**params, **_after(after or ()), "limit": page.limit + 1})
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[:page.limit]
    return rows, encode_cursor(list(key_of(rows[-1]) if key_of is not None else rows[-1][:listing.keys]))


async def read_tiered_page(conn, tiers: Sequence[CompiledList], params: dict[str, Any], *,
                           page: PageRequest) -> tuple[list[Any], str | None]:
    """`tiered_page` on a read-pool connection: the same rows, the same cursors."""
    after = decode_cursor(page.cursor, _tier_width([t.keys for t in tiers]))
    first = after[0] if after else 0
    rows: list[tuple[int, Any]] = []
    for t in range(first, len(tiers)):
        cursor_here = after is not None and t == first
        query = tiers[t].after if cursor_here else tiers[t].first
        values = {**params, **_after(after[1:] if cursor_here else ()), "limit": page.limit + 1 - len(rows)}
        rows += [(t, r) for r in await query.all(conn, values)]
        if len(rows) > page.limit:
            break
    return _tiers_end(rows, page.limit, lambda t: tiers[t].keys)


def scalars_page(session: Session, stmt: Select, *, keys: Sequence[ColumnElement], page: PageRequest,
                 descending: bool = False, key_of=None) -> tuple[list[Any], str | None]:
    """`keyset_page` for a statement selecting one ORM entity: the entities, and the next cursor.
    `key_of(entity)` gives its key values (default: the attributes named like the key columns)."""
    rows, nxt = keyset_page(session, stmt, keys=keys, page=page, descending=descending,
                            key_of=(lambda r: key_of(r[0])) if key_of else
                            (lambda r: tuple(getattr(r[0], k.key) for k in keys)))
    return [r[0] for r in rows], nxt


def sequence_page(items: Iterable[T], *, key: Callable[[T], tuple], page: PageRequest,
                  descending: bool = False) -> tuple[list[T], str | None]:
    """`keyset_page` for a list held in memory (a catalogue shipped with the code): the items after
    the cursor in the order of `key(item)` (a tuple, unique per item), and the next cursor — the
    same cursor a database list gives, so clients page both alike."""
    ordered = sorted(items, key=key, reverse=descending)
    after = decode_cursor(page.cursor, len(key(ordered[0]))) if ordered and page.cursor else None
    if after is not None:
        after = tuple(after)
        ordered = [i for i in ordered if (key(i) < after if descending else key(i) > after)]
    chunk = ordered[:page.limit]
    more = len(ordered) > page.limit
    return chunk, (encode_cursor(key(chunk[-1])) if more and chunk else None)
