"""Sending e-mails and SMS: channels, retries with exponential backoff, dead letters, rate limit.

The delivery loop of the worker leases due deliveries in one short transaction, sends them outside
any transaction, and records each outcome in another. At most once: each delivery is claimed
(`sending`, committed) just before its provider call and carries an idempotency key the adapter
passes on (a stable SMTP Message-ID, the SMS request's reference and Idempotency-Key header); a
worker that stops between the call and the record leaves it `sending`, which the next round past
the lease turns `unknown`, never sent again by itself: staff see it and resend (same key). A failed send is retried after
backoff_s · 2^(attempts−1); after max_attempts it is `dead`, listed for staff who may retry it.
SMS to one recipient beyond the hourly limit is deferred to when the window has room, never dropped.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Protocol

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from getihu_kit import clock
from getihu_kit.db import unit_of_work
from getihu_kit.worker import periodic
from notify_svc import repository
from notify_svc.settings import Settings
from notify_svc.templates import EMAIL, SMS, current

log = logging.getLogger(__name__)
RATE_WINDOW = dt.timedelta(hours=1)


class DeliveryError(Exception):
    """A channel refused or failed to take a message; the delivery is retried."""


class Mailer(Protocol):
    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None: ...


class SmsProvider(Protocol):
    def send(self, *, phone: str, text: str, reference: str) -> None: ...


@dataclass
class SmtpMailer:
    host: str
    port: int
    sender: str
    timeout_s: float = 10.0

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        msg = EmailMessage()
        msg["From"] = Address("个体工商户服务平台", addr_spec=self.sender)
        msg["To"] = to
        msg["Subject"] = subject
        # Stable per delivery (not make_msgid's random one): a resent message carries the same id, so
        # a relay or mailbox that keeps ids can drop the second copy.
        msg["Message-ID"] = f"<{message_id}@{self.sender.rpartition('@')[2] or 'getihu.local'}>"
        msg.set_content(body, charset="utf-8")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP: {exc!r}") from exc


@dataclass
class HttpSmsProvider:
    """A provider's HTTP API: POST {"phone", "text", "reference"} with the API key in a header."""
    url: str
    key: str | None
    timeout_s: float = 10.0

    def send(self, *, phone: str, text: str, reference: str) -> None:
        headers = {"Idempotency-Key": reference, **({"X-Api-Key": self.key} if self.key else {})}
        try:
            r = httpx.post(self.url, json={"phone": phone, "text": text, "reference": reference},
                           headers=headers, timeout=self.timeout_s)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"SMS provider unreachable: {exc!r}") from exc
        if r.status_code >= 300:
            raise DeliveryError(f"SMS provider answered {r.status_code}: {r.text[:200]}")


def backoff(*, attempts: int, base_s: float) -> dt.timedelta:
    """Delay before the next try after `attempts` failed tries: base · 2^(attempts−1)."""
    return dt.timedelta(seconds=base_s * (2 ** max(attempts - 1, 0)))


def rate_limited_until(*, sent: int, oldest_sent_at: dt.datetime | None, limit: int,
                       now: dt.datetime) -> dt.datetime | None:
    """When a recipient at `sent` messages in the last hour may get the next one; None: now."""
    if sent < limit or oldest_sent_at is None:
        return None
    return max(oldest_sent_at + RATE_WINDOW, now + dt.timedelta(seconds=1))


@dataclass
class Sender:
    settings: Settings
    mailer: Mailer | None
    sms: SmsProvider | None

    @classmethod
    def from_settings(cls, s: Settings) -> "Sender":
        mailer = SmtpMailer(s.smtp_host, s.smtp_port, s.smtp_from, s.smtp_timeout_s) if s.smtp_host else None
        sms = HttpSmsProvider(s.sms_url, s.sms_key, s.sms_timeout_s) if s.sms_url else None
        return cls(s, mailer, sms)

    def _send(self, d: dict) -> None:
        if d["channel"] == EMAIL:
            if self.mailer is None:
                raise DeliveryError("未配置邮件服务器")
            self.mailer.send(to=d["address"], subject=d["title"], body=d["body"],
                             message_id=f"nt-delivery-{d['id']}")
        elif d["channel"] == SMS:
            if self.sms is None:
                raise DeliveryError("未配置短信服务")
            self.sms.send(phone=d["address"], text=current(d["template_code"]).sms_text(d["title"]),
                          reference=f"nt-delivery-{d['id']}")
        else:
            raise DeliveryError(f"unknown channel {d['channel']}")

    def deliver_due(self, sessions: sessionmaker[Session], *, now: dt.datetime) -> dict[str, int]:
        """One round: lease due deliveries, apply the SMS rate limit, send, record. Returns counts."""
        s = self.settings
        with unit_of_work(sessions) as session:
            unknown = repository.mark_unknown(session, sending_before=now - dt.timedelta(seconds=s.delivery_lease_s))
            due = repository.claim_due(session, now=now, lease_until=now + dt.timedelta(seconds=s.delivery_lease_s),
                                       limit=s.delivery_batch)
            sms_recipients = sorted({d["recipient"] for d in due if d["channel"] == SMS})
            window = repository.sent_in_window(session, channel=SMS, recipients=sms_recipients,
                                               since=now - RATE_WINDOW)
        counts = {"sent": 0, "failed": 0, "dead": 0, "deferred": 0, "unknown": unknown}
        if unknown:
            log.error("%d deliveries interrupted between the provider call and its record: now unknown", unknown)
        sent_now: dict[str, list[dt.datetime]] = {}
        for d in due:
            if d["channel"] == SMS:
                n, oldest = window.get(d["recipient"], (0, None))
                stamps = sent_now.setdefault(d["recipient"], [])
                until = rate_limited_until(sent=n + len(stamps), oldest_sent_at=oldest or (stamps[0] if stamps else None),
                                           limit=s.sms_per_hour, now=now)
                if until is not None:
                    with unit_of_work(sessions) as session:
                        repository.record_deferred(session, delivery_id=d["id"], until=until)
                    counts["deferred"] += 1
                    continue
            with unit_of_work(sessions) as session:
                if not repository.mark_sending(session, delivery_id=d["id"], now=now):
                    continue
            try:
                self._send(d)
            except DeliveryError as exc:
                attempts = d["attempts"] + 1
                dead = attempts >= s.delivery_max_attempts
                with unit_of_work(sessions) as session:
                    repository.record_failure(session, delivery_id=d["id"], error=str(exc), dead=dead,
                                              next_attempt_at=now + backoff(attempts=attempts,
                                                                            base_s=s.delivery_backoff_s))
                counts["dead" if dead else "failed"] += 1
                log.warning("delivery %s (%s) failed, attempt %d: %s", d["id"], d["channel"], attempts, exc)
                continue
            with unit_of_work(sessions) as session:
                repository.record_sent(session, delivery_id=d["id"], now=now)
            if d["channel"] == SMS:
                sent_now.setdefault(d["recipient"], []).append(now)
            counts["sent"] += 1
        return counts


def delivery_loop(settings: Settings):
    """The worker loop (WorkerSpec.loops): a delivery round every delivery_poll_s seconds, and at
    once again while the last round found work."""
    sender = Sender.from_settings(settings)
    busy = False

    def round_(engine: Engine, sessions: sessionmaker[Session]) -> None:
        nonlocal busy
        busy = False
        counts = sender.deliver_due(sessions, now=clock.now())
        busy = bool(counts.get("sent") or counts.get("failed"))
    return periodic("delivery-loop", lambda: 0 if busy else settings.delivery_poll_s, round_)
