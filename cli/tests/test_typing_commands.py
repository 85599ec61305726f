"""`getihu typing run` and `getihu typing publish` against the real typing-svc (its app in-process, its
worker with the job loop, PostgreSQL and Kafka): the run is followed to completed, the publication —
answered at once with the run `publishing` — is followed by its job's progress to `published`."""
from __future__ import annotations

import datetime as dt
import json
import sys

import pytest
from fastapi.testclient import TestClient

from getihu_cli import main as cli
from getihu_kit import testing
from getihu_kit.auth import issue_dev_token
from getihu_kit.db import make_engine, make_sessionmaker, unit_of_work
from getihu_kit.domain import id_number, uscc
from getihu_kit.events import make_event
from getihu_kit.schemas.registry import AnnualReportState, BusinessState, OperatorState
from getihu_kit.worker import Worker
from typing_svc import projections
from typing_svc.main import create_app
from typing_svc.settings import MIGRATIONS, Settings
from typing_svc.worker import spec

YEAR = 2025


@pytest.fixture(scope="module")
def settings(topic_prefix, kafka_bootstrap) -> Settings:
    url = testing.fresh_database("test_cli_typing", MIGRATIONS)
    return Settings(database_url=url, topic_prefix=topic_prefix, kafka_bootstrap=kafka_bootstrap,
                    publish_chunk_size=2,  # several chunks, so the bar moves
                    registry_url=None, data_sharing_url=None)  # projections filled here: no source outbox


@pytest.fixture(scope="module")
def gateway(settings):
    """typing-svc as the CLI reaches it, signed in as prefecture staff, with its worker running."""
    engine = make_engine(settings.database_url)
    states = [BusinessState(uscc=uscc.make("232701", serial=770_000 + i), name=f"命令行{i}", region_code="232701",
                            established_on=dt.date(2018, 5, 1), version=1,
                            operator=OperatorState(name="钱七", id_number=id_number.make(serial=770_000 + i)),
                            annual_reports=[AnnualReportState(year=YEAR - 1, submitted_on=dt.date(YEAR, 3, 1),
                                                              employees=i)])
              for i in range(5)]
    with unit_of_work(make_sessionmaker(engine)) as s:
        projections.apply_business_states(s, [make_event(b, source="/test", subject=b.uscc) for b in states])
    engine.dispose()
    worker = Worker(spec(settings))
    worker.start()
    token = issue_dev_token(sub="cli-clerk", roles=["prefecture_staff"], secret=settings.jwt_secret,
                            issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    try:
        with TestClient(create_app(settings), headers={"Authorization": f"Bearer {token}"}) as c:
            yield c
    finally:
        worker.shutdown()


def _getihu(gateway, capsys, *argv) -> tuple[int, dict, str]:
    with pytest.raises(SystemExit) as done:
        cli.main(list(argv), http=gateway)
    out = capsys.readouterr()
    return done.value.code, json.loads(out.out.strip().splitlines()[-1]), out.err


def test_typing_run_then_publish_follow_their_work_to_the_end(gateway, capsys, monkeypatch):
    monkeypatch.setattr(cli, "follow", _fast(cli.follow))
    code, run, bar = _getihu(gateway, capsys, "typing", "run", str(YEAR), "--reference-date", f"{YEAR}-06-30")
    assert code == 0 and run["status"] == "completed" and run["progress"] == 1.0
    assert run["counts"] == {"survival": 2, "growth": 2, "development": 1, "excluded": 0}
    assert "100.0%" in bar and "已完成" in bar and "成长型 2" in bar

    code, published, bar = _getihu(gateway, capsys, "typing", "publish", run["id"])
    assert code == 0 and published["status"] == "published" and published["id"] == run["id"]
    assert published["job_id"] != run["job_id"] and "100.0%" in bar and "已发布 5 户" in bar
    job = gateway.get(f"/api/v1/jobs/{published['job_id']}").json()
    assert (job["kind"], job["status"], job["processed"]) == ("typing_publish", "completed", 5)

    # Publishing it again is refused with the service's own words, and the command says so.
    with pytest.raises(SystemExit) as again:
        cli.main(["typing", "publish", run["id"]], http=gateway)
    assert again.value.code == 1 and "已发布" in capsys.readouterr().err


def _fast(follow):
    """The CLI's own follow, polling often (the test need not wait half-seconds), drawing on the
    stderr the test captures."""
    def quick(poll, **kw):
        return follow(poll, **kw, interval=0.05, out=sys.stderr)
    return quick
