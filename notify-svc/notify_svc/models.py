"""Tables of notify-svc (SQLAlchemy 2, typed)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, func)
from sqlalchemy.orm import Mapped, mapped_column

from getihu_kit.consumer import inbox_table
from getihu_kit.db import declarative_base
from getihu_kit.idempotency import idempotency_table
from getihu_kit.jobs import jobs_tables
from getihu_kit.outbox import outbox_table

Base = declarative_base()
outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
jobs, job_chunks = jobs_tables(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)

class Contact(Base):
    """Projection of registry BusinessState: who to tell and how. Confidential (phone, e-mail)."""
    __tablename__ = "contacts"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    status: Mapped[str] = mapped_column(String(20))
    established_on: Mapped[dt.date] = mapped_column(Date)
    operator_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    last_report_year: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)


class TypedBusiness(Base):
    """Projection of published types per year: who is eligible when a county window opens."""
    __tablename__ = "typed_businesses"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_typed_businesses_year_region_type", "year", "region_code", "type"),)


class Recognition(Base):
    """Projection of cultivation recognitions (认定): for the info-report and validity reminders."""
    __tablename__ = "recognitions"

    recognition_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    recognised_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date, index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReportDue(Base):
    """Info reports a recognised business owes because its operator changed (cultivation's InfoReportDue): for the
    reminder before the deadline; filed ones get none."""
    __tablename__ = "report_dues"

    recognition_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    region_code: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10))  # open | filed
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_report_dues_open", "status", "due_on"),)


class OpenedWindow(Base):
    """Cultivation application windows seen: a type published after its window opened is told too."""
    __tablename__ = "opened_windows"

    window_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (Index("ix_opened_windows_year_region", "year", "region_code"),)


class ClosedReportYear(Base):
    """Annual-report years whose window registry has closed: no more reminders for them."""
    __tablename__ = "closed_report_years"

    report_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    closed_on: Mapped[dt.date] = mapped_column(Date)


class Notification(Base):
    """One message to one recipient; exactly one per (event, recipient, template)."""
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(120))
    template_code: Mapped[str] = mapped_column(String(80))
    template_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    uscc: Mapped[str | None] = mapped_column(String(18))
    region_code: Mapped[str | None] = mapped_column(String(12))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("event_id", "recipient", "template_code", name="uq_notifications_event_recipient_template"),
        Index("ix_notifications_recipient_id", "recipient", "id"),
    )


class Delivery(Base):
    """One e-mail or SMS of a notification: pending → sending → sent, or retried with backoff, then
    dead; `unknown` when the worker stopped between calling the provider and recording its answer."""
    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # indexed by the (notification_id, channel) unique constraint, whose leading column it is
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    recipient: Mapped[str] = mapped_column(String(120))  # the rate limit counts per recipient
    address: Mapped[str] = mapped_column(String(200))  # confidential: masked in every view
    region_code: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), server_default="pending")  # pending|sending|sent|dead|unknown
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    deferred: Mapped[int] = mapped_column(Integer, server_default="0")  # times pushed back by the rate limit
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # set when claimed for one call of the provider (status sending), cleared with its outcome
    sending_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("notification_id", "channel", name="uq_deliveries_notification_channel"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_deliveries_recipient_channel_sent", "recipient", "channel", "sent_at"),
    )
