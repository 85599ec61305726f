"""The national feed of 名特优新 recognitions (GET /api/v1/cultivation/feed): every change in commit order, read
by a resumable cursor; writers committing at once leave no gap a reader's cursor could pass."""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import text

from getihu_kit.db import unit_of_work
from cultivation_svc import events
from cultivation_svc.recognitions import repository as recognitions
from cultivation_svc.recognitions.service import expire_lapsed

API = "/api/v1/cultivation"


def _national(world) -> dict:
    return world.token("national-1", ["national_directory"])


def _read_all(world, cursor: str | None = None, limit: int = 2) -> tuple[list[dict], str | None]:
    """Every entry after `cursor`, page by page, and the cursor to come back with."""
    items: list[dict] = []
    while True:
        r = world.client().get(f"{API}/feed", params={"limit": limit, **({"cursor": cursor} if cursor else {})},
                               headers=_national(world))
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        if not page["items"]:
            return items, page["next_cursor"]
        cursor = page["next_cursor"]


def test_the_feed_carries_each_change_in_order_and_resumes_from_its_cursor(world):
    _, before = _read_all(world)
    u1, rec1 = world.recognised("232764")
    u2, rec2 = world.recognised("232764")
    world.typed(u2, "development", year=2029, region="232764",
                published_at=dt.datetime(2029, 8, 10, tzinfo=dt.timezone.utc))
    out = world.client(dt.date(2029, 9, 1)).post(f"{API}/recognitions/{rec2['id']}/evaluation",
                                                   headers=world.county("232764")).json()
    assert out["extended"]
    r = world.client(dt.date(2026, 10, 1)).post(f"{API}/recognitions/{rec1['id']}/revoke",
                                                json={"reason": "伪造经营数据"}, headers=world.county("232764"))
    assert r.status_code == 200, r.text
    items, caught_up = _read_all(world, before)
    ours = [(i["recognition_id"], i["change"]) for i in items if i["recognition_id"] in (rec1["id"], rec2["id"])]
    assert ours == [(rec1["id"], "granted"), (rec2["id"], "granted"), (rec2["id"], "extended"),
                    (rec1["id"], "revoked")]
    seqs = [i["seq"] for i in items]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    extended = next(i for i in items if i["change"] == "extended" and i["recognition_id"] == rec2["id"])
    assert extended == {**extended, "uscc": u2, "region_code": "232764", "category": "distinctive",
                        "category_label": "特色", "change_label": "延期", "valid_until": "2032-09-24",
                        "recognised_on": rec2["recognised_on"], "year": 2026}
    revoked = next(i for i in items if i["change"] == "revoked")
    assert revoked["revoked_on"] == "2026-10-01" and revoked["reason"] == "fraud: 伪造经营数据"

    # Caught up: the same cursor comes back, and the next change is what it finds.
    r = world.client().get(f"{API}/feed", params={"cursor": caught_up}, headers=_national(world)).json()
    assert r == {"items": [], "next_cursor": caught_up}
    with unit_of_work(world.sessions) as s:
        assert expire_lapsed(s, today=dt.date(2032, 9, 25)) >= 1
    later, _ = _read_all(world, caught_up)
    assert (rec2["id"], "expired") in [(i["recognition_id"], i["change"]) for i in later]
    assert all(i["seq"] > seqs[-1] for i in later)


def test_only_the_national_directory_and_the_prefecture_read_the_feed(world):
    c = world.client()
    assert c.get(f"{API}/feed").status_code == 401
    assert c.get(f"{API}/feed", headers=world.county("232764")).status_code == 403
    assert c.get(f"{API}/feed", headers=world.operator("92232701MA00000001")).status_code == 403
    assert c.get(f"{API}/feed", headers=world.prefecture()).status_code == 200
    r = c.get(f"{API}/feed", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=_national(world))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor"


def test_a_change_committed_later_never_lands_behind_a_cursor(world):
    """Two changes written at once: the second writer waits for the first to commit before it draws its seq, so a
    reader that has seen the second has seen the first — no gap; and each is read once — no duplicate."""
    _, before = _read_all(world)
    _, first = world.recognised("232764")
    _, second = world.recognised("232764")
    _, cursor = _read_all(world, before)
    first_inside, first_may_commit = threading.Event(), threading.Event()

    def change(rec_id: str, hold: bool) -> None:
        with unit_of_work(world.sessions) as s:
            events.recognition_changed(s, recognitions.get(s, rec_id), reason="并发写入")
            if hold:
                first_inside.set()
                assert first_may_commit.wait(60)

    a = threading.Thread(target=change, args=(first["id"], True))
    a.start()
    assert first_inside.wait(60)
    b = threading.Thread(target=change, args=(second["id"], False))
    b.start()
    waiting = 0
    with world.engine.connect() as conn:  # the second writer waits on the feed's lock, not racing past it
        for _ in range(600):
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory'")).scalar()
            if waiting or not b.is_alive():
                break
            threading.Event().wait(0.05)
    seen_meanwhile, cursor_meanwhile = _read_all(world, cursor)
    first_may_commit.set()
    a.join(60)
    b.join(60)
    assert waiting == 1
    assert seen_meanwhile == []  # neither is visible while the first is open
    items, _ = _read_all(world, cursor_meanwhile)
    assert [(i["recognition_id"], i["reason"]) for i in items] == [(first["id"], "并发写入"), (second["id"], "并发写入")]
    assert items[0]["seq"] < items[1]["seq"]
