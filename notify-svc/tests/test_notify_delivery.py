"""E-mail to a real local SMTP server, SMS to a local HTTP provider; retries with backoff, dead letters
and the staff retry; the per-recipient SMS rate limit defers, never drops."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from getihu_kit import clock
from getihu_kit.auth import issue_dev_token
from getihu_kit.db import unit_of_work
from notify_svc.consumers import apply_business_states
from notify_svc.delivery import Sender
from notify_svc.main import create_app
from notify_svc.models import Delivery
from notify_svc.notifying import Channels, Wanted, business, store
from notify_svc.settings import Settings

from notify_factories import business_state, new_uscc

T0 = dt.datetime(2026, 8, 20, 9, 0, tzinfo=dt.timezone.utc)
BOTH = Channels(email=True, sms=True)


def settings_for(db_url, smtp_server, sms_provider, **kw) -> Settings:
    return Settings(database_url=db_url, smtp_host="127.0.0.1", smtp_port=smtp_server.port, sms_url=sms_provider.url,
                    sms_key="k-123", delivery_backoff_s=30, delivery_max_attempts=3, **kw)


def a_business(sessions, region="232701", **kw) -> str:
    u = new_uscc(region)
    with unit_of_work(sessions) as s:
        apply_business_states(s, [business_state(u, region=region, **kw)])
    return u


def notify(sessions, uscc: str, n: int = 1, template="reminder.annual_report") -> list[int]:
    with unit_of_work(sessions) as s:
        return store(s, [Wanted(f"test:{uuid.uuid4()}", "test", business(uscc), template,
                                {"uscc": uscc, "name": "兴安小吃店", "report_year": 2025, "due_on": "2026-06-30"},
                                uscc, "232701") for _ in range(n)], now=T0, channels=BOTH)


def deliveries(sessions, ids: list[int]) -> dict[str, Delivery]:
    with sessions() as s:
        return {d.channel: d for d in s.execute(select(Delivery).where(Delivery.notification_id.in_(ids))).scalars()}


def test_email_reaches_the_smtp_server_and_sms_the_provider(sessions, db_url, smtp_server, sms_provider):
    u = a_business(sessions, email="xiaochi@example.cn", phone="13912345678")
    ids = notify(sessions, u)
    before_mail, before_sms = len(smtp_server.handler.messages), len(sms_provider.requests)
    counts = Sender.from_settings(settings_for(db_url, smtp_server, sms_provider)).deliver_due(sessions, now=T0)
    assert counts["sent"] >= 2
    rcpt, msg = [m for m in smtp_server.handler.messages[before_mail:] if m[0] == ["xiaochi@example.cn"]][0]
    assert msg["Subject"] == "请于2026-06-30前报送2025年度年度报告"
    assert "兴安小吃店" in msg.get_content()
    req = [r for r in sms_provider.requests[before_sms:] if r["body"]["phone"] == "13912345678"][0]
    assert req["key"] == "k-123" and req["body"]["text"].startswith("【个体工商户服务】请于2026-06-30前报送")
    ds = deliveries(sessions, ids)
    assert {c: d.status for c, d in ds.items()} == {"email": "sent", "sms": "sent"}


def test_failing_provider_is_retried_with_backoff_then_dead_then_retried_by_staff(
        sessions, db_url, smtp_server, sms_provider):
    u = a_business(sessions, email=None, phone="13700000001")
    [nid] = notify(sessions, u)
    settings = settings_for(db_url, smtp_server, sms_provider)
    sender = Sender.from_settings(settings)
    sms_provider.failing = True
    try:
        now = T0
        for attempt, wait_s in ((1, 30), (2, 60)):
            sender.deliver_due(sessions, now=now)
            d = deliveries(sessions, [nid])["sms"]
            assert (d.status, d.attempts) == ("pending", attempt) and "500" in d.last_error
            assert d.next_attempt_at == now + dt.timedelta(seconds=wait_s)
            sender.deliver_due(sessions, now=now + dt.timedelta(seconds=wait_s - 1))  # not due yet
            assert deliveries(sessions, [nid])["sms"].attempts == attempt
            now = d.next_attempt_at
        sender.deliver_due(sessions, now=now)
        dead = deliveries(sessions, [nid])["sms"]
        assert (dead.status, dead.attempts) == ("dead", 3)
    finally:
        sms_provider.failing = False

    signing = dict(secret=settings.jwt_secret, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    staff = {"Authorization": "Bearer " + issue_dev_token(sub="clerk", roles=["county_staff"], region_code="232701",
                                                          **signing)}
    other = {"Authorization": "Bearer " + issue_dev_token(sub="c2", roles=["county_staff"], region_code="232721",
                                                          **signing)}
    with TestClient(create_app(settings)) as client:
        listed = client.get("/api/v1/notifications/deliveries", params={"status": "dead", "limit": 500}, headers=staff)
        assert listed.status_code == 200
        row = [d for d in listed.json()["items"] if d["id"] == dead.id][0]
        assert row["address"] == "137****0001" and row["attempts"] == 3
        assert client.post(f"/api/v1/notifications/deliveries/{dead.id}/retry", headers=other).status_code == 403
        r = client.post(f"/api/v1/notifications/deliveries/{dead.id}/retry", headers=staff)
        assert r.status_code == 200 and r.json()["status"] == "pending"
        again = client.post(f"/api/v1/notifications/deliveries/{dead.id}/retry", headers=staff)
        assert again.status_code == 409 and again.json()["code"] == "delivery_not_dead"
    sender.deliver_due(sessions, now=clock.now())
    assert deliveries(sessions, [nid])["sms"].status == "sent"


def test_sms_beyond_the_hourly_limit_is_deferred_not_dropped(sessions, db_url, smtp_server, sms_provider):
    u = a_business(sessions, email=None, phone="13600000002")
    ids = notify(sessions, u, n=3)
    sender = Sender.from_settings(settings_for(db_url, smtp_server, sms_provider, sms_per_hour=2))
    t = T0 + dt.timedelta(days=1)
    sender.deliver_due(sessions, now=t)
    with sessions() as s:
        rows = s.execute(select(Delivery).where(Delivery.notification_id.in_(ids)).order_by(Delivery.id)).scalars().all()
    assert [d.status for d in rows] == ["sent", "sent", "pending"]
    assert rows[2].deferred == 1 and rows[2].next_attempt_at == t + dt.timedelta(hours=1)
    sender.deliver_due(sessions, now=t + dt.timedelta(minutes=59))
    with sessions() as s:
        assert s.get(Delivery, rows[2].id).status == "pending"
    sender.deliver_due(sessions, now=t + dt.timedelta(hours=1))
    with sessions() as s:
        assert s.get(Delivery, rows[2].id).status == "sent"


@pytest.mark.parametrize("template,channels", [
    ("reminder.annual_report", {"email", "sms"}),
    ("measures.granted", set()),  # inbox only
])
def test_channels_follow_the_template(sessions, template, channels):
    u = a_business(sessions)
    with unit_of_work(sessions) as s:
        ids = store(s, [Wanted(f"test:{uuid.uuid4()}", "test", business(u), template,
                               {"uscc": u, "name": "店", "report_year": 2025, "due_on": "2026-06-30", "year": 2026,
                                "basis_label": "分型", "measures": "A. x"}, u, "232701")],
                    now=T0, channels=BOTH)
    assert set(deliveries(sessions, ids)) == channels


# The worker, as a process of its own, killed with SIGKILL right after the provider answered and
# before the outcome is committed (record_sent is where the commit would follow).
_KILLED_WORKER = """
import datetime as dt, os, signal, sys
from getihu_kit.db import make_engine, make_sessionmaker
from notify_svc import repository
from notify_svc.delivery import Sender
from notify_svc.settings import Settings
url, smtp_port, sms_url, now = sys.argv[1], int(sys.argv[2]), sys.argv[3], dt.datetime.fromisoformat(sys.argv[4])
repository.record_sent = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
s = Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=smtp_port, sms_url=sms_url, sms_key="k-123",
             delivery_batch=1)
