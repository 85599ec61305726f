"""Turning one or many wanted messages into stored notifications and their deliveries.

Every path (event handlers, reminders) ends here: render each message with its template's current
version, insert all rows in one multi-row statement that skips an existing (event, recipient,
template), then create the e-mail and SMS deliveries of the new rows with one INSERT … SELECT per
channel. Nothing here commits.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from notify_svc import repository, templates
from notify_svc.templates import EMAIL, SMS


def business(uscc: str) -> str:
    return f"uscc:{uscc}"


def person(sub: str) -> str:
    return f"user:{sub}"


def region(code: str) -> str:
    return f"region:{code}"


RENDERED_ONLY = frozenset({"measures"})


@dataclass
class Wanted:
    """One message someone must get: who, which template, with what data, because of which event."""
    event_id: str
    event_type: str
    recipient: str
    template: str
    data: dict
    uscc: str | None = None
    region_code: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Channels:
    """Which outside channels are configured: a channel with no server gets no deliveries."""
    email: bool = False
    sms: bool = False


def store(session: Session, wanted: list[Wanted], *, now: dt.datetime, channels: Channels) -> list[int]:
    """Insert the notifications (idempotent per event, recipient, template) and their deliveries."""
    if not wanted:
        return []
    rows = []
    for w in wanted:
        t = templates.current(w.template)
        title, body = t.render(w.data)
        rows.append({"event_id": w.event_id, "event_type": w.event_type, "recipient": w.recipient,
                     "template_code": t.code, "template_version": t.version, "title": title, "body": body,
                     "uscc": w.uscc, "region_code": w.region_code, "created_at": now,
                     # rendered lists live in the body; the data keeps the inputs (codes, ids, dates)
                     "data": {k: v for k, v in w.data.items() if k not in RENDERED_ONLY}})
    ids = repository.insert_notifications(session, rows)
    used = {w.template for w in wanted}
    by_channel = {name: [c for c in used if name in templates.current(c).channels]
                  for name, enabled in ((EMAIL, channels.email), (SMS, channels.sms)) if enabled}
    repository.create_deliveries(session, notification_ids=ids, channels=by_channel, now=now)
    return ids
