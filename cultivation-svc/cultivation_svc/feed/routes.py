"""HTTP of the national recognition feed."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from getihu_kit.auth import Principal
from getihu_kit.feeds import FEED_READERS, FeedPageRequest
from getihu_kit.labels import CATEGORY_LABELS, RECOGNITION_CHANGE_LABELS
from getihu_kit.web import SessionDep, requires
from cultivation_svc.feed import repository
from cultivation_svc.feed.schemas import RecognitionFeedPage

router = APIRouter(tags=["cultivation: national feed"])
NATIONAL = requires(*FEED_READERS)


@router.get("/feed", response_model=RecognitionFeedPage,
            summary="全国名录数据推送：“名特优新”认定及其变化（认定、延期、取消、撤销、届满），按序可续传")
def read_recognition_feed(session: SessionDep, page: FeedPageRequest,
                          principal: Principal = Depends(NATIONAL)) -> dict:
    rows, nxt = repository.page(session, page)
    return {"items": [{**r, "category_label": CATEGORY_LABELS[r["category"]],
                       "change_label": RECOGNITION_CHANGE_LABELS[r["change"]]} for r in rows], "next_cursor": nxt}
