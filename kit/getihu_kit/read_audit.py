"""The audit of staff reads of confidential data (seed 四(四): 严格保密): who read what, under which
filters, how many rows. A service keeps its log in its own database (`confidential_reads`)."""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table, insert
from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal


def confidential_reads_table(metadata: MetaData) -> Table:
    return Table(
        "confidential_reads", metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("reader", String(200), nullable=False),
        Column("roles", String(200), nullable=False),
        Column("reader_region", String(12), nullable=True),
        Column("what", String(50), nullable=False),  # the list or record read, e.g. "businesses"
        Column("uscc", String(18), nullable=True, index=True),
        Column("query", JSON, nullable=False),  # the filters (and the export's format)
        Column("rows", Integer, nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
    )


def record(session: Session, table: Table, principal: Principal, *, what: str, query: dict, rows: int,
           uscc: str | None = None) -> None:
    """One entry, in the caller's transaction: the read and its record commit together."""
    session.execute(insert(table).values(
        reader=principal.sub, roles=",".join(sorted(principal.roles)), reader_region=principal.region_code,
        what=what, uscc=uscc, query={k: v for k, v in query.items() if v is not None}, rows=rows, at=clock.now()))
