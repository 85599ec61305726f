"""Events published by typing-svc."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import BaseModel

from getihu_kit.events import TYPING_RESULTS, TYPING_RUNS, EventData

from getihu_kit.labels import TYPE_LABELS  # noqa: F401 - re-exported for the event schemas


class TypeCounts(BaseModel):
    survival: int = 0
    growth: int = 0
    development: int = 0
    excluded: int = 0


class TypingRunCompleted(EventData):
    event_type: ClassVar[str] = "getihu.typing.run.completed.v1"
    topic: ClassVar[str] = TYPING_RUNS

    run_id: str
    year: int
    reference_date: dt.date
    ruleset: str
    counts: TypeCounts


class TypingPublished(EventData):
    """Staff published a run: its results are the year's published types (key: typing:<year>)."""
    event_type: ClassVar[str] = "getihu.typing.published.v1"
    topic: ClassVar[str] = TYPING_RUNS

    run_id: str
    year: int
    reference_date: dt.date
    ruleset: str
    counts: TypeCounts
    counts_by_region: dict[str, TypeCounts] = {}
    published_at: dt.datetime


class Correction(BaseModel):
    appeal_id: str
    reason: str


class TypingResultPublished(EventData):
    """One business's published type for a year (a correction is a new version); key = USCC."""
    event_type: ClassVar[str] = "getihu.typing.result.published.v1"
    topic: ClassVar[str] = TYPING_RESULTS

    uscc: str
    year: int
    type: str  # survival | growth | development | excluded
    reasons: list[str] = []
    region_code: str | None = None
    industry_code: str | None = None
    ruleset: str
    run_id: str
    version: int = 1
    published_at: dt.datetime
    correction: Correction | None = None
