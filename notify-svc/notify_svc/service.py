"""Use cases behind the HTTP API: the inbox, marking read, delivery status, dead-letter retry.

Who may read which inbox: `uscc:<USCC>` — the operator whose token lists that USCC, or staff of the
business's region (prefecture staff: any); `user:<sub>` — that person (prefecture staff and admin
may look); `region:<code>` — county staff of that region, prefecture staff and admin. Only the
recipient itself marks messages read. Addresses (phones, e-mails) are masked in every view.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy.orm import Session

from getihu_kit.auth import STAFF_ROLES, Principal, require_readable, require_roles, scoped_region
from getihu_kit.domain import regions, uscc as uscc_code
from getihu_kit.domain.masking import mask_phone
from getihu_kit.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from getihu_kit.pagination import PageRequest, sequence_page
from notify_svc import repository, templates
from notify_svc.models import Delivery, Notification

RECIPIENT = re.compile(r"^(uscc|user|region):(.{1,100})$")
CHANNELS = ("email", "sms")


def parse_recipient(recipient: str) -> tuple[str, str]:
    m = RECIPIENT.match(recipient or "")
    if not m:
        raise InvalidInput("收件人 recipient 应为 uscc:<统一社会信用代码>、user:<用户标识> 或 region:<行政区划代码>",
                           field="recipient")
    kind, value = m.group(1), m.group(2)
    if kind == "uscc" and not uscc_code.is_valid(value, individual_business=False):
        raise InvalidInput(f"统一社会信用代码 {value} 校验不通过，请核对", field="recipient")
    if kind == "region":
        try:
            value = regions.canonical(value)
        except regions.UnknownRegion:
            raise InvalidInput(f"行政区划代码 {value} 不属于本地区的县级单位", field="recipient") from None
    return kind, value


def _check_read(session: Session, p: Principal, kind: str, value: str) -> None:
    if p.is_public:
        raise Unauthorized("需要登录：请在请求头 Authorization 中携带有效的令牌")
    if kind == "uscc":
        c = None if p.owns(value) else repository.contact(session, value)
        require_readable(p, uscc=value, region_code=c.region_code if c is not None else None,
                         message="只能查看本人经营的个体工商户或本辖区个体工商户的通知")
    elif kind == "user":
        if p.sub != value and not p.sees_all_regions:
            raise Forbidden("只能查看本人的通知")
    else:
        require_readable(p, region_code=value, message=f"只能查看本辖区（{p.region_code or '未绑定辖区'}）的工作通知")


def _is_recipient(p: Principal, kind: str, value: str) -> bool:
    if kind == "uscc":
        return p.owns(value)
    if kind == "user":
        return p.sub == value
    return p.can_act_in_region(value)


def inbox(session: Session, *, principal: Principal, recipient: str, unread: bool | None,
          page: PageRequest) -> dict:
    kind, value = parse_recipient(recipient)
    _check_read(session, principal, kind, value)
    key = f"{kind}:{value}"
    items, next_cursor = repository.inbox_page(session, recipients=[key], unread=unread, page=page)
    return {"recipient": key, "unread": repository.unread_count(session, recipients=[key]),
            "items": [notification_view(n) for n in items], "next_cursor": next_cursor}


def notification_view(n: Notification) -> dict:
    return {"id": n.id, "recipient": n.recipient, "title": n.title, "body": n.body,
            "template": {"code": n.template_code, "version": n.template_version},
            "event_id": n.event_id, "event_type": n.event_type, "uscc": n.uscc, "region_code": n.region_code,
            "created_at": n.created_at, "read": n.read_at is not None, "read_at": n.read_at}


def _notification_for(session: Session, principal: Principal, notification_id: int) -> Notification:
    n = repository.notification(session, notification_id)
    if n is None:
        raise NotFound(f"通知 {notification_id} 不存在")
    kind, _, value = n.recipient.partition(":")
    try:
        _check_read(session, principal, kind, value)
    except Forbidden:
        raise NotFound(f"通知 {notification_id} 不存在") from None  # do not reveal others' messages
    return n


def get_notification(session: Session, *, principal: Principal, notification_id: int) -> dict:
    return notification_view(_notification_for(session, principal, notification_id))


def mark_read(session: Session, *, principal: Principal, recipient: str, ids: list[int] | None,
              now: dt.datetime) -> int:
    kind, value = parse_recipient(recipient)
    _check_read(session, principal, kind, value)
    if not _is_recipient(principal, kind, value):
        raise Forbidden("只有收件人本人可以将通知标记为已读")
    return repository.mark_read(session, recipient=f"{kind}:{value}", ids=ids, now=now)


def mask_address(channel: str, address: str | None) -> str | None:
    if not address:
        return address
    if channel == "sms":
        return mask_phone(address)
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def delivery_view(d: Delivery) -> dict:
    return {"id": d.id, "notification_id": d.notification_id, "channel": d.channel, "recipient": d.recipient,
            "address": mask_address(d.channel, d.address), "status": d.status, "attempts": d.attempts,
            "next_attempt_at": d.next_attempt_at if d.status == "pending" else None, "deferred": d.deferred,
            "last_error": d.last_error, "sent_at": d.sent_at, "region_code": d.region_code}


def _check_delivery_region(p: Principal, region_code: str | None) -> None:
    require_readable(p, region_code=region_code, message=f"只能查看本辖区（{p.region_code or '未绑定辖区'}）的投递记录")


def deliveries_of(session: Session, *, principal: Principal, notification_id: int) -> dict:
    require_roles(principal, *STAFF_ROLES)
    n = repository.notification(session, notification_id)
    if n is None:
        raise NotFound(f"通知 {notification_id} 不存在")
    _check_delivery_region(principal, n.region_code)
    ds = repository.deliveries_of(session, notification_id)
    return {"notification_id": n.id, "inbox": "delivered", "read": n.read_at is not None,
            "items": [delivery_view(d) for d in ds]}


DELIVERY_STATE_LABELS = {"pending": "待发送", "sending": "发送中", "sent": "已发送", "dead": "投递失败",
                         "unknown": "结果未知"}
DELIVERY_STATUSES = tuple(DELIVERY_STATE_LABELS)


def list_deliveries(session: Session, *, principal: Principal, status: str | None, channel: str | None,
                    region_code: str | None, page: PageRequest) -> dict:
    require_roles(principal, *STAFF_ROLES)
    if status is not None and status not in DELIVERY_STATUSES:
        raise InvalidInput("状态 status 应为 " + "、".join(f"{k}（{v}）" for k, v in DELIVERY_STATE_LABELS.items()),
                           field="status")
    if channel is not None and channel not in CHANNELS:
        raise InvalidInput("渠道 channel 应为 email 或 sms", field="channel")
    region_code = scoped_region(principal, region_code)
    items, next_cursor = repository.delivery_page(session, status=status, region_code=region_code,
                                                  channel=channel, page=page)
    return {"items": [delivery_view(d) for d in items], "next_cursor": next_cursor}


def retry_delivery(session: Session, *, principal: Principal, delivery_id: int, now: dt.datetime) -> dict:
    """Staff send a dead or unknown delivery again: a fresh round of attempts starting now (with the
    same idempotency key, so a provider that already took an unknown one can drop the copy)."""
    require_roles(principal, *STAFF_ROLES)
    d = repository.delivery(session, delivery_id, for_update=True)
    if d is None:
        raise NotFound(f"投递记录 {delivery_id} 不存在")
    _check_delivery_region(principal, d.region_code)
    if d.status not in ("dead", "unknown"):
        raise Conflict(f"只有投递失败或结果未知的记录可以重新投递；该记录当前状态为“{DELIVERY_STATE_LABELS[d.status]}”",
                       code="delivery_not_dead")
    d.status, d.attempts, d.next_attempt_at = "pending", 0, now
    session.flush()
    return delivery_view(d)


def list_templates(*, page: PageRequest) -> dict:
    """The templates ship with the code, not in the database: kit pages the catalogue in memory,
    with the same cursor as every other list."""
    rows, nxt = sequence_page(templates.ALL_VERSIONS.values(), key=lambda t: (t.code, t.version), page=page)
    return {"items": [{"code": t.code, "version": t.version, "title": t.title, "body": t.body,
                       "channels": list(t.channels)} for t in rows], "next_cursor": nxt}
