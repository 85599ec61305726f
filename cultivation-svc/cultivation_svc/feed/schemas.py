"""The recognition feed as the national 名录 reads it."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from cultivation_svc.criteria.schemas import Category

Change = Literal["granted", "extended", "cancelled", "revoked", "expired"]


class RecognitionFeedItem(BaseModel):
    seq: int
    recognition_id: str
    uscc: str
    region_code: str
    category: Category
    category_label: str
    change: Change
    change_label: str
    year: int
    recognised_on: dt.date
    valid_until: dt.date
    benefits_from: dt.date
    ended_on: dt.date | None = None
    revoked_on: dt.date | None = None
    reason: str | None = None
    changed_at: dt.datetime


class RecognitionFeedPage(BaseModel):
    items: list[RecognitionFeedItem]
    # After every entry given; the request's own cursor when it has caught up (null only for a client that starts at
    # the beginning of an empty feed: it asks again without a cursor).
    next_cursor: str | None
