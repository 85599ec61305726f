"""The kit's migration steps on PostgreSQL: the outbox before and after, and back."""
from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import (BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text, inspect)

from getihu_kit import schema_steps, testing
from getihu_kit.db import make_engine
from getihu_kit.outbox import outbox_table


def _old_outbox(metadata: MetaData) -> Table:
    """The outbox as the services' first revisions created it."""
    t = Table("outbox", metadata,
              Column("seq", BigInteger, primary_key=True, autoincrement=True),
              Column("id", String(36), nullable=False, unique=True),
              Column("aggregatetype", String(200), nullable=False), Column("aggregateid", String(100)),
              Column("type", String(200), nullable=False), Column("payload", Text, nullable=False),
              Column("occurred_at", DateTime(timezone=True), nullable=False), Column("traceparent", String(100)),
              Column("published_at", DateTime(timezone=True)))
    Index("ix_outbox_unpublished", t.c.seq, postgresql_where=t.c.published_at.is_(None))
    return t


def _shape(engine) -> tuple[set[str], list, list]:
    i = inspect(engine)
    return ({c["name"] for c in i.get_columns("outbox")}, [u["column_names"] for u in i.get_unique_constraints("outbox")],
            [x["name"] for x in i.get_indexes("outbox") if not x.get("duplicates_constraint")])


def test_outbox_step_upgrades_to_the_kits_table_and_back():
    url = testing.fresh_database("kit_schema_steps_test", None)
    engine = make_engine(url)
    try:
        md = MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
        _old_outbox(md)
        md.create_all(engine)
        with engine.begin() as conn:
            schema_steps.outbox_rows_deleted_once_published_upgrade(Operations(MigrationContext.configure(conn)))
        columns, uniques, indexes = _shape(engine)
        assert columns == {c.name for c in outbox_table(MetaData()).columns}
        assert (uniques, indexes) == ([], [])
        with engine.begin() as conn:
            schema_steps.outbox_rows_deleted_once_published_downgrade(Operations(MigrationContext.configure(conn)))
        columns, uniques, indexes = _shape(engine)
        assert "published_at" in columns and uniques == [["id"]] and indexes == ["ix_outbox_unpublished"]
    finally:
        engine.dispose()
