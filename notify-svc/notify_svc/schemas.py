"""API models of notify-svc."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from getihu_kit.domain import regions
from getihu_kit.fields import USCC_PATTERN
from getihu_kit.pagination import Page

Channel = Literal["email", "sms"]
# sending: claimed for a provider call; unknown: interrupted between the call and its record (staff resend)
DeliveryState = Literal["pending", "sending", "sent", "dead", "unknown"]
# The three kinds of inbox address; the USCC's check character is the custom format's (the service checks it).
RECIPIENT_PATTERN = ("^(uscc:" + USCC_PATTERN.strip("^$") + "|user:[^\\u0000-\\u001f\\u007f]{1,100}|region:("
                     + "|".join(regions.COUNTIES) + "))$")
# The shape is the pattern; the service checks the USCC's check character and the region (format "recipient").
RECIPIENT_FIELD = dict(json_schema_extra={"format": "recipient"}, max_length=105,
                       description="uscc:<统一社会信用代码>、user:<用户标识> 或 region:<行政区划代码>（格式："
                                   + RECIPIENT_PATTERN + "）")


class TemplateRef(BaseModel):
    code: str
    version: int


class NotificationRead(BaseModel):
    id: int
    recipient: str
    title: str
    body: str
    template: TemplateRef
    event_id: str
    event_type: str
    uscc: str | None = None
    region_code: str | None = None
    created_at: dt.datetime
    read: bool
    read_at: dt.datetime | None = None


class InboxPage(BaseModel):
    recipient: str
    unread: int = Field(description="该收件人的未读通知总数")
    items: list[NotificationRead]
    next_cursor: str | None = None


class MarkRead(BaseModel):
    recipient: str = Field(**RECIPIENT_FIELD)
    ids: list[int] | None = Field(default=None, min_length=1, max_length=1000, description="要标记的通知 id；省略则全部标记为已读")

    @field_validator("ids")
    @classmethod
    def _ids(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and not (1 <= len(v) <= 1000):
            raise ValueError("ids 应包含 1 到 1000 个通知 id；要全部标记为已读请省略 ids")
        return v


class MarkedRead(BaseModel):
    marked: int


class DeliveryRead(BaseModel):
    id: int
    notification_id: int
    channel: Channel
    recipient: str
    address: str | None = Field(description="已脱敏")
    status: DeliveryState
    attempts: int
    next_attempt_at: dt.datetime | None = None
    deferred: int
    last_error: str | None = None
    sent_at: dt.datetime | None = None
    region_code: str | None = None


class DeliveryStatus(BaseModel):
    notification_id: int
    inbox: str
    read: bool
    items: list[DeliveryRead]


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    next_cursor: str | None = None


class TemplateRead(BaseModel):
    code: str
    version: int
    title: str
    body: str
    channels: list[str]


class TemplatePage(Page[TemplateRead]):
    """Every version of every template, by code then version."""
