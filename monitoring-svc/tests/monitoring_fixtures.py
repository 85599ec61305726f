"""Test helpers of monitoring-svc: tokens, valid USCCs, and projection feeders through the real handlers."""
from __future__ import annotations

import itertools
import random
import uuid

from fastapi.testclient import TestClient

from getihu_kit import clock
from getihu_kit.auth import issue_dev_token
from getihu_kit.db import unit_of_work
from getihu_kit.domain import uscc as uscc_rules
from getihu_kit.events import CloudEvent
from monitoring_svc.projections import apply_business_states, apply_typing_results
from monitoring_svc.settings import Settings

REGION, OTHER_REGION = "232701", "232721"
_serials = itertools.count(random.randint(10_000, 900_000))


def new_uscc(region: str = REGION) -> str:
    return uscc_rules.make(region, serial=next(_serials))


def figures(**over) -> dict:
    return {"sales": "86500.00", "costs": "61200.00", "profit": "25300.00", "employees": 3, "new_hires": 1,
            "loans_outstanding": "50000", "loans_obtained": "0", "financing_need": "met", "outlook": "stable",
            **over}


class Api:
    def __init__(self, client: TestClient, settings: Settings):
        self.client, self.settings = client, settings

    def token(self, sub: str, roles: list[str], region_code: str | None = None,
              usccs: list[str] | None = None) -> dict[str, str]:
        s = self.settings
        t = issue_dev_token(sub=sub, roles=roles, secret=s.jwt_secret, issuer=s.jwt_issuer, audience=s.jwt_audience,
                            region_code=region_code, usccs=usccs)
        return {"Authorization": f"Bearer {t}"}

    def operator(self, uscc: str) -> dict[str, str]:
        return self.token(f"op-{uscc[-6:]}", ["operator"], usccs=[uscc])

    def county(self, region: str = REGION, sub: str = "county-clerk") -> dict[str, str]:
        return self.token(sub, ["county_staff"], region_code=region)

    def prefecture(self, sub: str = "prefecture-clerk") -> dict[str, str]:
        return self.token(sub, ["prefecture_staff"], region_code="232700")

    def _feed(self, handler, event_type: str, items: list[dict]) -> None:
        events = [CloudEvent(id=str(uuid.uuid4()), source="test", type=event_type, subject=d["uscc"], data=d)
                  for d in items]
        with unit_of_work(self.client.app.state.sessions) as session:
            handler(session, events)

    def register(self, *usccs: str, region: str = REGION, industry: str = "H62", version: int = 1) -> None:
        self._feed(apply_business_states, "getihu.registry.business.state.v1", [
            {"uscc": u, "name": f"测试小店{u[-4:]}", "region_code": region, "industry_code": industry,
             "status": "registered", "version": version, "established_on": "2020-01-01",
             "operator": {"name": "张三", "id_number": "11010519491231002X"}} for u in usccs])

    def publish_result(self, uscc: str, *, year: int = 2025, type_: str = "growth", region: str = REGION,
                       version: int = 1) -> None:
        self._feed(apply_typing_results, "getihu.typing.result.published.v1", [
            {"uscc": uscc, "year": year, "type": type_, "region_code": region, "industry_code": "H62",
             "ruleset": "2024.1", "run_id": "run-1", "version": version, "published_at": clock.now().isoformat()}])

    def __getattr__(self, name):
        return getattr(self.client, name)
