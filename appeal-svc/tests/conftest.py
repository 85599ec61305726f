"""Fixtures of appeal-svc tests: a fresh PostgreSQL database per module, built by the real migrations."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from getihu_kit import testing
from appeal_svc.main import create_app
from appeal_svc.settings import MIGRATIONS, Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))  # appeal_fixtures beside this file
from appeal_fixtures import Api  # noqa: E402


@pytest.fixture(scope="module")
def db_url(request) -> str:
    name = f"test_appeal_{request.module.__name__.rsplit('.', 1)[-1].removeprefix('test_')}"
    return testing.fresh_database(name[:60], MIGRATIONS)


@pytest.fixture(scope="module")
def api(db_url) -> Api:
    settings = Settings(database_url=db_url, topic_prefix=testing.unique_prefix(), reply_due_working_days=15,
                        holidays=[dt.date(2026, 10, 1)], evidence_max_bytes=1024)
    with TestClient(create_app(settings)) as client:
        yield Api(client, settings)
