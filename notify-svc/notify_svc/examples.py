"""The examples of notify-svc's OpenAPI document (kit.web.apply_examples), keyed by schema name; the
notification is the platform's own typing-result template, rendered for one business."""
from __future__ import annotations

from getihu_kit.examples import USCC_MOHE
from notify_svc import templates

_TEMPLATE = templates._ALL[0]  # typing.result, version 1
_TITLE, _BODY = _TEMPLATE.render({
    "name": "漠河市北极村张记山货店", "uscc": USCC_MOHE, "ruleset": "national-2024", "year": 2025,
    "type_label": "成长型", "measures": "1. 优化政务服务\n2. 加大金融支持"})
_RECIPIENT = f"uscc:{USCC_MOHE}"
_NOTIFICATION = {
    "id": 90311, "recipient": _RECIPIENT, "title": _TITLE, "body": _BODY,
    "template": {"code": _TEMPLATE.code, "version": _TEMPLATE.version},
    "event_id": "3b1f6d2a-8c4e-4f7a-9e2b-5d6c7a8b9e01", "event_type": "getihu.typing.result.published.v1",
    "uscc": USCC_MOHE, "region_code": "232701", "created_at": "2025-07-02T02:00:05Z", "read": False,
    "read_at": None,
}
_DELIVERY = {"id": 120544, "notification_id": 90311, "channel": "sms", "recipient": _RECIPIENT,
             "address": "139****1234", "status": "sent", "attempts": 1, "next_attempt_at": None, "deferred": 0,
             "last_error": None, "sent_at": "2025-07-02T02:00:09Z", "region_code": "232701"}
_TEMPLATE_READ = {"code": _TEMPLATE.code, "version": _TEMPLATE.version, "title": _TEMPLATE.title,
                  "body": _TEMPLATE.body, "channels": list(_TEMPLATE.channels)}

EXAMPLES: dict[str, dict] = {
    "TemplateRef": _NOTIFICATION["template"],
    "NotificationRead": _NOTIFICATION,
    "InboxPage": {"recipient": _RECIPIENT, "unread": 1, "items": [_NOTIFICATION], "next_cursor": None},
    "MarkRead": {"recipient": _RECIPIENT, "ids": [90311]},
    "MarkedRead": {"marked": 1},
    "DeliveryRead": _DELIVERY,
    "DeliveryStatus": {"notification_id": 90311, "inbox": _RECIPIENT, "read": False,
                       "items": [_DELIVERY, {**_DELIVERY, "id": 120545, "channel": "email",
                                             "address": "z***@example.cn", "status": "pending",
                                             "attempts": 2, "next_attempt_at": "2025-07-02T02:10:00Z",
                                             "last_error": "SMTP 451 暂时无法投递", "sent_at": None}]},
    "DeliveryPage": {"items": [_DELIVERY], "next_cursor": "eyJrIjpbMTIwNTQ0XX0"},
    "TemplateRead": _TEMPLATE_READ,
    "TemplatePage": {"items": [_TEMPLATE_READ], "next_cursor": None},
}
