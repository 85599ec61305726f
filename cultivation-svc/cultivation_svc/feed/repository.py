"""Writing and paging the recognition feed."""
from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from getihu_kit import feeds
from getihu_kit.pagination import PageRequest
from cultivation_svc.feed.models import RecognitionFeedEntry

feed = RecognitionFeedEntry.__table__


def append(session: Session, rec, *, reason: str | None, changed_at) -> None:
    feeds.take_turn(session, feed)
    session.execute(insert(feed).values(
        recognition_id=rec.id, uscc=rec.uscc, region_code=rec.region_code, category=rec.category, change=rec.status,
        year=rec.year, recognised_on=rec.recognised_on, valid_until=rec.valid_until, benefits_from=rec.benefits_from,
        ended_on=rec.ended_on, revoked_on=rec.revoked_on, reason=reason, changed_at=changed_at))


def page(session: Session, page: PageRequest) -> tuple[list, str | None]:
    rows, nxt = feeds.feed_page(session, select(feed), table=feed, page=page)
    return [r._mapping for r in rows], nxt
