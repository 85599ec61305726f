"""Events published by cultivation-svc (名特优新 培育平台). Key: USCC (window events: region code)."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from getihu_kit.events import CULTIVATION, EventData

from getihu_kit.labels import CATEGORY_LABELS  # noqa: F401 - re-exported for the event schemas


class WindowOpened(EventData):
    """A county's application window for a year opened (after typing-published)."""
    event_type: ClassVar[str] = "getihu.cultivation.window.opened.v1"
    topic: ClassVar[str] = CULTIVATION

    window_id: str
    region_code: str
    year: int
    opens_on: dt.date
    closes_on: dt.date
    typing_run_id: str | None = None
    eligible_usccs_count: int = 0


class ApplicationChanged(EventData):
    """An application (self-declared or recommended) moved to a new step or status."""
    event_type: ClassVar[str] = "getihu.cultivation.application.changed.v1"
    topic: ClassVar[str] = CULTIVATION

    application_id: str
    uscc: str
    region_code: str
    year: int
    category: str
    source: str  # self | recommendation
    status: str  # e.g. submitted, awaiting_consent, in_review, site_visit, soliciting, public_notice, on_hold,
    #              recognised, refused, withdrawn, material_requested
    reason: str | None = None
    notice_ends_on: dt.date | None = None
    due_on: dt.date | None = None
    changed_at: dt.datetime
    ruleset: str | None = None  # the cultivation rules (with the county's overrides) the step was judged by


class RecognitionChanged(EventData):
    """A recognition (认定) was granted, extended, cancelled (取消认定), revoked (撤销认定) or expired."""
    event_type: ClassVar[str] = "getihu.cultivation.recognition.changed.v1"
    topic: ClassVar[str] = CULTIVATION

    recognition_id: str
    uscc: str
    region_code: str
    category: str  # renowned | distinctive | quality | emerging
    status: str  # granted | extended | cancelled | revoked | expired
    recognised_on: dt.date
    valid_until: dt.date
    benefits_from: dt.date
    reason: str | None = None
    criteria_version: str | None = None
    changed_at: dt.datetime
    ruleset: str | None = None  # the cultivation rules the recognition was judged by
    year: int | None = None  # the cultivation year (window) it was granted in


class InfoReportDue(EventData):
    """二(六) 变更经营者的，要在变更后及时报告: a recognised business's operator changed, so an info report is due by
    `due_on` (status open); filed when the operator has reported (status filed). The latest `changed_at` wins."""
    event_type: ClassVar[str] = "getihu.cultivation.info_report.due.v1"
    topic: ClassVar[str] = CULTIVATION

    recognition_id: str
    uscc: str
    region_code: str
    kind: str = "operator_change"
    status: str  # open | filed
    opened_on: dt.date | None = None  # the day of the operator change
    due_on: dt.date | None = None
    changed_at: dt.datetime


class SupportMeasuresGranted(EventData):
    """The support measures (帮扶措施) a business earns from its type or category: 免申即享."""
    event_type: ClassVar[str] = "getihu.cultivation.measures.granted.v1"
    topic: ClassVar[str] = CULTIVATION

    uscc: str
    region_code: str | None = None
    basis: str  # type:<survival|growth|development> | category:<renowned|…>
    year: int
    measures: list[dict]  # [{"code", "title", "department"}]
    ruleset: str | None = None
