"""The database-creating job: creates what is missing, leaves what exists, runs again harmlessly."""
from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from getihu_kit import testing
from getihu_kit.databases import SERVICE_DATABASES, create_missing


def test_creates_the_missing_databases_once():
    names = tuple(f"t_create_{uuid.uuid4().hex[:8]}_{n}" for n in ("a", "b"))
    base = testing.server_url()
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{names[0]}"'))
        assert create_missing(base, names) == [names[1]]
        assert create_missing(base, names) == []
    finally:
        with admin.connect() as conn:
            for n in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'))
        admin.dispose()


def test_every_service_database_is_named():
    assert {"registry", "data_sharing", "typing", "cultivation", "appeal", "notify"} <= set(SERVICE_DATABASES)
