"""A business hears its published type through the whole platform (issue: notify-svc).

County staff register a business; prefecture staff run typing for its county and publish the run;
typing-svc emits each business's published result; notify-svc (which also projected the business
from registry's state events) renders the Chinese message naming the type and its support measures
(免申即享) into the business's inbox. The operator reads it through the gateway and marks it read;
the county's staff inbox has the publication notice; others are refused.
"""
from __future__ import annotations

import pytest

from getihu_kit import testing
from getihu_kit.domain import id_number, uscc
from getihu_kit.schemas.typing import TYPE_LABELS
from harness import publish_typing_with

YEAR, REGION = 2025, "232762"


@pytest.mark.stack
def test_registered_business_hears_its_published_type_with_its_measures(gateway):
    u = uscc.make(REGION, serial=991_201)
    county = gateway.token("songling-clerk", ["county_staff"], region_code=REGION)
    prefecture = gateway.token("pref-notify", ["prefecture_staff"])
    operator = gateway.token("op-songling-1", ["operator"], usccs=[u])
    r = gateway.post("/api/v1/businesses", headers=county, json={
        "uscc": u, "name": "松岭蓝莓坊", "region_code": REGION, "established_on": "2019-05-01",
        "operator": {"name": "钱七", "id_number": id_number.make(serial=9912), "phone": "13945678901"}})
    assert r.status_code == 201, r.text

    result = publish_typing_with(gateway, u, year=YEAR, region=REGION, headers=prefecture)
    assert result["published"] is True
    label = TYPE_LABELS[result["type"]]

    def typed_message():
        r = gateway.get("/api/v1/notifications/inbox", params={"recipient": f"uscc:{u}"}, headers=operator)
        assert r.status_code == 200, r.text
        return [n for n in r.json()["items"] if n["template"]["code"] in ("typing.result", "typing.excluded")] or None
    [n] = testing.wait_until(typed_message, timeout=90, interval=1, message="the type message in the inbox")
    assert f"{YEAR}年度" in n["title"] and label in n["title"]
    assert "松岭蓝莓坊" in n["body"] and n["read"] is False
    if result["type"] != "excluded":
        assert "免申即享" in n["body"] and "A. " in n["body"]
    assert "13945678901" not in str(n)

    r = gateway.post("/api/v1/notifications/inbox/read", json={"recipient": f"uscc:{u}", "ids": [n["id"]]},
                     headers=operator)
    assert r.status_code == 200 and r.json() == {"marked": 1}
    unread = gateway.get("/api/v1/notifications/inbox", params={"recipient": f"uscc:{u}", "unread": "true"},
                         headers=operator).json()
    assert n["id"] not in [x["id"] for x in unread["items"]]

    def staff_notice():
        r = gateway.get("/api/v1/notifications/inbox", params={"recipient": f"region:{REGION}"}, headers=county)
        assert r.status_code == 200, r.text
        return [x for x in r.json()["items"] if x["template"]["code"] == "typing.published.staff"] or None
    assert testing.wait_until(staff_notice, timeout=60, interval=1, message="the publication notice for the county")

    stranger = gateway.token("op-other", ["operator"], usccs=[uscc.make(REGION, serial=991_202)])
    r = gateway.get("/api/v1/notifications/inbox", params={"recipient": f"uscc:{u}"}, headers=stranger)
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
