"""Set-based writes of projections and idempotent records, on PostgreSQL.

Every consumer that keeps another service's state writes it the same way: the newest event per key
in a poll wins (`newest_per_key`), and a stored row is overwritten only by a version at least as new
(`upsert_newest`: events may arrive twice, late, or replayed from a compacted topic). Records that
must exist once (inbox ids, notifications) are `insert_ignore`d.

Large batches go as one statement with one JSON parameter (`json_rows`) instead of thousands of
placeholders: a year's publication reaches a consumer as tens of thousands of events.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table, any_, bindparam, case, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, insert as pg_insert
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import TypeEngine

_PG = postgresql.dialect()


def insert_ignore(table: Table, keys: Sequence[str] | None = None):
    """INSERT … ON CONFLICT [(keys)] DO NOTHING."""
    return pg_insert(table).on_conflict_do_nothing(index_elements=list(keys) if keys else None)


def upsert(table: Table, keys: Sequence[str], columns: Sequence[str]):
    """INSERT … ON CONFLICT (keys) DO UPDATE SET col = excluded.col — the last write wins."""
    stmt = pg_insert(table)
    return stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns})


def upsert_newest(table: Table, keys: Sequence[str], columns: Sequence[str], *, version: str,
                  accumulate: Sequence[str] = ()):
    """INSERT … ON CONFLICT (keys) DO UPDATE, each column taking the incoming value only when the
    incoming `version` is at least the stored one (an equal version is the same state again).
    Columns in `accumulate` are added up whatever the version (counters of applied events)."""
    stmt = pg_insert(table)
    newer = stmt.excluded[version] >= table.c[version]
    sets: dict[str, Any] = {c: case((newer, stmt.excluded[c]), else_=table.c[c]) for c in columns if c not in accumulate}
    for c in accumulate:
        sets[c] = table.c[c] + stmt.excluded[c]
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=sets)


def newest_per_key(items: Iterable[dict], key: Callable[[dict], Hashable],
                   version: Callable[[dict], Any] = lambda d: d.get("version", 0)) -> tuple[dict, dict]:
    """The newest item per key among `items` (a later one of equal version wins: it came later in
    the partition), and how many items each key had."""
    latest: dict = {}
    counts: dict = {}
    for item in items:
        k = key(item)
        counts[k] = counts.get(k, 0) + 1
        if k not in latest or version(item) >= version(latest[k]):
            latest[k] = item
    return latest, counts


def any_of(column: ColumnElement, values: Iterable, item_type: TypeEngine | None = None) -> ColumnElement[bool]:
    """`column = ANY(:values)`: one array parameter however many values, instead of one placeholder
    each (an IN list of 50,000 values is 50,000 parameters to bind and to plan)."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(item_type if item_type is not None else column.type)))


def json_rows(table: Table, columns: Sequence[str], alias: str = "r"):
    """`jsonb_to_recordset(:rows) AS r(col type, …)` typed from `table`: the FROM of a statement that
    takes a whole batch as one JSON parameter. Bind `rows` with `json_param(rows)`."""
    spec = ", ".join(f"{c} {table.c[c].type.compile(dialect=_PG)}" for c in columns)
    return text(f"jsonb_to_recordset(CAST(:rows AS jsonb)) AS {alias}({spec})")


def json_param(rows: list[dict]) -> str:
    return json.dumps(rows, default=str, ensure_ascii=False)


def upsert_newest_json(session, table: Table, rows: list[dict], *, keys: Sequence[str], columns: Sequence[str],
                       version: str) -> None:
    """`upsert_newest` for a large batch, as one statement with one JSON parameter."""
    if not rows:
        return
    cols = [*keys, *[c for c in columns if c not in keys]]
    names = ", ".join(cols)
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in keys)
    session.execute(text(
        f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {json_rows(table, cols).text} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets} "
        f"WHERE excluded.{version} >= {table.name}.{version}"), {"rows": json_param(rows)})
