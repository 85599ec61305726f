"""HTTP of notify-svc: parse, call the service, shape the response."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query

from getihu_kit.web import IdPath, PrincipalDep, SessionDep
from notify_svc import service, templates
from notify_svc.schemas import (DeliveryPage, DeliveryRead, DeliveryStatus, InboxPage, MarkedRead, MarkRead,
                                NotificationRead, TemplateRead)

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@router.get("/inbox", response_model=InboxPage, summary="站内信收件箱")
def inbox(session: SessionDep, principal: PrincipalDep,
          recipient: str = Query(description="uscc:<统一社会信用代码>、user:<用户标识> 或 region:<行政区划代码>"),
          unread: bool | None = Query(None, description="true 只看未读，false 只看已读"),
          cursor: str | None = None, limit: int = 50):
    return service.inbox(session, principal=principal, recipient=recipient, unread=unread, cursor=cursor,
                         limit=limit)


@router.post("/inbox/read", response_model=MarkedRead, summary="标记为已读")
def mark_read(body: MarkRead, session: SessionDep, principal: PrincipalDep):
    return {"marked": service.mark_read(session, principal=principal, recipient=body.recipient, ids=body.ids,
                                        now=_now())}


@router.get("/templates", response_model=list[TemplateRead], summary="通知模板（含历史版本）")
def list_templates():
    return [{"code": t.code, "version": t.version, "title": t.title, "body": t.body, "channels": list(t.channels)}
            for t in templates.ALL_VERSIONS.values()]


@router.get("/deliveries", response_model=DeliveryPage, summary="投递记录（工作人员）")
def deliveries(session: SessionDep, principal: PrincipalDep, status: str | None = None, channel: str | None = None,
               region_code: str | None = None, cursor: str | None = None, limit: int = 100):
    return service.list_deliveries(session, principal=principal, status=status, channel=channel,
                                   region_code=region_code, cursor=cursor, limit=limit)


@router.post("/deliveries/{delivery_id}/retry", response_model=DeliveryRead, summary="重新投递失败的邮件或短信")
def retry(delivery_id: IdPath, session: SessionDep, principal: PrincipalDep):
    return service.retry_delivery(session, principal=principal, delivery_id=delivery_id, now=_now())


@router.get("/{notification_id}", response_model=NotificationRead, summary="单条通知")
def get_one(notification_id: IdPath, session: SessionDep, principal: PrincipalDep):
    return service.get_notification(session, principal=principal, notification_id=notification_id)


@router.get("/{notification_id}/deliveries", response_model=DeliveryStatus, summary="通知的投递状态（工作人员）")
def delivery_status(notification_id: IdPath, session: SessionDep, principal: PrincipalDep):
    return service.deliveries_of(session, principal=principal, notification_id=notification_id)
