"""Cursor pagination: opaque cursors over a stable ordering key."""
from __future__ import annotations

import base64
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from getihu_kit.errors import InvalidInput

T = TypeVar("T")
MAX_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        pad = "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(cursor + pad))
        if not isinstance(value, dict):
            raise ValueError
        return value
    except Exception:
        raise InvalidInput("分页游标无效：请使用上一页响应中的 next_cursor 原样传入", field="cursor") from None


def check_limit(limit: int, maximum: int = MAX_LIMIT) -> int:
    if limit < 1 or limit > maximum:
        raise InvalidInput(f"每页条数 limit 应在 1 到 {maximum} 之间", field="limit")
    return limit
