"""Building and emitting cultivation-svc's events (kit/getihu_kit/schemas/cultivation.py) in the caller's transaction."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.schemas.cultivation import (ApplicationChanged, InfoReportDue, RecognitionChanged,
                                            SupportMeasuresGranted)
from cultivation_svc.base import OUTBOX
from cultivation_svc.feed import repository as feed
from cultivation_svc.measures import catalog


def application_changed(session: Session, app, *, reason: str | None = None, due_on: dt.date | None = None,
                        ruleset: str | None = None, traceparent: str | None = None) -> None:
    OUTBOX.emit(session, ApplicationChanged(
        application_id=app.id, uscc=app.uscc, region_code=app.region_code, year=app.year, category=app.category,
        source=app.source, status=app.status, reason=reason if reason is not None else app.reason,
        notice_ends_on=app.notice_ends_on, due_on=due_on, changed_at=clock.now(), ruleset=ruleset),
        key=app.uscc, traceparent=traceparent)


def recognition_changed(session: Session, rec, *, reason: str | None = None, traceparent: str | None = None) -> None:
    """Every change of a recognition: its event, and its entry in the national feed, in the caller's transaction."""
    changed_at = clock.now()
    feed.append(session, rec, reason=reason, changed_at=changed_at)
    OUTBOX.emit(session, RecognitionChanged(
        recognition_id=rec.id, uscc=rec.uscc, region_code=rec.region_code, category=rec.category, status=rec.status,
        recognised_on=rec.recognised_on, valid_until=rec.valid_until, benefits_from=rec.benefits_from,
        reason=reason, criteria_version=rec.criteria_id, changed_at=changed_at, ruleset=rec.ruleset, year=rec.year),
        key=rec.uscc, traceparent=traceparent)


def info_reports_due(session: Session, rows: list[dict], *, status: str = "open") -> int:
    """二(六) 变更后及时报告: one event per recognition whose report fell due (or was filed), for notify's message
    naming the deadline and its reminder; one executemany for a consumer's batch."""
    now = clock.now()
    return OUTBOX.emit_many(session, [(InfoReportDue(
        recognition_id=r["id"], uscc=r["uscc"], region_code=r["region_code"], status=status,
        opened_on=r.get("opened_on"), due_on=r.get("due_on"), changed_at=now), r["uscc"]) for r in rows])


def category_measures_granted(session: Session, rec, *, traceparent: str | None = None) -> None:
    """二(七)：a recognised business's measures (its category's, 成长型's and 发展型's), 免申即享."""
    OUTBOX.emit(session, SupportMeasuresGranted(
        uscc=rec.uscc, region_code=rec.region_code, basis=f"category:{rec.category}", year=rec.benefits_from.year,
        measures=catalog.brief(catalog.for_category(rec.category)), ruleset=catalog.CATALOG_VERSION),
        key=rec.uscc, traceparent=traceparent)


def type_measures_granted_many(session: Session, results: list[dict]) -> int:
    """一(五)：one event per published type (生存型/成长型/发展型), written with one executemany."""
    items = []
    for r in results:
        measures = catalog.for_type(r["type"])
        if not measures:
            continue  # 不符合分型条件: no type, no type measures
        items.append((SupportMeasuresGranted(
            uscc=r["uscc"], region_code=r.get("region_code"), basis=f"type:{r['type']}", year=int(r["year"]),
            measures=catalog.brief(measures), ruleset=r.get("ruleset")), r["uscc"]))
    return OUTBOX.emit_many(session, items)
