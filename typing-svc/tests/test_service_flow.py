"""typing-svc end to end in-process: registry and agency events on the real broker feed the projections,
annual-report-closed starts a run that the worker's job loop executes, staff publish it over HTTP (202
at once; the worker's job publishes it), the national feed carries it, and an upheld appeal corrects one
result as a new version."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer
from sqlalchemy import func, select

from getihu_kit import clock, testing
from getihu_kit.auth import issue_dev_token
from getihu_kit.bus import make_producer
from getihu_kit.db import make_engine
from getihu_kit.events import CloudEvent, make_event, physical
from getihu_kit.labels import reason_label
from getihu_kit.schemas.appeal import AppealDecided
from getihu_kit.schemas.registry import AnnualReportClosed
from getihu_kit.schemas.typing import TypingPublished, TypingResultPublished
from getihu_kit.worker import Worker
from typing_factories import P, R, YEAR, business, facts, new_uscc
from typing_svc.main import create_app
from typing_svc.models import BusinessProjection, FactsProjection, TypingRun, outbox
from typing_svc.settings import MIGRATIONS, Settings
from typing_svc.worker import spec


@pytest.fixture(scope="module")
def settings(topic_prefix, kafka_bootstrap) -> Settings:
    url = testing.fresh_database("test_typing_svc_flow", MIGRATIONS)
    # The test feeds typing's topics itself: its runs wait for the topics, there is no source outbox.
    return Settings(database_url=url, topic_prefix=topic_prefix, kafka_bootstrap=kafka_bootstrap,
                    registry_url=None, data_sharing_url=None)


@pytest.fixture(scope="module")
def worker(settings):
    w = Worker(spec(settings))
    w.start()
    yield w
    w.shutdown()


@pytest.fixture(scope="module")
def client(settings, worker):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def db(settings):
    e = make_engine(settings.database_url)
    yield e
    e.dispose()


def headers(settings, roles, **kw) -> dict:
    token = issue_dev_token(sub="t-" + roles[0], roles=roles, secret=settings.jwt_secret, issuer=settings.jwt_issuer,
                            audience=settings.jwt_audience, **kw)
    return {"Authorization": f"Bearer {token}"}


def send(settings, payloads: list[tuple]) -> None:
    producer = make_producer(settings.kafka_bootstrap)
    for payload, key in payloads:
        ev = make_event(payload, source="/test", subject=key)
        producer.send(physical(payload.topic, settings.topic_prefix), key=key.encode() if key else None,
                      value=ev.model_dump_json().encode())
    producer.flush()
    producer.close()


def count(db, table) -> int:
    with db.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar_one()


def publish(client, settings, run_id: str) -> dict:
    """Staff publish a run: 202 at once with the run `publishing` and its job; follow it to `published`."""
    staff = headers(settings, ["prefecture_staff"])
    r = client.post(f"/api/v1/typing/runs/{run_id}/publish", headers=staff)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "publishing" and r.json()["job_id"].startswith("ty_")
    job_id = r.json()["job_id"]

    def published():
        run = client.get(f"/api/v1/typing/runs/{run_id}", headers=staff).json()
        return run if run["status"] == "published" else None
    run = testing.wait_until(published, timeout=60, message="run published")
    assert run["job_id"] == job_id and run["progress"] == 1.0
    job = client.get(f"/api/v1/jobs/{job_id}", headers=staff).json()
    assert (job["kind"], job["status"], job["progress"]) == ("typing_publish", "completed", 1.0)
    return run


def relayed(settings, db, payload_type) -> list[tuple[str | None, CloudEvent]]:
    """Every event of `payload_type` on the broker (key, event), once the relay has sent the outbox."""
    testing.wait_until(lambda: count(db, outbox) == 0, timeout=60, message="outbox relayed")
    consumer = KafkaConsumer(physical(payload_type.topic, settings.topic_prefix),
                             bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=3000)
    try:
        events = [(m.key.decode() if m.key else None, CloudEvent.model_validate(json.loads(m.value)))
                  for m in consumer]
    finally:
        consumer.close()
    return [(k, e) for k, e in events if e.type == payload_type.event_type]


@pytest.fixture(scope="module")
def register(settings, db, worker):
    """Six businesses, one per outcome, sent as registry and agency events."""
    u = {k: new_uscc() for k in ("development", "growth", "survival", "excluded", "young", "other_county")}
    u["other_county"] = new_uscc("232721")
    states = [
        business(u["development"], employees=5),
        business(u["growth"], employees=1),
        business(u["survival"], employees=0),
        business(u["excluded"], marks=[dict(kind="abnormal", start_on=dt.date(2025, 1, 1))]),
        business(u["young"], established_on=dt.date(2025, 3, 1), employees=None),
        business(u["other_county"], region="232721", employees=3),
    ]
    # An older snapshot after the newer one must not win.
    states.append(business(u["growth"], employees=9, version=0))
    fact_list = [facts(u["growth"], tax_paid="12.50", batch="ds_2024_tax", agency="地区税务局"),
                 facts(u["development"], insured=4, batch="ds_2024_si")]
    send(settings, [(s, s.uscc) for s in states] + [(f, f"{f.uscc}:{f.year}") for f in fact_list])
    testing.wait_until(lambda: count(db, BusinessProjection.__table__) == 6 and
                       count(db, FactsProjection.__table__) == 2, timeout=60, message="projections fed")
    return u


@pytest.fixture(scope="module")
def closed_run(settings, db, register):
    """annual-report-closed starts the yearly run; the worker completes it."""
    send(settings, [(AnnualReportClosed(report_year=P, typing_year=YEAR, closed_on=R, reference_date=R,
                                        closed_by="clerk"), None)])
    runs = TypingRun.__table__

    def completed():
        with db.connect() as c:
            return c.execute(select(runs.c.id).where(runs.c.trigger == "annual-report-closed",
                                                     runs.c.status == "completed")).scalar()
    return testing.wait_until(completed, timeout=60, message="run completed")


def test_annual_report_closed_runs_the_year(client, settings, closed_run, register):
    staff = headers(settings, ["prefecture_staff"])
    r = client.get(f"/api/v1/typing/runs/{closed_run}", headers=staff)
    assert r.status_code == 200, r.text
    run = r.json()
    assert run["status"] == "completed" and run["progress"] == 1.0
    assert run["year"] == YEAR and run["reference_date"] == R.isoformat() and run["ruleset"] == "national-2024"
    assert run["counts"] == {"survival": 2, "growth": 2, "development": 1, "excluded": 1}
    assert sorted(run["batches"]) == ["ds_2024_si-si", "ds_2024_tax-tax"]
    job = client.get(f"/api/v1/jobs/{closed_run}", headers=staff).json()
    assert job["status"] == "completed" and job["processed"] == 6
    # The run's job is kit's job resource, under its own id too.
    assert run["job_id"].startswith("ty_") and run["job_id"] != closed_run
    assert client.get(f"/api/v1/jobs/{run['job_id']}", headers=staff).json() == job
    assert job["kind"] == "typing_run" and job["progress"] == 1.0 and job["id"] == run["job_id"]
    assert client.get(f"/api/v1/jobs/{run['job_id']}").status_code == 401
    assert client.get("/api/v1/jobs/ty_nosuchjob", headers=staff).status_code == 404


def test_draft_results_are_for_staff_only(client, settings, closed_run, register):
    u = register["growth"]
    assert client.get(f"/api/v1/typing/results/{u}", params={"year": YEAR}).status_code == 404
    r = client.get(f"/api/v1/typing/results/{u}", params={"year": YEAR}, headers=headers(settings, ["prefecture_staff"]))
    body = r.json()
    assert r.status_code == 200 and body["published"] is False and body["type"] == "growth"
    assert body["reasons"] == ["tax_paid_prior_year"]
    tax = next(e for e in body["explanation"] if e["condition"] == "tax_paid_prior_year")
    assert tax["met"] and tax["fact"] == {"tax_paid": "12.50", "year": P}
    assert tax["source"] == {"kind": "agency", "dataset": "tax", "batch_id": "ds_2024_tax-tax", "agency": "地区税务局"}
    other = client.get(f"/api/v1/typing/results/{register['other_county']}", params={"year": YEAR},
                       headers=headers(settings, ["county_staff"], region_code="232701"))
    assert other.status_code == 403


def _csv_rows(body: bytes) -> list[list[str]]:
    import csv
    import io
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_results_export_as_csv_and_xlsx_with_the_list_s_filters(client, settings, closed_run, register):
    import io

    from openpyxl import load_workbook

    staff = headers(settings, ["prefecture_staff"])
    params = {"year": YEAR, "run_id": closed_run}
    listed = client.get("/api/v1/typing/results", params={**params, "limit": 1000}, headers=staff).json()["items"]
    r = client.get("/api/v1/typing/results", params={**params, "format": "csv"}, headers=staff)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = _csv_rows(r.content)
    assert rows[0][:5] == ["统一社会信用代码", "分型年度", "分型", "分型代码", "判定依据"]
    assert [x[0] for x in rows[1:]] == [i["uscc"] for i in listed] and len(rows) == 7
    growth = next(x for x in rows[1:] if x[0] == register["growth"])
    assert growth[2:4] == ["成长型", "growth"] and growth[4] == reason_label("tax_paid_prior_year") and growth[-1] == "否"
    # The same filters as the JSON list: a type, a county (county staff: their own only).
    survival = _csv_rows(client.get("/api/v1/typing/results", params={**params, "type": "survival", "format": "csv"},
                                    headers=staff).content)
    assert {x[3] for x in survival[1:]} == {"survival"} and len(survival) == 3
    county = headers(settings, ["county_staff"], region_code="232721")
    mine = _csv_rows(client.get("/api/v1/typing/results", params=params, headers={**county, "accept": "text/csv"}).content)
    assert [x[0] for x in mine[1:]] == [register["other_county"]] and mine[1][6] == "呼玛县"
    assert client.get("/api/v1/typing/results", params={**params, "format": "csv", "region_code": "232701"},
                      headers=county).status_code == 403
    x = client.get("/api/v1/typing/results", params={**params, "format": "xlsx"}, headers=staff)
    assert x.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = list(load_workbook(io.BytesIO(x.content), read_only=True)["数据"].iter_rows(values_only=True))
    assert sheet[0][0] == "统一社会信用代码" and sorted(r[0] for r in sheet[1:]) == sorted(i["uscc"] for i in listed)
    empty = _csv_rows(client.get("/api/v1/typing/results", params={"year": 2030, "format": "csv"}, headers=staff).content)
    assert empty == [rows[0]], "a year without a run: the header alone, as the JSON list has no items"
    bad = client.get("/api/v1/typing/results", params={**params, "format": "pdf"}, headers=staff)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"
    assert client.get("/api/v1/typing/results", params={**params, "format": "csv"},
                      headers=headers(settings, ["operator"], usccs=[register["growth"]])).status_code == 403


def test_results_export_job_runs_to_a_file_only_its_region_downloads(client, settings, closed_run, register):
    county = headers(settings, ["county_staff"], region_code="232721")
    other = headers(settings, ["county_staff"], region_code="232701")
    r = client.post("/api/v1/typing/results/exports", json={"year": YEAR, "run_id": closed_run, "format": "csv"},
                    headers=county)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "export" and job["status"] in ("queued", "running") and job["id"].startswith("ty_")
    not_yet = client.get(f"/api/v1/typing/results/exports/{job['id']}/file", headers=county)
    assert not_yet.status_code in (200, 409)

    def done():
        j = client.get(f"/api/v1/typing/results/exports/{job['id']}", headers=county).json()
        return j if j["status"] in ("completed", "failed") else None
    finished = testing.wait_until(done, timeout=60, message="the export job")
    assert (finished["status"], finished["progress"], finished["processed"]) == ("completed", 1.0, 1)
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=county).json()["status"] == "completed"
    f = client.get(f"/api/v1/typing/results/exports/{job['id']}/file", headers=county)
    assert f.status_code == 200 and f.headers["content-type"].startswith("text/csv")
    assert [x[0] for x in _csv_rows(f.content)[1:]] == [register["other_county"]]
    assert client.get(f"/api/v1/typing/results/exports/{job['id']}/file", headers=other).status_code == 403
    assert client.get(f"/api/v1/typing/results/exports/{job['id']}", headers=other).status_code == 403
    assert client.get(f"/api/v1/typing/results/exports/{job['id']}/file",
                      headers=headers(settings, ["prefecture_staff"])).status_code == 200
    assert client.get(f"/api/v1/typing/results/exports/{closed_run}/file", headers=county).status_code == 404
    # The request is checked as the list is: a county asks for its own, a known run, a known format.
    assert client.post("/api/v1/typing/results/exports", json={"year": YEAR, "region_code": "232701"},
                       headers=county).status_code == 403
    bad = client.post("/api/v1/typing/results/exports", json={"year": YEAR, "format": "pdf"}, headers=county)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"
    assert client.post("/api/v1/typing/results/exports", json={"year": YEAR, "run_id": "ty_none"},
                       headers=county).status_code == 404


def test_an_xlsx_export_job_gives_a_workbook(client, settings, closed_run):
    staff = headers(settings, ["prefecture_staff"])
    r = client.post("/api/v1/typing/results/exports", json={"year": YEAR, "run_id": closed_run}, headers=staff)
    job_id = r.json()["id"]

    def done():
        j = client.get(f"/api/v1/typing/results/exports/{job_id}", headers=staff).json()
        return j if j["status"] in ("completed", "failed") else None
    assert testing.wait_until(done, timeout=60, message="the xlsx export")["status"] == "completed"
    import io

    from openpyxl import load_workbook
    f = client.get(f"/api/v1/typing/results/exports/{job_id}/file", headers=staff)
    assert f.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(f.content), read_only=True)
    assert len(list(wb["数据"].iter_rows(values_only=True))) == 7


def test_run_input_is_checked(client, settings):
    staff = headers(settings, ["prefecture_staff"])
    bad = [({"year": 2023}, "year"), ({"year": YEAR, "region_codes": ["23A701"]}, "region_codes"),
           ({"year": YEAR, "region_codes": ["110101"]}, "region_codes"),
           ({"year": YEAR, "reference_date": "2024-06-30"}, "reference_date")]
    for body, field in bad:
        r = client.post("/api/v1/typing/runs", json=body, headers=staff)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert any(e["field"].split(".")[0] == field for e in r.json()["errors"]), r.text
    assert client.post("/api/v1/typing/runs", json={"year": YEAR},
                       headers=headers(settings, ["county_staff"], region_code="232701")).status_code == 403
    assert client.post("/api/v1/typing/runs", json={"year": YEAR}).status_code == 401


def test_publish_feed_statistics_and_correction(client, settings, db, closed_run, register):
    staff = headers(settings, ["prefecture_staff"])
    national = headers(settings, ["national_directory"])
    assert client.post(f"/api/v1/typing/runs/{closed_run}/publish",
                       headers=headers(settings, ["county_staff"], region_code="232701")).status_code == 403
    run = publish(client, settings, closed_run)
    assert run["published_at"] and run["counts"] == {"survival": 2, "growth": 2, "development": 1, "excluded": 1}
    assert client.post(f"/api/v1/typing/runs/{closed_run}/publish", headers=staff).status_code == 409

    # typing-published and one result event per business, relayed to the broker.
    result_events = relayed(settings, db, TypingResultPublished)
    published = relayed(settings, db, TypingPublished)
    assert len(result_events) == 6
    assert len(published) == 1
    assert published[0][1].data["counts_by_region"]["232721"]["growth"] == 1
    # The result events are assembled in SQL: each must be a valid CloudEvent with a valid payload.
    events = {}
    for key, ev in result_events:
        assert ev.subject == key and ev.type == TypingResultPublished.event_type
        events[key] = TypingResultPublished.model_validate(ev.data)
    assert len(events) == 6
    dev = events[register["development"]]
    assert (dev.type, dev.reasons, dev.year, dev.version, dev.run_id, dev.ruleset, dev.region_code) == \
        ("development", ["insured_four_or_more", "four_or_more_employees"], YEAR, 1, closed_run, "national-2024", "232701")
    assert events[register["excluded"]].reasons == ["not_marked_abnormal"]
    assert events[register["growth"]].industry_code == "H62" and events[register["growth"]].correction is None
    assert {e.published_at for e in events.values()} == {TypingPublished.model_validate(published[0][1].data).published_at}

    # The public sees the published type, never the facts.
    pub = client.get(f"/api/v1/typing/results/{register['growth']}", params={"year": YEAR}).json()
    assert pub["published"] and pub["type"] == "growth" and all(e["fact"] is None for e in pub["explanation"])

    # The national feed, page by page, resumable.
    assert client.get("/api/v1/typing/feed", headers=headers(settings, ["operator"], usccs=[register["growth"]])
                      ).status_code == 403
    first = client.get("/api/v1/typing/feed", params={"limit": 4}, headers=national).json()
    rest = client.get("/api/v1/typing/feed", params={"cursor": first["next_cursor"], "limit": 100},
                      headers=national).json()
    items = first["items"] + rest["items"]
    assert len(items) == 6 and [i["seq"] for i in items] == sorted(i["seq"] for i in items)
    assert {i["uscc"]: i["type"] for i in items}[register["development"]] == "development"
    caught_up = client.get("/api/v1/typing/feed", params={"cursor": rest["next_cursor"]}, headers=national).json()
    assert caught_up["items"] == [] and caught_up["next_cursor"] == rest["next_cursor"]

    stats = client.get("/api/v1/typing/statistics", params={"year": YEAR}, headers=staff).json()
    assert stats["total"] == 6 and stats["by_type"]["growth"] == 2
    assert stats["by_region"]["232721"]["growth"] == 1 and stats["by_industry"]["H62"]["survival"] == 2
    listed = client.get("/api/v1/typing/results", params={"year": YEAR, "type": "survival", "limit": 1},
                        headers=staff).json()
    assert len(listed["items"]) == 1 and listed["next_cursor"]
    more = client.get("/api/v1/typing/results", params={"year": YEAR, "type": "survival", "limit": 1,
                                                         "cursor": listed["next_cursor"]}, headers=staff).json()
    assert len(more["items"]) == 1 and more["items"][0]["uscc"] > listed["items"][0]["uscc"] and not more["next_cursor"]
    for bad in ({"limit": 1001}, {"limit": 0}, {"cursor": "not-a-cursor"}):
        assert client.get("/api/v1/typing/results", params={"year": YEAR, **bad}, headers=staff).status_code == 422
    assert client.get("/api/v1/typing/feed", params={"limit": 1001}, headers=national).status_code == 422

    # An upheld appeal corrects one result: a new version, published, in the feed.
    u = register["survival"]
    send(settings, [(AppealDecided(appeal_id="ap_1", target_kind="typing_result", uscc=u, year=YEAR,
                                   appellant="张三", decision="upheld", corrected_type="growth",
                                   reason="补充的社保记录表明上一年度为1名雇员缴纳社保",
                                   decided_at=clock.now()), u)])

    def corrected():
        r = client.get("/api/v1/typing/results/" + u, params={"year": YEAR}, headers=staff).json()
        return r if r.get("version") == 2 else None
    body = testing.wait_until(corrected, timeout=30, message="correction applied")
    assert body["type"] == "growth" and body["correction"]["appeal_id"] == "ap_1"
    tail = client.get("/api/v1/typing/feed", params={"cursor": rest["next_cursor"]}, headers=national).json()
    assert [(i["uscc"], i["version"], i["type"], i["correction"]["appeal_id"]) for i in tail["items"]] == \
        [(u, 2, "growth", "ap_1")]
    assert client.get("/api/v1/typing/statistics", params={"year": YEAR},
                      headers=staff).json()["by_type"]["growth"] == 3


def test_transitions_between_years(client, settings, db, closed_run, register):
    staff = headers(settings, ["prefecture_staff"])
    r = client.post("/api/v1/typing/runs", json={"year": YEAR + 1, "region_codes": ["232701"]}, headers=staff)
    assert r.status_code == 202 and r.json()["id"].startswith("ty_")
    run_id = r.json()["id"]
    testing.wait_until(lambda: client.get(f"/api/v1/typing/runs/{run_id}", headers=staff).json()["status"]
                       == "completed", timeout=30, message="second run completed")
    publish(client, settings, run_id)
    t = client.get("/api/v1/typing/statistics/transitions", params={"from_year": YEAR, "to_year": YEAR + 1},
                   headers=staff).json()
    moves = {(i["from"], i["to"]): i["count"] for i in t["items"]}
    # Without annual reports for 2025 every business of 232701 established before 2026 is excluded in 2026.
    assert moves[("development", "excluded")] == 1 and sum(moves.values()) == 5


def test_standards_are_public(client):
    s = client.get("/api/v1/typing/standards").json()
    assert s["ruleset"] == "national-2024" and "成立2年（含）以上" in s["text"]
    codes = [c["code"] for c in s["conditions"]]
    assert codes[:6] == ["registered_on_reference_date", "annual_report_submitted", "not_marked_abnormal",
                         "not_serious_illegal", "not_abnormal_taxpayer", "not_suspended"]
    assert any("非正常户" in c["clause"] for c in s["conditions"])
    assert any(p["name"] == "seniority_years" and p["value"] == 2 for p in s["parameters"])
    seniority = next(p for p in s["parameters"] if p["name"] == "seniority_years")
    assert (seniority["unit"], seniority["effective_from"]) == ("年", "2024-01-01") and "2年" in seniority["reference"]
    assert seniority["series"] == [{"value": 2, "in_force_from": "2024-01-01", "clause": seniority["reference"]}]
    assert next(p for p in s["parameters"] if p["name"] == "growth_tax_paid_above")["value"] == "0"
    assert len(s["decisions"]) >= 5


def test_rerun_on_the_same_batches_gives_the_same_results(client, settings, closed_run, register):
    staff = headers(settings, ["prefecture_staff"])
    r = client.post("/api/v1/typing/runs", json={"year": YEAR, "reference_date": R.isoformat()}, headers=staff)
    rerun = r.json()["id"]
    testing.wait_until(lambda: client.get(f"/api/v1/typing/runs/{rerun}", headers=staff).json()["status"]
                       == "completed", timeout=30, message="rerun completed")

    def results_of(run_id):
        page = client.get("/api/v1/typing/results", params={"year": YEAR, "run_id": run_id, "limit": 1000},
                          headers=staff).json()
        return {i["uscc"]: (i["type"], i["reasons"]) for i in page["items"]}
    first, again = (client.get(f"/api/v1/typing/runs/{x}", headers=staff).json() for x in (closed_run, rerun))
    assert first["batches"] == again["batches"] and first["counts"] == again["counts"]
    assert results_of(closed_run) == results_of(rerun)
    county = headers(settings, ["county_staff"], region_code="232721")
    scoped = client.get("/api/v1/typing/results", params={"year": YEAR, "run_id": rerun}, headers=county).json()
    assert [i["uscc"] for i in scoped["items"]] == [register["other_county"]]


def test_runs_of_a_year_page_newest_first(client, settings, closed_run):
    staff = headers(settings, ["prefecture_staff"])
    newest = client.post("/api/v1/typing/runs", json={"year": YEAR}, headers=staff).json()["id"]
    whole = client.get("/api/v1/typing/runs", params={"year": YEAR}, headers=staff).json()
    ids = [r["id"] for r in whole["items"]]
    assert whole["next_cursor"] is None and ids[0] == newest and closed_run in ids and len(ids) >= 2
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/typing/runs", params={"year": YEAR, "limit": 1, "cursor": cursor},
                          headers=staff).json()
        seen += [r["id"] for r in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == ids
    other_year = client.get("/api/v1/typing/runs", params={"year": YEAR + 5}, headers=staff).json()
    assert other_year == {"items": [], "next_cursor": None}


def test_a_fresh_instance_rebuilds_its_projections_by_replaying(settings, db, register):
    """A new database and a new consumer group read the topics from the start: same projections."""
    import threading

    from getihu_kit.consumer import ConsumerRunner, Subscription
    from getihu_kit.db import make_sessionmaker
    from typing_svc.consumers import subscriptions
    from typing_svc.models import inbox

    url = testing.fresh_database("test_typing_svc_replay", MIGRATIONS)
    fresh = make_engine(url)
    stop = threading.Event()
    threads = []
    for sub in subscriptions()[:2]:  # the business and the facts projections
        replay = Subscription(name=f"{sub.name}.replay-{testing.unique_prefix()}", topics=sub.topics,
                              batch_handlers=sub.batch_handlers)
        runner = ConsumerRunner(replay, sessions=make_sessionmaker(fresh), inbox=inbox,
                                bootstrap=settings.kafka_bootstrap, topic_prefix=settings.topic_prefix)
        threads.append(threading.Thread(target=runner.run, args=(stop,), daemon=True))
        threads[-1].start()
    try:
        def snapshot(engine):
            with engine.connect() as c:
                b = BusinessProjection.__table__
                return (sorted(c.execute(select(b.c.uscc, b.c.version, b.c.region_code)).all()),
                        count(engine, FactsProjection.__table__))
        testing.wait_until(lambda: snapshot(fresh) == snapshot(db), timeout=60, message="replayed projections")
    finally:
        stop.set()
        for t in threads:
            t.join(10)
        fresh.dispose()
