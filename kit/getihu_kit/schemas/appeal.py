"""Events published by appeal-svc."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from getihu_kit.events import APPEAL, EventData


class AppealFiled(EventData):
    event_type: ClassVar[str] = "getihu.appeal.filed.v1"
    topic: ClassVar[str] = APPEAL

    appeal_id: str
    target_kind: str  # typing_result | cultivation_notice
    target_id: str | None = None  # e.g. the cultivation application id for a notice objection
    uscc: str
    year: int | None = None
    region_code: str | None = None
    appellant: str
    grounds: str
    filed_at: dt.datetime
    due_on: dt.date
    # Optional additions (older consumers ignore them):
    appellant_kind: str | None = None  # user (a token sub) | anonymous (a stable id for a notice objector)
    ruleset: str | None = None          # typing: the ruleset of the result objected to
    original_type: str | None = None    # typing: the published type objected to


class AppealDecided(EventData):
    event_type: ClassVar[str] = "getihu.appeal.decided.v1"
    topic: ClassVar[str] = APPEAL

    appeal_id: str
    target_kind: str
    target_id: str | None = None
    uscc: str
    year: int | None = None
    region_code: str | None = None
    appellant: str
    decision: str  # upheld | rejected | withdrawn
    corrected_type: str | None = None  # typing: the corrected type when upheld
    reason: str
    decided_by: str | None = None
    decided_at: dt.datetime
    # Optional additions (older consumers ignore them):
    appellant_kind: str | None = None  # user (a token sub) | anonymous (a stable id for a notice objector)
    ruleset: str | None = None          # typing: the ruleset of the result decided on
    original_type: str | None = None    # typing: the published type objected to
    filed_at: dt.datetime | None = None
    due_on: dt.date | None = None
