"""Typing through the gateway, from registration and agency batches to a published result in the
national feed (issue: typing-svc).

County staff register businesses and file their annual reports; the social-insurance agency submits a
batch; prefecture staff close the annual-report window, which starts the typing run by itself; staff
publish it; the national directory finds each business's type in the feed.
"""
from __future__ import annotations

import pytest

from getihu_kit import testing
from getihu_kit.domain import id_number, uscc
from harness import publish_run

REPORT_YEAR = 2025          # the window closed here starts typing year 2026
TYPING_YEAR = REPORT_YEAR + 1


@pytest.mark.stack
def test_registration_and_batches_to_a_published_result_in_the_feed(stack, gateway):
    county = gateway.token("songling-clerk", ["county_staff"], region_code="232762")
    prefecture = gateway.token("pref-typing", ["prefecture_staff"])
    insurance = gateway.token("hrss", ["agency"], dataset="social_insurance")
    national = gateway.token("national-directory", ["national_directory"])
    plan = {"growth": 2, "development": 0, "survival": 0}  # employees in the annual report for REPORT_YEAR
    codes = {k: uscc.make("232762", serial=880_100 + i) for i, k in enumerate(plan)}
    for i, (kind, employees) in enumerate(plan.items()):
        r = gateway.post("/api/v1/businesses", headers=county, json={
            "uscc": codes[kind], "name": f"松岭分型{i}", "region_code": "232762", "established_on": "2019-04-01",
            "operator": {"name": "赵六", "id_number": id_number.make(serial=880_100 + i)}})
        assert r.status_code == 201, r.text
        r = gateway.post(f"/api/v1/businesses/{codes[kind]}/annual-reports", headers=county, json={
            "year": REPORT_YEAR, "submitted_on": "2026-03-15", "employees": employees})
        assert r.status_code == 201, r.text
    r = gateway.post("/api/v1/data-sharing/batches", headers=insurance, json={
        "dataset": "social_insurance", "year": REPORT_YEAR,
        "records": [{"uscc": codes["development"], "insured_employees": 4}]})
    assert r.status_code == 201, r.text
    batch_id = r.json()["id"]

    # No waiting here: the run that closing the window starts waits by itself (waiting_for_data) until
    # typing's projections hold both the annual reports and the agency's batch.
    gateway.post(f"/api/v1/annual-report-windows/{REPORT_YEAR}/open", json={"opened_on": "2026-01-01"},
                 headers=prefecture)
    r = gateway.post(f"/api/v1/annual-report-windows/{REPORT_YEAR}/close", json={"closed_on": "2026-06-30"},
                     headers=prefecture)
    assert r.status_code == 200, r.text

    def completed_run():
        runs = gateway.get("/api/v1/typing/runs", params={"year": TYPING_YEAR}, headers=prefecture).json()["items"]
        done = [x for x in runs if x["trigger"] == "annual-report-closed" and x["status"] == "completed"]
        return done[0] if done else None
    run = testing.wait_until(completed_run, timeout=90, message="annual-report-closed started a completed run")
    assert run["reference_date"] == f"{TYPING_YEAR}-06-30" and batch_id in run["batches"]
    assert {x["service"] for x in run["data_barrier"]["sources"]} == {"registry", "data-sharing"}
    progress = gateway.get(f"/api/v1/jobs/{run['id']}", headers=prefecture).json()
    assert progress["status"] == "completed" and progress["progress"] == 1.0

    assert publish_run(gateway, run["id"], headers=prefecture)["status"] == "published"

    found: dict[str, dict] = {}
    cursor = None
    for _ in range(200):
        page = gateway.get("/api/v1/typing/feed", params={"cursor": cursor, "limit": 1000} if cursor else
                           {"limit": 1000}, headers=national).json()
        found.update({i["uscc"]: i for i in page["items"] if i["uscc"] in codes.values() and i["year"] == TYPING_YEAR})
        if not page["items"]:
            break
        cursor = page["next_cursor"]
    assert {k: found[u]["type"] for k, u in codes.items()} == {"growth": "growth", "development": "development",
                                                                 "survival": "survival"}
    assert found[codes["development"]]["reasons"] == ["insured_four_or_more"]

    public = gateway.get(f"/api/v1/typing/results/{codes['development']}", params={"year": TYPING_YEAR})
    assert public.status_code == 200 and public.json()["type"] == "development" and public.json()["published"]
    staff_view = gateway.get(f"/api/v1/typing/results/{codes['development']}", params={"year": TYPING_YEAR},
                             headers=county).json()
    insured = next(e for e in staff_view["explanation"] if e["condition"] == "insured_four_or_more")
    assert insured["met"] and insured["source"]["batch_id"] == batch_id


@pytest.mark.stack
def test_a_run_waits_for_registry_changes_still_in_the_outbox_then_types_them(stack, gateway):
    """A clerk starts a run right after registering: the registry's relay is down, so the business and
    its annual report are still in the registry's outbox. The run waits (waiting_for_data) instead of
    typing the business `excluded` for want of a report, and types it once the events arrive."""
    county = gateway.token("tahe-clerk", ["county_staff"], region_code="232722")
    prefecture = gateway.token("pref-barrier", ["prefecture_staff"])
    code = uscc.make("232722", serial=880_900)
    stack.stop("registry-worker")  # its outbox relay with it
    try:
        r = gateway.post("/api/v1/businesses", headers=county, json={
            "uscc": code, "name": "塔河等数", "region_code": "232722", "established_on": "2018-05-01",
            "operator": {"name": "钱七", "id_number": id_number.make(serial=880_900)}})
        assert r.status_code == 201, r.text
        r = gateway.post(f"/api/v1/businesses/{code}/annual-reports", headers=county, json={
            "year": 2023, "submitted_on": "2024-03-15", "employees": 2})
        assert r.status_code == 201, r.text
        r = gateway.post("/api/v1/typing/runs", headers=prefecture, json={"year": 2024, "region_codes": ["232722"]})
        assert r.status_code == 202, r.text
        run_id = r.json()["id"]

        def status():
            return gateway.get(f"/api/v1/typing/runs/{run_id}", headers=prefecture).json()["status"]
        testing.wait_until(lambda: status() == "waiting_for_data", timeout=60, message="the run waits for data")
        job = gateway.get(f"/api/v1/jobs/{run_id}", headers=prefecture).json()
        assert job["status"] == "running" and job["progress"] == 0.0
    finally:
        stack.start("registry-worker")

    def finished():
        run = gateway.get(f"/api/v1/typing/runs/{run_id}", headers=prefecture).json()
        return run if run["status"] in ("completed", "failed") else None
    run = testing.wait_until(finished, timeout=120, message="the run finished once the events arrived")
    assert run["status"] == "completed", run
    registry = next(x for x in run["data_barrier"]["sources"] if x["service"] == "registry")
    assert registry["outbox_through"] > 0 and run["data_barrier"]["waited_s"] > 0
    result = gateway.get(f"/api/v1/typing/results/{code}", params={"year": 2024}, headers=prefecture).json()
    assert result["run_id"] == run_id and result["type"] == "growth", result
