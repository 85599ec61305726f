"""HTTP of notify-svc: parse, call the service, shape the response."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from getihu_kit import clock
from getihu_kit.auth import ROLES, STAFF_ROLES, Principal
from getihu_kit.pagination import PageDep, page_params
from getihu_kit.web import ANYONE, IdPath, SessionDep, requires
from getihu_kit.fields import RegionCode
from notify_svc import service
from notify_svc.schemas import (RECIPIENT_FIELD, Channel, DeliveryPage, DeliveryRead, DeliveryState, DeliveryStatus,
                                InboxPage, MarkedRead, MarkRead, NotificationRead, TemplatePage)

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])
# Every inbox belongs to someone signed in (a business's operator, a person, a county); the service
# checks that it is the caller's own or in the caller's region.
SIGNED_IN = requires(*(r for r in ROLES if r != "public"))
STAFF = requires(*STAFF_ROLES)
InboxPageDep = page_params(200)
DeliveryPageDep = page_params(500, default=100)


@router.get("/inbox", response_model=InboxPage, summary="站内信收件箱")
def list_inbox(session: SessionDep, page: InboxPageDep,
          recipient: str = Query(**RECIPIENT_FIELD),
          unread: bool | None = Query(None, description="true 只看未读，false 只看已读"),
          principal: Principal = Depends(SIGNED_IN)):
    return service.inbox(session, principal=principal, recipient=recipient, unread=unread, page=page)


@router.post("/inbox/read", response_model=MarkedRead, summary="标记为已读")
def mark_inbox_read(body: MarkRead, session: SessionDep, principal: Principal = Depends(SIGNED_IN)):
    return {"marked": service.mark_read(session, principal=principal, recipient=body.recipient, ids=body.ids,
                                        now=clock.now())}


@router.get("/templates", response_model=TemplatePage, summary="通知模板（含历史版本，按代码与版本排序）")
def list_templates(page: PageDep, principal: Principal = Depends(ANYONE)):
    return service.list_templates(page=page)


@router.get("/deliveries", response_model=DeliveryPage, summary="投递记录（工作人员）")
def list_deliveries(session: SessionDep, page: DeliveryPageDep, status: DeliveryState | None = None, channel: Channel | None = None,
               region_code: RegionCode | None = None, principal: Principal = Depends(STAFF)):
    return service.list_deliveries(session, principal=principal, status=status, channel=channel,
                                   region_code=region_code, page=page)


@router.post("/deliveries/{delivery_id}/retry", response_model=DeliveryRead, summary="重新投递失败的邮件或短信")
def retry_delivery(delivery_id: IdPath, session: SessionDep, principal: Principal = Depends(STAFF)):
    return service.retry_delivery(session, principal=principal, delivery_id=delivery_id, now=clock.now())


@router.get("/{notification_id}", response_model=NotificationRead, summary="单条通知")
def get_notification(notification_id: IdPath, session: SessionDep, principal: Principal = Depends(SIGNED_IN)):
    return service.get_notification(session, principal=principal, notification_id=notification_id)


@router.get("/{notification_id}/deliveries", response_model=DeliveryStatus, summary="通知的投递状态（工作人员）")
def list_deliveries_of_notification(notification_id: IdPath, session: SessionDep, principal: Principal = Depends(STAFF)):
    return service.deliveries_of(session, principal=principal, notification_id=notification_id)
