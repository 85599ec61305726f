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


def bad_uscc(serial: int) -> str:
    """A code of the county whose check character is wrong."""
    good = uscc.make(REGION, serial=serial)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


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

    # The objection the county clerk decides on its worklist: an operator objects to its published type.
    objecting = usccs[2]
    objector = gw.token("e2e-seed-objector", ["operator"], usccs=[objecting])

    def object_to_type():
        r = gw.post("/api/v1/appeals", headers=objector, json={
            "uscc": objecting, "year": year, "grounds": "上一年度实际雇员4人，年报少填了2人，请核实"})
        assert r.status_code in (201, 404, 409, 422), r.text
        return r.json() if r.status_code == 201 else None
    testing.wait_until(object_to_type, timeout=120, interval=1, message="the published result known to appeal-svc")
    # A confidential read for the prefecture's audit log: the county clerk reads a business's shared data.
    ok(gw.get(f"/api/v1/data-sharing/facts/{usccs[0]}", params={"year": year - 1}, headers=county))

    # An agency's file: one good row, one with a wrong check character.
    agency_csv = ("uscc,tax_paid,general_taxpayer,abnormal_taxpayer\n"
                  f"{usccs[4]},1280.50,否,否\n{bad_uscc(779_998)},300.00,否,否\n")

    # An import file for the county clerk: two good rows and one with a wrong check character.
    bad = bad_uscc(779_999)
    rows = ["uscc,name,region_code,established_on,operator_name,operator_id_number"]
    for i in range(2):
        rows.append(f"{uscc.make(REGION, serial=778_000 + i)},漠河市新开小店{i}号,{REGION},2024-05-01,王五,"
                    f"{id_number.make(serial=778_000 + i)}")
    rows.append(f"{bad},校验位错误的小店,{REGION},2024-05-01,赵六,{id_number.make(serial=778_100)}")
    return {"year": year, "region": REGION, "operator_uscc": usccs[0], "operator_name": names[0],
            "reviewed_uscc": reviewed, "reviewed_name": names[1], "import_csv": "\n".join(rows) + "\n",
            "objection_uscc": objecting, "read_uscc": usccs[0], "agency_csv": agency_csv,
            "recommend_uscc": usccs[3], "recommend_name": names[3]}
