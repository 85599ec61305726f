"""The typing feed in commit order: a correction written while a publication chunk is still open waits for it, so a
reader that has seen the correction has seen the chunk (kit.feeds)."""
from __future__ import annotations

import threading

from sqlalchemy import delete, text

from getihu_kit import clock
from getihu_kit.db import make_sessionmaker, unit_of_work
from getihu_kit.pagination import PageRequest
from typing_svc import repository as repo
from typing_svc.models import FeedEntry

feed = FeedEntry.__table__


def _entry(uscc: str) -> dict:
    return dict(uscc=uscc, year=2031, version=1, type_code=1, run_no=0, region_code="232701", industry_code=None,
                published_at=clock.now())


def _after(sessions, cursor):
    with unit_of_work(sessions) as s:
        rows, nxt = repo.feed_page(s, PageRequest(cursor=cursor, limit=1000))
    return [r["uscc"] for r in rows if r["year"] == 2031], nxt


def test_a_later_writer_waits_so_no_entry_lands_behind_a_cursor(engine):
    sessions = make_sessionmaker(engine)
    _, cursor = _after(sessions, None)
    inside, may_commit = threading.Event(), threading.Event()

    def write(uscc: str, hold: bool) -> None:
        with unit_of_work(sessions) as s:
            repo.insert_feed_entry(s, **_entry(uscc))
            if hold:
                inside.set()
                assert may_commit.wait(60)

    a = threading.Thread(target=write, args=("92232701FEEDORDER1", True))
    a.start()
    assert inside.wait(60)
    b = threading.Thread(target=write, args=("92232701FEEDORDER2", False))
    b.start()
    waiting = 0
    try:
        with engine.connect() as conn:
            for _ in range(600):
                waiting = conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND wait_event = 'advisory'")).scalar()
                if waiting or not b.is_alive():
                    break
                threading.Event().wait(0.05)
        meanwhile, cursor_meanwhile = _after(sessions, cursor)
    finally:
        may_commit.set()
        a.join(60)
        b.join(60)
    try:
        assert waiting == 1 and meanwhile == []
        got, _ = _after(sessions, cursor_meanwhile)
        assert got == ["92232701FEEDORDER1", "92232701FEEDORDER2"]
    finally:
        with engine.begin() as c:
            c.execute(delete(feed).where(feed.c.year == 2031))