Sender.from_settings(s).deliver_due(make_sessionmaker(make_engine(url)), now=now)
"""


@pytest.fixture
def own_db():
    """A database of this test's own: the killed worker takes whatever is due, only ours is."""
    from getihu_kit import testing
    from getihu_kit.db import make_engine, make_sessionmaker
    from notify_svc.settings import MIGRATIONS
    url = testing.fresh_database("test_notify_killed_worker", MIGRATIONS)
    engine = make_engine(url)
    yield url, make_sessionmaker(engine)
    engine.dispose()


def test_a_worker_killed_between_the_providers_answer_and_the_commit_never_sends_twice(
        own_db, smtp_server, sms_provider):
    import subprocess
    import sys
    db_url, sessions = own_db
    u = a_business(sessions, email=None, phone="13500000003")
    [nid] = notify(sessions, u)
    now = clock.now()
    got = lambda: [r for r in sms_provider.requests if r["body"]["phone"] == "13500000003"]  # noqa: E731
    child = subprocess.run([sys.executable, "-c", _KILLED_WORKER, db_url, str(smtp_server.port), sms_provider.url,
                            now.isoformat()], capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr
    assert len(got()) == 1  # the provider took the message, then the worker died
    first = got()[0]
    assert first["body"]["reference"] == first["idempotency_key"] == f"nt-delivery-{deliveries(sessions, [nid])['sms'].id}"
    d = deliveries(sessions, [nid])["sms"]
    assert d.status == "sending" and d.sent_at is None

    settings = settings_for(db_url, smtp_server, sms_provider)
    sender = Sender.from_settings(settings)
    sender.deliver_due(sessions, now=now + dt.timedelta(seconds=settings.delivery_lease_s - 1))
    assert deliveries(sessions, [nid])["sms"].status == "sending" and len(got()) == 1  # within the lease: wait
    counts = sender.deliver_due(sessions, now=now + dt.timedelta(seconds=settings.delivery_lease_s + 1))
    d = deliveries(sessions, [nid])["sms"]
    assert counts["unknown"] >= 1 and d.status == "unknown" and "结果未知" in d.last_error
    for later in (600, 3600, 86400):  # never sent again by itself
        sender.deliver_due(sessions, now=now + dt.timedelta(seconds=later))
    assert len(got()) == 1 and deliveries(sessions, [nid])["sms"].status == "unknown"

    signing = dict(secret=settings.jwt_secret, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    staff = {"Authorization": "Bearer " + issue_dev_token(sub="clerk", roles=["county_staff"], region_code="232701",
                                                          **signing)}
    with TestClient(create_app(settings)) as client:
        listed = client.get("/api/v1/notifications/deliveries", params={"status": "unknown", "limit": 500},
                            headers=staff)
        assert listed.status_code == 200, listed.text
        assert d.id in {x["id"] for x in listed.json()["items"]}
        r = client.post(f"/api/v1/notifications/deliveries/{d.id}/retry", headers=staff)
        assert r.status_code == 200 and r.json()["status"] == "pending"
    sender.deliver_due(sessions, now=clock.now())
    assert deliveries(sessions, [nid])["sms"].status == "sent" and len(got()) == 2
    assert got()[1]["idempotency_key"] == first["idempotency_key"]  # the resend carries the same key


def test_an_email_carries_a_stable_message_id_per_delivery(sessions, db_url, smtp_server, sms_provider):
    u = a_business(sessions, email="wendian@example.cn", phone=None)
    [nid] = notify(sessions, u)
    Sender.from_settings(settings_for(db_url, smtp_server, sms_provider)).deliver_due(sessions, now=clock.now())
    d = deliveries(sessions, [nid])["email"]
    [(_, msg)] = [m for m in smtp_server.handler.messages if m[0] == ["wendian@example.cn"]]
    assert d.status == "sent" and msg["Message-ID"] == f"<nt-delivery-{d.id}@getihu.local>"


def test_every_delivery_state_of_the_api_has_a_chinese_label():
    from typing import get_args
    from notify_svc.schemas import DeliveryState
    from notify_svc.service import DELIVERY_STATE_LABELS
    assert set(get_args(DeliveryState)) == set(DELIVERY_STATE_LABELS)
