"""Fixtures of registry-svc's tests: one PostgreSQL database built by the real migrations, a fresh
topic prefix on the real broker, the API in-process and the worker (relay, consumers, import jobs)
in threads beside it."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from getihu_kit import testing
from getihu_kit.auth import issue_dev_token
from getihu_kit.bus import ensure_topics
from getihu_kit.worker import Worker
from registry_svc.main import create_app
from registry_svc.settings import MIGRATIONS, Settings
from registry_svc.worker import spec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registry_factories import business_doc  # noqa: E402


@pytest.fixture(scope="session")
def settings(kafka_bootstrap) -> Settings:
    prefix = testing.unique_prefix()
    ensure_topics(kafka_bootstrap, prefix, partitions=1)
    url = testing.fresh_database("test_registry_svc", MIGRATIONS)
    return Settings(database_url=url, topic_prefix=prefix, kafka_bootstrap=kafka_bootstrap)


@pytest.fixture(scope="session")
def worker(settings):
    w = Worker(spec(settings, job_idle_wait_s=0.1))
    w.start()
    yield w
    w.shutdown()


@pytest.fixture(scope="session")
def client(settings, worker):
    with TestClient(create_app(settings)) as c:
        yield c


class Tokens:
    def __init__(self, settings: Settings):
        self.s = settings

    def __call__(self, roles: list[str], sub: str = "tester", **claims) -> dict[str, str]:
        token = issue_dev_token(sub=sub, roles=roles, secret=self.s.jwt_secret, issuer=self.s.jwt_issuer,
                                audience=self.s.jwt_audience, **claims)
        return {"Authorization": f"Bearer {token}"}

    @property
    def prefecture(self) -> dict[str, str]:
        return self(["prefecture_staff"], sub="prefecture-clerk")

    def county(self, region: str = "232701") -> dict[str, str]:
        return self(["county_staff"], sub=f"county-{region}", region_code=region)


@pytest.fixture(scope="session")
def tokens(settings) -> Tokens:
    return Tokens(settings)


@pytest.fixture
def registered(client, tokens):
    """A freshly registered business in 漠河市 (232701)."""
    def make(region: str = "232701", **over) -> dict:
        doc = business_doc(region, **over)
        r = client.post("/api/v1/businesses", json=doc, headers=tokens.prefecture)
        assert r.status_code == 201, r.text
        return doc
    return make
