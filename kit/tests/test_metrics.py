"""A worker's Prometheus metrics, scraped over HTTP from its own port: outbox backlog and oldest
age, events relayed, consumer lag per group and partition, events applied and dead-lettered, jobs by
state and progress, and /healthz. The README's table names every family (and no other)."""
from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import ClassVar

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert

from getihu_kit import metrics, testing
from getihu_kit.consumer import Subscription, inbox_table
from getihu_kit.db import make_engine, make_metadata, make_sessionmaker, unit_of_work
from getihu_kit.events import EventData
from getihu_kit.jobs import jobs_tables
from getihu_kit.outbox import Outbox, outbox_table
from getihu_kit.settings import ServiceSettings
from getihu_kit.worker import Worker, WorkerSpec

ROOT = Path(__file__).resolve().parents[2]
metadata = make_metadata()
OUTBOX = outbox_table(metadata)
INBOX = inbox_table(metadata)
JOBS, _ = jobs_tables(metadata)
TOPIC = "getihu.registry.business"


class Ping(EventData):
    event_type: ClassVar[str] = "getihu.test.ping.v1"
    topic: ClassVar[str] = TOPIC
    poison: bool = False


def handle(session, event) -> None:
    if event.data.get("poison"):
        raise ValueError("a handler that cannot apply this event")


def scrape(port: int) -> dict[str, list]:
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return {f.name: f.samples for f in text_string_to_metric_families(body)}


def value(families, name: str, **labels) -> float:
    for s in families.get(name.removesuffix("_total"), []) + families.get(name, []):
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise AssertionError(f"no sample {name} {labels}: {families.get(name.removesuffix('_total'))}")


@pytest.fixture(scope="module")
def worker(kafka_bootstrap, topic_prefix):
    url = testing.fresh_database("kit_metrics_test", None)
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:  # a running import and a finished one
        conn.execute(insert(JOBS), [dict(id="j-running", kind="businesses", params={}, status="running", progress=0.25),
                                    dict(id="j-done", kind="businesses", params={}, status="completed", progress=1.0)])
        out = Outbox(OUTBOX, "/getihu/metrics-test")
    with unit_of_work(make_sessionmaker(engine)) as s:  # a backlog before the worker starts
        for i in range(3):
            out.emit(s, Ping(poison=(i == 2)), key=f"m{uuid.uuid4().hex[:8]}")
    # what a worker's database collector serves before its relay drains the backlog
    from prometheus_client import CollectorRegistry
    before = CollectorRegistry()
    before.register(metrics.DatabaseCollector(engine, outbox=OUTBOX, inbox=INBOX))
    early = metrics.serve(before, host="127.0.0.1", port=0)
    backlog_before_start = scrape(early.server_port)
    early.shutdown()
    early.server_close()
    engine.dispose()
    settings = ServiceSettings(service_name="metrics-test", db_name="x", database_url=url, dev_auth=True,
                               kafka_bootstrap=kafka_bootstrap, topic_prefix=topic_prefix)
    spec = WorkerSpec(settings=settings, outbox=OUTBOX, inbox=INBOX, migrations_dir=None,
                      subscriptions=[Subscription(name="metrics-test", topics=[TOPIC],
                                                  handlers={Ping.event_type: handle})])
    w = Worker(spec)
    server = metrics.serve(w.metrics.registry, host="127.0.0.1", port=0, healthy=w.healthy)
    w.server_port = server.server_port
    w.backlog_before_start = backlog_before_start
    w.start()
    for r in w.runners:
        r.backoff_s = 0.01  # the poison event reaches the DLQ quickly
    yield w
    w.shutdown()
    server.shutdown()
    server.server_close()


def test_the_backlog_and_its_oldest_row_are_read_from_the_outbox(worker):
    before = worker.backlog_before_start
    assert value(before, "getihu_outbox_backlog") == 3
    assert value(before, "getihu_outbox_oldest_age_seconds") >= 0
    assert value(before, "getihu_jobs", kind="businesses", state="running") == 1
    assert value(before, "getihu_job_progress", job_id="j-running") == 0.25


def test_relayed_applied_dead_lettered_and_lag_after_the_worker_ran(worker):
    def settled():
        f = scrape(worker.server_port)
        try:
            done = (value(f, "getihu_outbox_relayed_events_total") >= 3
                    and value(f, "getihu_consumer_events_total", group="metrics-test", outcome="applied") >= 2
                    and value(f, "getihu_dlq_events_total", group="metrics-test") >= 1)
        except AssertionError:
            return None
        return f if done else None
    f = testing.wait_until(settled, timeout=60, message="the worker to relay, apply and dead-letter")
    assert value(f, "getihu_outbox_backlog") == 0 and value(f, "getihu_outbox_oldest_age_seconds") == 0
    assert value(f, "getihu_consumer_events_total", group="metrics-test", outcome="dead_lettered") == 1
    assert value(f, "getihu_inbox_dead_lettered", group="metrics-test") == 1
    lag = [s for s in f["getihu_consumer_lag"] if s.labels["group"] == "metrics-test"]
    assert lag and lag[0].labels["partition"] == "0" and lag[0].value == 0
    assert value(f, "getihu_worker_up") == 1


def test_health_answers_200_while_every_loop_runs():
    # a worker whose loops have stopped answers 503
    stopped = threading.Event()
    server = metrics.serve(metrics.WorkerMetrics("x").registry, host="127.0.0.1", port=0,
                           healthy=lambda: not stopped.is_set())
    try:
        url = f"http://127.0.0.1:{server.server_port}/healthz"
        assert urllib.request.urlopen(url, timeout=5).status == 200
        stopped.set()
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url, timeout=5)
        assert e.value.code == 503
    finally:
        server.shutdown()
        server.server_close()


def test_the_readme_table_names_every_metric():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Metrics", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(getihu_[a-z_]+)` \|", section, flags=re.M))
    assert documented == set(metrics.NAMES)


def test_the_grafana_dashboard_is_current_and_asks_only_for_served_metrics():
    import importlib.util
    import json
    spec = importlib.util.spec_from_file_location("grafana_render", ROOT / "deploy/grafana/render.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    committed = (ROOT / "deploy/grafana/getihu.json").read_text()
    assert committed == render.render(), "stale: run python deploy/grafana/render.py"
    served = set(metrics.NAMES) | {"http_requests_total", "http_request_duration_seconds_bucket"}
    asked = {name for p in json.loads(committed)["panels"] for t in p["targets"]
             for name in re.findall(r"\b((?:getihu|http)_[a-z_]+)\b", t["expr"])}
    assert asked <= served, asked - served
    assert {n for n in metrics.NAMES} <= asked, "every metric has a panel"
