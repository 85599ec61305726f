"""The inbox API: who may read which inbox, pagination, unread filter, marking read, delivery status
for staff with masked addresses, and 4xx problem+json for bad input."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient

from getihu_kit.auth import issue_dev_token
from getihu_kit.db import unit_of_work
from notify_svc.consumers import apply_business_states
from notify_svc.main import create_app
from notify_svc.notifying import Channels, Wanted, business, person, region, store
from notify_svc.settings import Settings

from notify_factories import business_state, new_uscc

T0 = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def client(db_url):
    settings = Settings(database_url=db_url)
    with TestClient(create_app(settings)) as c:
        c.settings = settings
        yield c


def token(client, sub, roles, **kw) -> dict:
    s = client.settings
    return {"Authorization": "Bearer " + issue_dev_token(sub=sub, roles=roles, secret=s.jwt_secret,
                                                         issuer=s.jwt_issuer, audience=s.jwt_audience, **kw)}


@pytest.fixture(scope="module")
def shop(sessions):
    """A business in 232721 with 5 messages in its inbox, one for its operator and one for the county."""
    u = new_uscc("232721")
    with unit_of_work(sessions) as s:
        apply_business_states(s, [business_state(u, region="232721", phone="13812348888", email="shop@example.cn")])
        data = {"uscc": u, "name": "呼玛山货店", "report_year": 2025, "due_on": "2026-06-30"}
        ids = store(s, [Wanted(f"route:{uuid.uuid4()}", "test", business(u), "reminder.annual_report", data, u,
                               "232721") for _ in range(5)], now=T0, channels=Channels(email=True, sms=True))
        op = f"op-{uuid.uuid4().hex[:6]}"
        store(s, [Wanted(f"route:{uuid.uuid4()}", "test", person(op), "appeal.filed.appellant",
                         {"appeal_id": "ap_7", "uscc": u, "target_label": "分型结果", "due_on": "2026-09-01"}, u,
                         "232721"),
                  Wanted(f"route:{uuid.uuid4()}", "test", region("232721"), "appeal.filed.staff",
                         {"appeal_id": "ap_7", "uscc": u, "target_label": "分型结果", "due_on": "2026-09-01",
                          "grounds": "人数有误"}, u, "232721")], now=T0, channels=Channels())
    return {"uscc": u, "ids": ids, "operator": op}


def test_operator_pages_through_its_business_inbox(client, shop):
    h = token(client, shop["operator"], ["operator"], usccs=[shop["uscc"]])
    r = client.get("/api/v1/notifications/inbox", params={"recipient": f"uscc:{shop['uscc']}", "limit": 2}, headers=h)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["unread"] == 5 and len(page["items"]) == 2 and page["next_cursor"]
    seen = [n["id"] for n in page["items"]]
    while page["next_cursor"]:
        page = client.get("/api/v1/notifications/inbox", params={
            "recipient": f"uscc:{shop['uscc']}", "limit": 2, "cursor": page["next_cursor"]}, headers=h).json()
        seen += [n["id"] for n in page["items"]]
    assert seen == sorted(shop["ids"], reverse=True)
    first = client.get(f"/api/v1/notifications/{seen[0]}", headers=h).json()
    assert first["template"] == {"code": "reminder.annual_report", "version": 1} and "呼玛山货店" in first["body"]
    assert "13812348888" not in str(first) and "shop@example.cn" not in str(first)


def test_mark_read_and_unread_filter(client, shop):
    h = token(client, shop["operator"], ["operator"], usccs=[shop["uscc"]])
    rec = f"uscc:{shop['uscc']}"
    r = client.post("/api/v1/notifications/inbox/read", json={"recipient": rec, "ids": shop["ids"][:2]}, headers=h)
    assert r.json() == {"marked": 2}
    unread = client.get("/api/v1/notifications/inbox", params={"recipient": rec, "unread": True}, headers=h).json()
    assert unread["unread"] == 3 and {n["id"] for n in unread["items"]} == set(shop["ids"][2:])
    read = client.get("/api/v1/notifications/inbox", params={"recipient": rec, "unread": False}, headers=h).json()
    assert {n["id"] for n in read["items"]} == set(shop["ids"][:2]) and all(n["read"] for n in read["items"])
    staff = token(client, "clerk", ["county_staff"], region_code="232721")
    assert client.post("/api/v1/notifications/inbox/read", json={"recipient": rec}, headers=staff).status_code == 403


@pytest.mark.parametrize("who,recipient,status", [
    ("owner", "uscc", 200), ("other_operator", "uscc", 403), ("county_same", "uscc", 200),
    ("county_other", "uscc", 403), ("prefecture", "uscc", 200), ("public", "uscc", 401),
    ("appellant", "user", 200), ("other_operator", "user", 403),
    ("county_same", "region", 200), ("county_other", "region", 403), ("prefecture", "region", 200),
    ("owner", "region", 403),
])
def test_who_may_read_which_inbox(client, shop, who, recipient, status):
    headers = {
        "owner": token(client, shop["operator"], ["operator"], usccs=[shop["uscc"]]),
        "appellant": token(client, shop["operator"], ["operator"]),
        "other_operator": token(client, "op-x", ["operator"], usccs=[new_uscc("232721")]),
        "county_same": token(client, "c1", ["county_staff"], region_code="232721"),
        "county_other": token(client, "c2", ["county_staff"], region_code="232701"),
        "prefecture": token(client, "p1", ["prefecture_staff"]),
        "public": {},
    }[who]
    key = {"uscc": f"uscc:{shop['uscc']}", "user": f"user:{shop['operator']}", "region": "region:232721"}[recipient]
    r = client.get("/api/v1/notifications/inbox", params={"recipient": key}, headers=headers)
    assert r.status_code == status, r.text
    if status != 200:
        assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("params,field", [
    ({"recipient": "shop:1"}, "recipient"),
    ({"recipient": "uscc:123"}, "recipient"),
    ({"recipient": "region:110101"}, "recipient"),
    ({"recipient": "region:232721", "limit": 0}, "limit"),
    ({"recipient": "region:232721", "cursor": "@@"}, "cursor"),
    ({"recipient": "region:232721", "unread": "perhaps"}, "unread"),
])
def test_bad_input_is_a_422_naming_the_field(client, params, field):
    h = token(client, "p1", ["prefecture_staff"])
    r = client.get("/api/v1/notifications/inbox", params=params, headers=h)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]


def test_staff_see_delivery_status_with_masked_addresses(client, shop):
    staff = token(client, "c1", ["county_staff"], region_code="232721")
    r = client.get(f"/api/v1/notifications/{shop['ids'][0]}/deliveries", headers=staff)
    assert r.status_code == 200
    got = {d["channel"]: d for d in r.json()["items"]}
    assert got["sms"]["address"] == "138****8888" and got["email"]["address"] == "s***@example.cn"
    assert {d["status"] for d in got.values()} == {"pending"}
    owner = token(client, shop["operator"], ["operator"], usccs=[shop["uscc"]])
    assert client.get(f"/api/v1/notifications/{shop['ids'][0]}/deliveries", headers=owner).status_code == 403
    other = token(client, "c2", ["county_staff"], region_code="232701")
    assert client.get(f"/api/v1/notifications/{shop['ids'][0]}/deliveries", headers=other).status_code == 403
    assert client.get("/api/v1/notifications/999999999", headers=other).status_code == 404


def test_templates_are_listed_with_their_versions(client):
    r = client.get("/api/v1/notifications/templates")
    codes = {(t["code"], t["version"]) for t in r.json()["items"]}
    assert ("typing.result", 1) in codes and ("reminder.validity_ending", 1) in codes
    assert r.json()["next_cursor"] is None


def test_templates_page_by_code_and_version(client):
    """The catalogue lives in code, yet pages like every list: small pages walk it once, in order."""
    whole = client.get("/api/v1/notifications/templates").json()["items"]
    seen, cursor = [], None
    while True:
        body = client.get("/api/v1/notifications/templates", params={"limit": 2, "cursor": cursor}).json()
        assert len(body["items"]) <= 2
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == whole == sorted(whole, key=lambda t: (t["code"], t["version"])) and len(whole) > 2
    r = client.get("/api/v1/notifications/templates", params={"cursor": "not-a-cursor"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
