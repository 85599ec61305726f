"""Fixtures of data-sharing-svc tests: one migrated PostgreSQL database per session, the app on it."""
from __future__ import annotations

import itertools
import random

import pytest
from fastapi.testclient import TestClient

from getihu_kit import testing
from getihu_kit.auth import issue_dev_token
from getihu_kit.db import make_engine
from getihu_kit.domain import id_number, uscc
from data_sharing_svc.main import create_app
from data_sharing_svc.settings import MIGRATIONS, Settings

_serials = itertools.count(random.Random().randrange(10_000_000, 90_000_000, 100_000))


def _new_uscc(region: str = "232701") -> str:
    """A valid 个体工商户 USCC never used before in this run."""
    return uscc.make(region, serial=next(_serials))


def _new_id_number() -> str:
    return id_number.make(serial=next(_serials) % 1000, rng=random.Random())


@pytest.fixture(scope="session")
def new_uscc():
    return _new_uscc


@pytest.fixture(scope="session")
def new_id_number():
    return _new_id_number


@pytest.fixture(scope="session")
def db_url() -> str:
    return testing.fresh_database("test_data_sharing_svc", MIGRATIONS)


@pytest.fixture(scope="session")
def engine(db_url):
    """An engine of its own on the test database, for looking behind the API (outbox, records)."""
    e = make_engine(db_url)
    yield e
    e.dispose()


@pytest.fixture(scope="module")
def settings(db_url, topic_prefix) -> Settings:
    return Settings(database_url=db_url, topic_prefix=topic_prefix)


@pytest.fixture(scope="module")
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def token(settings):
    def make(sub: str, roles: list[str], **claims) -> dict[str, str]:
        t = issue_dev_token(sub=sub, roles=roles, secret=settings.jwt_secret, issuer=settings.jwt_issuer,
                            audience=settings.jwt_audience, **claims)
        return {"Authorization": f"Bearer {t}"}
    return make
