"""Fixtures of monitoring-svc tests: a fresh PostgreSQL database per module, built by the real migrations."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from getihu_kit import testing
from monitoring_svc.main import create_app
from monitoring_svc.settings import MIGRATIONS, Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))  # monitoring_fixtures beside this file
from monitoring_fixtures import Api  # noqa: E402


@pytest.fixture(scope="module")
def db_url(request) -> str:
    name = f"test_monitoring_{request.module.__name__.rsplit('.', 1)[-1].removeprefix('test_')}"
    return testing.fresh_database(name[:60], MIGRATIONS)


@pytest.fixture(scope="module")
def settings(db_url) -> Settings:
    return Settings(database_url=db_url, topic_prefix=testing.unique_prefix())


@pytest.fixture(scope="module")
def api(settings) -> Api:
    with TestClient(create_app(settings)) as client:
        yield Api(client, settings)
