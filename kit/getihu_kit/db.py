"""SQLAlchemy 2 engines, sessions and units of work; Alembic migrations applied on start.

Services and repositories only flush(); the unit of work (request dependency or consumer handler)
commits once, so a state change and its outbox/inbox rows are one transaction.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def declarative_base() -> type[DeclarativeBase]:
    class Base(DeclarativeBase):
        metadata = make_metadata()
    return Base


def make_engine(url: str, **kw) -> Engine:
    """An engine on PostgreSQL, the platform's only database."""
    backend = make_url(url).get_backend_name()
    if backend != "postgresql":
        raise ValueError(f"PostgreSQL is the platform's only database; got a {backend!r} URL")
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 10)
    kw.setdefault("pool_pre_ping", True)
    # Instants come back in UTC whatever the server's zone, so every response and event says `Z`.
    connect_args = {"options": "-c timezone=UTC", **kw.pop("connect_args", {})}
    return create_engine(url, connect_args=connect_args, **kw)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)


@contextlib.contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Commit on success, roll back on error — the only place a transaction ends (the request
    dependency of kit.web and every consumer and loop use it)."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def run_migrations(url: str, migrations_dir: Path) -> None:
    """Upgrade the service's database to head with its own Alembic scripts."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            # Several processes of one service may start at once: one migrates, others wait.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(742001)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()
