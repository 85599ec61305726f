"""Fixtures of typing-svc's tests: one PostgreSQL database built by the real migrations."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from getihu_kit import testing
from getihu_kit.db import make_engine
from typing_svc.settings import MIGRATIONS

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def db_url() -> str:
    return testing.fresh_database("test_typing_svc", MIGRATIONS)


@pytest.fixture(scope="session")
def engine(db_url):
    e = make_engine(db_url)
    yield e
    e.dispose()


@pytest.fixture()
def conn(engine):
    """A connection whose work is rolled back at the end: each test sees empty projections."""
    c = engine.connect()
    tx = c.begin()
    try:
        yield c
    finally:
        tx.rollback()
        c.close()
