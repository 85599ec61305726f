"""Fixtures of cultivation-svc's tests: one migrated PostgreSQL database, apps on fixed business days, and a
world builder that feeds the projections through the real event handlers."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from getihu_kit import testing
from getihu_kit.auth import issue_dev_token
from getihu_kit.db import make_engine, make_sessionmaker, unit_of_work
from getihu_kit.domain import id_number, uscc as uscc_code
from getihu_kit.events import make_event
from getihu_kit.schemas.appeal import AppealDecided, AppealFiled
from getihu_kit.schemas.data_sharing import BusinessFacts, PersonFacts
from getihu_kit.schemas.registry import BusinessState, OperatorState
from getihu_kit.schemas.typing import TypeCounts, TypingPublished, TypingResultPublished
from cultivation_svc.main import create_app
from cultivation_svc.projections import handlers
from cultivation_svc.settings import MIGRATIONS, Settings

TODAY = dt.date(2026, 9, 15)
AFTER_NOTICE = dt.date(2026, 9, 25)
YEAR = 2026
PUBLISHED_AT = dt.datetime(2026, 8, 10, 9, 0, tzinfo=dt.timezone.utc)
# 呼玛县 has 20 成长型 + 19 发展型: a 5% quota of exactly one recognition. The others have room.
COUNTS = {"232701": (6000, 4000), "232721": (20, 19), "232722": (6000, 4000), "232761": (6000, 4000),
          "232762": (6000, 4000), "232763": (6000, 4000), "232764": (6000, 4000)}


def ev(payload, key):
    return make_event(payload, source="test", subject=key)


class World:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = make_sessionmaker(self.engine)
        self.settings = Settings(database_url=url, topic_prefix="unused.", typing_url=None)
        self._clients: dict[dt.date, TestClient] = {}
        self._serial = itertools.count(1)
        self._criteria: set[tuple[str, str]] = set()

    # --- HTTP -------------------------------------------------------------------------------------------
    def client(self, today: dt.date = TODAY) -> TestClient:
        if today not in self._clients:
            c = TestClient(create_app(Settings(database_url=self.url, topic_prefix="unused.", typing_url=None, today=today)))
            c.__enter__()
            self._clients[today] = c
        return self._clients[today]

    def token(self, sub: str, roles: list[str], **claims) -> dict[str, str]:
        s = self.settings
        t = issue_dev_token(sub=sub, roles=roles, secret=s.jwt_secret, issuer=s.jwt_issuer, audience=s.jwt_audience,
                            **claims)
        return {"Authorization": f"Bearer {t}"}

    def county(self, region: str) -> dict[str, str]:
        return self.token(f"clerk-{region}", ["county_staff"], region_code=region)

    def prefecture(self) -> dict[str, str]:
        return self.token("pref-1", ["prefecture_staff"])

    def operator(self, *usccs: str) -> dict[str, str]:
        return self.token(f"op-{usccs[0]}", ["operator"], usccs=list(usccs))

    def department(self, name: str = "地区退役军人事务局") -> dict[str, str]:
        return self.token(f"dept-{name}", ["department"], department=name)

    # --- events through the real handlers ------------------------------------------------------------------
    def apply_batch(self, handler, events) -> None:
        with unit_of_work(self.sessions) as s:
            handler(s, events)

    def publish_typing(self, year: int = YEAR, counts: dict | None = None, published_at=PUBLISHED_AT) -> None:
        counts = counts or COUNTS
        p = TypingPublished(run_id=f"ty_run_{year}", year=year, reference_date=dt.date(year, 6, 30), ruleset="typing-2024",
                            counts=TypeCounts(), published_at=published_at,
                            counts_by_region={k: TypeCounts(growth=g, development=d) for k, (g, d) in counts.items()})
        with unit_of_work(self.sessions) as s:
            handlers.typing_published(s, ev(p, f"typing:{year}"))

    def business(self, region: str = "232701", *, operator_id: str | None = None, operator_name: str = "张三",
                 type_: str | None = "growth", marks: list | None = None, reports: list | None = None,
                 version: int = 1, uscc: str | None = None, name: str | None = None, status: str = "registered") -> str:
        n = next(self._serial)
        u = uscc or uscc_code.make(region, serial=n)
        state = BusinessState(uscc=u, name=name or f"测试小店{n}", region_code=region, established_on=dt.date(2018, 1, 1),
                              operator=OperatorState(name=operator_name, id_number=operator_id or id_number.make(serial=n)),
                              marks=marks or [], annual_reports=reports or [], version=version, status=status)
        self.apply_batch(handlers.business_states, [ev(state, u)])
        if type_:
            self.typed(u, type_, region=region)
        return u

    def typed(self, u: str, type_: str, *, year: int = YEAR, region: str = "232701", version: int = 1,
              published_at=PUBLISHED_AT) -> None:
        r = TypingResultPublished(uscc=u, year=year, type=type_, region_code=region, ruleset="typing-2024",
                                  run_id=f"ty_run_{year}", version=version, published_at=published_at)
        self.apply_batch(handlers.typing_results, [ev(r, u)])

    def debtor(self, id_no: str, listed_on: dt.date, removed_on: dt.date | None = None) -> None:
        p = PersonFacts(id_number=id_no, dishonest_debtor=[{"batch_id": "b1", "listed_on": listed_on,
                                                            "removed_on": removed_on}])
        self.apply_batch(handlers.person_facts, [ev(p, id_no)])

    def certificate(self, u: str, kind: str) -> None:
        f = BusinessFacts(uscc=u, year=YEAR, certificates=[{"batch_id": "b1", "kind": kind,
                                                           "issued_on": dt.date(2025, 1, 1)}])
        self.apply_batch(handlers.business_facts, [ev(f, u)])

    def objection(self, appeal_id: str, app_id: str, u: str, decision: str | None = None,
                  target_kind: str = "cultivation_notice", decided_at: dt.datetime | None = None,
                  due_on: dt.date = TODAY) -> None:
        now = decided_at or dt.datetime.now(dt.timezone.utc)
        if decision is None:
            p = AppealFiled(appeal_id=appeal_id, target_kind=target_kind, target_id=app_id, uscc=u,
                            appellant="someone", grounds="经营情况不实", filed_at=now, due_on=due_on)
            with unit_of_work(self.sessions) as s:
                handlers.appeal_filed(s, ev(p, u))
        else:
            p = AppealDecided(appeal_id=appeal_id, target_kind=target_kind, target_id=app_id, uscc=u,
                              appellant="someone", decision=decision, reason="经核查", decided_at=now)
            with unit_of_work(self.sessions) as s:
                handlers.appeal_decided(s, ev(p, u))

    # --- the steps, through HTTP ----------------------------------------------------------------------------
    def criteria(self, region: str, category: str = "distinctive") -> None:
        if (region, category) in self._criteria:
            return
        self.criteria_for_year(region, YEAR, category)
        self._criteria.add((region, category))

    def criteria_for_year(self, region: str, year: int, category: str = "distinctive") -> None:
        c, staff = self.client(), self.county(region)
        body = {"region_code": region, "year": year, "category": category, "title": "本县特色类标准", "text": "……",
                "pass_score": "60", "indicators": [
                    {"code": "years", "name": "经营年限", "weight": 60, "threshold": 3},
                    {"code": "green", "name": "绿色食品证书", "weight": 40, "threshold": 1,
                     "source": "certificate:绿色食品"}]}
        r = c.post("/api/v1/cultivation/criteria", json=body, headers=staff)
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        assert c.post(f"/api/v1/cultivation/criteria/{cid}/file", headers=staff).status_code == 200
        assert c.post(f"/api/v1/cultivation/criteria/{cid}/acknowledge", headers=self.prefecture()).status_code == 200
        assert c.post(f"/api/v1/cultivation/criteria/{cid}/publish", headers=staff).status_code == 200

    def apply(self, u: str, region: str = "232701", category: str = "distinctive", expect: int = 201, **extra):
        self.criteria(region, category)
        body = {"uscc": u, "category": category, "indicator_values": {"years": 5},
                "materials": [{"name": "营业执照"}], **extra}
        r = self.client().post("/api/v1/cultivation/applications", json=body, headers=self.operator(u))
        assert r.status_code == expect, r.text
        return r.json()["id"] if expect == 201 else r.json()

    def to_notice(self, app_id: str, region: str = "232701", relaxed_group_confirmed: bool | None = None) -> dict:
        c, staff = self.client(), self.county(region)
        review = {"approve": True} if relaxed_group_confirmed is None else {
            "approve": True, "relaxed_group_confirmed": relaxed_group_confirmed}
        for path, body in (("review", review),
                           ("site-visit", {"verified": True, "visited_on": TODAY.isoformat()}),
                           ("opinions", {"proceed": True, "opinions": [{"department": "地区商务局", "opinion": "同意"}]})):
            r = c.post(f"/api/v1/cultivation/applications/{app_id}/{path}", json=body, headers=staff)
            assert r.status_code == 200, r.text
        assert r.json()["status"] == "public_notice"
        return r.json()

    def recognise(self, app_id: str, region: str = "232701", expect: int = 201, on: dt.date = AFTER_NOTICE):
        r = self.client(on).post(f"/api/v1/cultivation/applications/{app_id}/recognise", json={},
                                 headers=self.county(region))
        assert r.status_code == expect, r.text
        return r.json()

    def recognised(self, region: str = "232701", category: str = "distinctive", **kw) -> tuple[str, dict]:
        u = self.business(region, **kw)
        app_id = self.apply(u, region, category)
        self.to_notice(app_id, region)
        return u, self.recognise(app_id, region)

    def outbox(self, event_type: str, key: str | None = None) -> list[dict]:
        import json
        q = "SELECT payload FROM outbox WHERE type = :t" + (" AND aggregateid = :k" if key else "") + " ORDER BY seq"
        with self.engine.connect() as conn:
            return [json.loads(p)["data"] for p in conn.execute(text(q), {"t": event_type, "k": key}).scalars()]

    def close(self) -> None:
        for c in self._clients.values():
            c.__exit__(None, None, None)
        self.engine.dispose()


@pytest.fixture(scope="session")
def world():
    url = testing.fresh_database("test_cultivation_svc", MIGRATIONS)
    w = World(url)
    w.publish_typing()
    yield w
    w.close()


@pytest.fixture(scope="module")
def world_on():
    """A World on a database of its own (the Kafka tests feed it through the real consumers)."""
    made: list[World] = []

    def make(db_name: str) -> World:
        w = World(testing.fresh_database(db_name, MIGRATIONS))
        made.append(w)
        return w
    yield make
    for w in made:
        w.close()
