"""Test helpers of appeal-svc: factories, tokens, and projection feeders through the real handlers."""
from __future__ import annotations

import base64
import datetime as dt
import itertools
import random
import uuid

from fastapi.testclient import TestClient

from getihu_kit import clock
from getihu_kit.auth import issue_dev_token
from getihu_kit.db import unit_of_work
from getihu_kit.domain import uscc as uscc_rules
from getihu_kit.events import CloudEvent
from appeal_svc.projections import apply_application_changes, apply_recognition_changes, apply_typing_results
from appeal_svc.settings import Settings

REGION, OTHER_REGION = "232701", "232721"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
_serials = itertools.count(random.randint(10_000, 900_000))


def new_uscc(region: str = REGION) -> str:
    return uscc_rules.make(region, serial=next(_serials))


def evidence(content: bytes = PDF, content_type: str = "application/pdf", filename: str = "证明.pdf") -> dict:
    return {"filename": filename, "content_type": content_type, "content_base64": base64.b64encode(content).decode()}


class Api:
    """A TestClient with token helpers and projection feeders (the real batch handlers)."""

    def __init__(self, client: TestClient, settings: Settings):
        self.client, self.settings = client, settings

    def token(self, sub: str, roles: list[str], region_code: str | None = None,
              usccs: list[str] | None = None) -> dict[str, str]:
        s = self.settings
        t = issue_dev_token(sub=sub, roles=roles, secret=s.jwt_secret, issuer=s.jwt_issuer, audience=s.jwt_audience,
                            region_code=region_code, usccs=usccs)
        return {"Authorization": f"Bearer {t}"}

    def operator(self, uscc: str, sub: str | None = None) -> dict[str, str]:
        return self.token(sub or f"op-{uscc[-6:]}", ["operator"], usccs=[uscc])

    def county(self, region: str = REGION, sub: str = "county-clerk") -> dict[str, str]:
        return self.token(sub, ["county_staff"], region_code=region)

    def prefecture(self, sub: str = "prefecture-clerk") -> dict[str, str]:
        return self.token(sub, ["prefecture_staff"], region_code="232700")

    def publish_result(self, uscc: str, year: int = 2025, type_: str = "survival", region: str = REGION,
                       version: int = 1) -> None:
        data = {"uscc": uscc, "year": year, "type": type_, "region_code": region, "ruleset": "2024.1",
                "run_id": "run-1", "version": version, "published_at": clock.now().isoformat()}
        self._feed(apply_typing_results, "getihu.typing.result.published.v1", data)

    def notice(self, application_id: str, uscc: str, *, status: str = "public_notice",
               ends_on: dt.date | None = None, region: str = REGION,
               changed_at: dt.datetime | None = None) -> None:
        ends_on = ends_on or clock.today() + dt.timedelta(days=5)
        data = {"application_id": application_id, "uscc": uscc, "region_code": region, "year": 2025,
                "category": "distinctive", "source": "self", "status": status,
                "notice_ends_on": ends_on.isoformat() if status in ("public_notice", "on_hold") else None,
                "changed_at": (changed_at or clock.now()).isoformat()}
        self._feed(apply_application_changes, "getihu.cultivation.application.changed.v1", data)

    def recognition(self, recognition_id: str, uscc: str, *, status: str, reason: str | None = None,
                    region: str = REGION, changed_at: dt.datetime | None = None) -> None:
        data = {"recognition_id": recognition_id, "uscc": uscc, "region_code": region, "category": "distinctive",
                "status": status, "recognised_on": "2025-09-20", "valid_until": "2028-09-19",
                "benefits_from": "2026-01-01", "reason": reason, "changed_at": (changed_at or clock.now()).isoformat(),
                "year": 2025}
        self._feed(apply_recognition_changes, "getihu.cultivation.recognition.changed.v1", data)

    def _feed(self, handler, event_type: str, data: dict) -> None:
        with unit_of_work(self.client.app.state.sessions) as session:
            handler(session, [CloudEvent(id=str(uuid.uuid4()), source="/test", type=event_type, data=data)])

    def file(self, uscc: str, *, year: int = 2025, headers=None, **extra):
        body = {"uscc": uscc, "year": year, "grounds": "本户2025年实际雇工5人，分型有误", **extra}
        return self.client.post("/api/v1/appeals", json=body, headers=headers or self.operator(uscc))

    def __getattr__(self, name):
        return getattr(self.client, name)
