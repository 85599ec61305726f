"""The data the console's browser journeys read: a county of 成长型 businesses with a published typing
run, the county's open window and published criteria, and one application waiting for review.

Built through the gateway as clerks would, on the stack's real clock (the window stays open all year).
"""
from __future__ import annotations

import datetime as dt

from getihu_kit import clock, testing
from getihu_kit.domain import id_number, uscc
from harness import Gateway, publish_run

REGION = "232701"
API = "/api/v1/cultivation"


def ok(r, status=200):
    assert r.status_code == status, r.text
    return r.json()


def seed(gw: Gateway) -> dict:
    today = clock.today()
    year = today.year
    reported_on = min(dt.date(year, 3, 1), today - dt.timedelta(days=1)).isoformat()
    prefecture = gw.token("e2e-seed-prefecture", ["prefecture_staff"])
    county = gw.token("e2e-seed-county", ["county_staff"], region_code=REGION)
    ok(gw.put(f"{API}/region-settings/{REGION}", headers=prefecture,
              json={"window_opens": [1, 1], "window_closes": [12, 31], "recognitions_by": [12, 31],
                    # 二(五)1: only the prefecture moves the calendar, and it says why
                    "calendar_reason": "浏览器测试：地区市场监管局决定全年受理（示例）"}))
    names = ["漠河市北极村张记山货店", "漠河市北极村李记蓝莓坊"] + [f"漠河市林下山珍{i}号" for i in range(18)]
    usccs = []
    for i, name in enumerate(names):
        u = uscc.make(REGION, serial=770_000 + i)
        ok(gw.post("/api/v1/businesses", headers=county, json={
            "uscc": u, "name": name, "region_code": REGION, "established_on": "2018-03-01",
            "operator": {"name": "张德福" if i == 0 else "李秀梅", "id_number": id_number.make(serial=770_000 + i)}}), 201)
        ok(gw.post(f"/api/v1/businesses/{u}/annual-reports", headers=county, json={
            "year": year - 1, "submitted_on": reported_on, "employees": 2}), 201)  # 2 employees: 成长型
        usccs.append(u)

    def run_with_all():
        r = gw.post("/api/v1/typing/runs", headers=prefecture, json={"year": year, "region_codes": [REGION]})
        assert r.status_code == 202, r.text
        run = testing.wait_until(lambda: (lambda j: j if j["status"] in ("completed", "failed") else None)(
            gw.get(f"/api/v1/typing/runs/{r.json()['id']}", headers=prefecture).json()), timeout=90,
            message="typing run finished")
        assert run["status"] == "completed", run
        for u in usccs:
            res = gw.get(f"/api/v1/typing/results/{u}", params={"year": year}, headers=prefecture)
            if res.status_code != 200 or res.json()["run_id"] != run["id"] or res.json()["type"] != "growth":
                return None
        return run
    run = testing.wait_until(run_with_all, timeout=180, interval=2, message="a run that typed every business")
    publish_run(gw, run["id"], headers=prefecture)

    c = ok(gw.post(f"{API}/criteria", headers=county, json={
        "region_code": REGION, "year": year, "category": "distinctive", "title": "漠河市特色个体工商户分类标准",
        "text": "依托北极村等区域文化和旅游资源，经营地方特色产品和特色服务。", "pass_score": "60",
        "indicators": [{"code": "years", "name": "持续经营年限", "weight": 100, "threshold": 3, "unit": "年"}]}), 201)
    ok(gw.post(f"{API}/criteria/{c['id']}/file", headers=county))
    ok(gw.post(f"{API}/criteria/{c['id']}/acknowledge", headers=prefecture))
    ok(gw.post(f"{API}/criteria/{c['id']}/publish", headers=county))

    # The application the county clerk reviews, filed once cultivation knows the business and its type.
    reviewed = usccs[1]
    operator = gw.token("e2e-seed-operator", ["operator"], usccs=[reviewed])

    def apply():
        r = gw.post(f"{API}/applications", headers=operator, json={"uscc": reviewed, "category": "distinctive",
                                                           "indicator_values": {"years": 8}})
        assert r.status_code in (201, 404, 409), r.text
        return r.json() if r.status_code == 201 else None
    testing.wait_until(apply, timeout=120, interval=1, message="the business known to cultivation-svc")

    # An import file for the county clerk: two good rows and one with a wrong check character.
    bad = uscc.make(REGION, serial=779_999)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    rows = ["uscc,name,region_code,established_on,operator_name,operator_id_number"]
    for i in range(2):
        rows.append(f"{uscc.make(REGION, serial=778_000 + i)},漠河市新开小店{i}号,{REGION},2024-05-01,王五,"
                    f"{id_number.make(serial=778_000 + i)}")
    rows.append(f"{bad},校验位错误的小店,{REGION},2024-05-01,赵六,{id_number.make(serial=778_100)}")
    return {"year": year, "region": REGION, "operator_uscc": usccs[0], "operator_name": names[0],
            "reviewed_uscc": reviewed, "reviewed_name": names[1], "import_csv": "\n".join(rows) + "\n"}
